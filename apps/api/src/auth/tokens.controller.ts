import { API_ROOT } from '@app/core';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { NamedListQuery } from '../common/list-query.dto';
import { Page, Paginated } from '../common/paginate';
import { CreatedTokenResponse, CreateTokenRequest, TokenResponse } from './dto/token.dto';
import { TokensService } from './tokens.service';

@ApiTags('API tokens')
@Controller(`${API_ROOT}/tokens`)
export class TokensController {
  constructor(private readonly tokens: TokensService) {}

  @Get()
  @ApiOperation({ operationId: 'tokens_list', summary: 'List API tokens (never the tokens themselves)' })
  @ApiResponse({ status: 200, type: Paginated(TokenResponse) })
  list(@Query() query: NamedListQuery, @Req() req: Request): Promise<Page<TokenResponse>> {
    return this.tokens.list(query, req);
  }

  @Post()
  @ApiOperation({ operationId: 'tokens_create', summary: 'Create an API token; the answer shows it once' })
  @ApiResponse({ status: 201, type: CreatedTokenResponse })
  create(@Body() body: CreateTokenRequest): Promise<CreatedTokenResponse> {
    return this.tokens.create(body);
  }

  @Get(':id')
  @ApiOperation({ operationId: 'tokens_read', summary: 'Inspect an API token' })
  @ApiResponse({ status: 200, type: TokenResponse })
  read(@Param('id') id: string): Promise<TokenResponse> {
    return this.tokens.get(id);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ operationId: 'tokens_delete', summary: 'Revoke an API token; it stops working at once' })
  @ApiResponse({ status: 204 })
  revoke(@Param('id') id: string): Promise<void> {
    return this.tokens.revoke(id);
  }
}
