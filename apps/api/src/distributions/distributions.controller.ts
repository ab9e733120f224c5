import { API_ROOT } from '@app/core';
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import type { Request } from 'express';
import { NamedListQuery } from '../common/list-query.dto';
import { Page, Paginated } from '../common/paginate';
import { DistributionsService } from './distributions.service';
import {
  CreateDistributionRequest,
  DistributionResponse,
  SignedUrlResponse,
  SignRequest,
  UpdateDistributionRequest,
} from './dto/distribution.dto';

export class DistributionListQuery extends NamedListQuery {
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
  @ApiOperation({ operationId: 'distributions_list', summary: 'List distributions' })
  @ApiResponse({ status: 200, type: Paginated(DistributionResponse) })
  list(@Query() query: DistributionListQuery, @Req() req: Request): Promise<Page<DistributionResponse>> {
    return this.distributions.list(query, req);
  }

  @Post()
  @ApiOperation({ operationId: 'distributions_create', summary: 'Publish a repository or version at a base path' })
  @ApiResponse({ status: 201, type: DistributionResponse })
  create(@Body() body: CreateDistributionRequest): Promise<DistributionResponse> {
    return this.distributions.create(body);
  }

  @Get(':id')
  @ApiOperation({ operationId: 'distributions_read', summary: 'Inspect a distribution' })
  @ApiResponse({ status: 200, type: DistributionResponse })
  read(@Param('id') id: string): Promise<DistributionResponse> {
    return this.distributions.get(id);
  }

  @Patch(':id')
  @ApiOperation({ operationId: 'distributions_partial_update', summary: 'Change some fields of a distribution' })
  @ApiResponse({ status: 200, type: DistributionResponse })
  partialUpdate(@Param('id') id: string, @Body() body: UpdateDistributionRequest): Promise<DistributionResponse> {
    return this.distributions.update(id, body);
  }

  @Put(':id')
  @ApiOperation({ operationId: 'distributions_update', summary: 'Replace a distribution' })
  @ApiResponse({ status: 200, type: DistributionResponse })
  update(@Param('id') id: string, @Body() body: CreateDistributionRequest): Promise<DistributionResponse> {
    return this.distributions.update(id, body);
  }

  @Post(':id/sign')
  @ApiOperation({ operationId: 'distributions_sign', summary: 'Issue a time-limited URL for a private distribution' })
  @ApiResponse({ status: 201, type: SignedUrlResponse })
  sign(@Param('id') id: string, @Body() body: SignRequest): Promise<SignedUrlResponse> {
    return this.distributions.sign(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ operationId: 'distributions_delete', summary: 'Stop serving a distribution' })
  @ApiResponse({ status: 204 })
  delete(@Param('id') id: string): Promise<void> {
    return this.distributions.delete(id);
  }
}
