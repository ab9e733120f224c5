import { API_ROOT } from '@app/core';
import { Body, Controller, Delete, Get, HttpCode, Post, Query, Req } from '@nestjs/common';
import { IdParam } from '../common/id-param';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { FieldsQuery, NamedListQuery } from '../common/list-query.dto';
import { Page, Paginated } from '../common/paginate';
import { CreatedTokenResponse, CreateTokenRequest, TokenResponse } from './dto/token.dto';
import type { AuthenticatedRequest } from './auth.guard';
import { TokensService } from './tokens.service';
import { ApiConflict } from '../openapi/error-responses';

@ApiTags('API tokens')
@Controller(`${API_ROOT}/tokens`)
export class TokensController {
  constructor(private readonly tokens: TokensService) {}

  @Get()
  @ApiOperation({ summary: 'List API tokens (never the tokens themselves)' })
  @ApiResponse({ status: 200, type: Paginated(TokenResponse) })
  list(@Query() query: NamedListQuery, @Req() req: Request): Promise<Page<TokenResponse>> {
    return this.tokens.list(query, req);
  }

  @Post()
  @ApiOperation({
    summary: 'Create an API token; the answer shows it once',
    description:
      'A request authenticated by an API token that expires creates a token expiring no later: `expires_at` defaults to that expiry, and a later one is refused (400).',
  })
  @ApiConflict('a token with this name exists')
  @ApiResponse({ status: 201, type: CreatedTokenResponse })
  create(@Body() body: CreateTokenRequest, @Req() req: AuthenticatedRequest): Promise<CreatedTokenResponse> {
    return this.tokens.create(body, req.principal);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Inspect an API token' })
  @ApiResponse({ status: 200, type: TokenResponse })
  read(@IdParam() id: string, @Query() _query: FieldsQuery): Promise<TokenResponse> {
    return this.tokens.get(id);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API token; it stops working at once' })
  @ApiResponse({ status: 204 })
  revoke(@IdParam() id: string): Promise<void> {
    return this.tokens.revoke(id);
  }
}
