import { API_ROOT } from '@app/core';
import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Put, Query, Req } from '@nestjs/common';
import { IdParam } from '../common/id-param';
import { ApiOperation, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import type { Request } from 'express';
import { CHANGED_AT_ONCE, CREATED_AT_ONCE, DELETED_AT_ONCE } from '../openapi/pulp-differences';
import { FieldsQuery, LabeledListQuery } from '../common/list-query.dto';
import { Page, Paginated } from '../common/paginate';
import { DistributionsService } from './distributions.service';
import {
  CreateDistributionRequest,
  DistributionResponse,
  SignedUrlResponse,
  SignRequest,
  PatchedDistributionRequest,
} from './dto/distribution.dto';
import { ApiConflict } from '../openapi/error-responses';

export class DistributionListQuery extends LabeledListQuery {
  @ApiPropertyOptional({ description: 'Filter by exact base path.' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  base_path?: string;
}

@ApiTags('Distributions: Netboot OCI')
@Controller(`${API_ROOT}/distributions/netboot/oci`)
export class DistributionsController {
  constructor(private readonly distributions: DistributionsService) {}

  @Get()
  @ApiOperation({ summary: 'List distributions' })
  @ApiResponse({ status: 200, type: Paginated(DistributionResponse) })
  list(@Query() query: DistributionListQuery, @Req() req: Request): Promise<Page<DistributionResponse>> {
    return this.distributions.list(query, req);
  }

  @Post()
  @ApiOperation({
    summary: 'Publish a repository or version at a base path',
    description: `${CREATED_AT_ONCE} A base path nested in another distribution's is a 400 naming base_path.`,
  })
  @ApiConflict('a distribution with this name or base path exists')
  @ApiResponse({ status: 201, type: DistributionResponse })
  create(@Body() body: CreateDistributionRequest): Promise<DistributionResponse> {
    return this.distributions.create(body);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Inspect a distribution' })
  @ApiResponse({ status: 200, type: DistributionResponse })
  read(@IdParam() id: string, @Query() _query: FieldsQuery): Promise<DistributionResponse> {
    return this.distributions.get(id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change some fields of a distribution', description: CHANGED_AT_ONCE })
  @ApiConflict('a distribution with this name or base path exists')
  @ApiResponse({ status: 200, type: DistributionResponse })
  partialUpdate(@IdParam() id: string, @Body() body: PatchedDistributionRequest): Promise<DistributionResponse> {
    return this.distributions.update(id, body);
  }

  @Put(':id')
  @ApiOperation({ summary: 'Replace a distribution', description: CHANGED_AT_ONCE })
  @ApiConflict('a distribution with this name or base path exists')
  @ApiResponse({ status: 200, type: DistributionResponse })
  update(@IdParam() id: string, @Body() body: CreateDistributionRequest): Promise<DistributionResponse> {
    return this.distributions.update(id, body);
  }

  @Post(':id/sign')
  @ApiOperation({ summary: 'Issue a time-limited URL for a private distribution' })
  @ApiResponse({ status: 201, type: SignedUrlResponse })
  sign(@IdParam() id: string, @Body() body: SignRequest): Promise<SignedUrlResponse> {
    return this.distributions.sign(id, body);
  }

  @Post(':id/revoke_grants')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Invalidate every signed URL issued for this distribution so far',
    description:
      'Signed URLs also stop working when the distribution is deleted, or its `base_path` or `private` changes. The server secret key is not rotated; new URLs can be signed at once.',
  })
  @ApiResponse({ status: 204 })
  revokeGrants(@IdParam() id: string): Promise<void> {
    return this.distributions.revokeGrants(id);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Stop serving a distribution', description: DELETED_AT_ONCE })
  @ApiResponse({ status: 204 })
  delete(@IdParam() id: string): Promise<void> {
    return this.distributions.delete(id);
  }
}
