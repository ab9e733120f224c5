import { hrefs, prnOf } from '@app/core';
import { ApiTokenEntity } from '@app/domain';
import { generateSecret } from '@app/security';
import { Injectable, NotFoundException } from '@nestjs/common';
import type { Request } from 'express';
import { DataSource, Repository } from 'typeorm';
import { NamedListQuery } from '../common/list-query.dto';
import { applyNameFilters, applyOrdering, applyReferenceFilters, Page, paginate } from '../common/paginate';
import { FieldErrors } from '../common/problem';
import { assertNameFree } from '../common/unique-name';
import { hashToken, type Principal } from './auth.guard';
import { CreatedTokenResponse, CreateTokenRequest, TokenResponse } from './dto/token.dto';

@Injectable()
export class TokensService {
  private readonly tokens: Repository<ApiTokenEntity>;

  constructor(dataSource: DataSource) {
    this.tokens = dataSource.getRepository(ApiTokenEntity);
  }

  /**
   * A token never outlives the credential that created it: a request authenticated by an API token that
   * expires gets a token expiring no later (its expiry when `expires_at` is omitted or null, a 400 when
   * later). Otherwise a short-lived token could mint a permanent one. Password logins and tokens without
   * an expiry are not bounded.
   */
  async create(body: CreateTokenRequest, principal?: Principal): Promise<CreatedTokenResponse> {
    let expiresAt = body.expires_at ? new Date(body.expires_at) : null;
    if (expiresAt && expiresAt.getTime() <= Date.now())
      throw FieldErrors.of('expires_at', 'expires_at must be in the future');
    const ceiling = principal?.kind === 'token' ? principal.expiresAt : null;
    if (ceiling) {
      if (expiresAt && expiresAt > ceiling) {
        throw FieldErrors.of(
          'expires_at',
          `expires_at must not be later than ${ceiling.toISOString()}, when the token making this request expires`,
        );
      }
      expiresAt ??= ceiling;
    }
    await assertNameFree(this.tokens, body.name, 'token');
    const token = `bd_${generateSecret(40)}`;
    const saved = await this.tokens.save(
      this.tokens.create({ name: body.name, tokenHash: hashToken(token), prefix: token.slice(0, 10), expiresAt }),
    );
    return { ...present(saved), token };
  }

  async list(query: NamedListQuery, req: Request): Promise<Page<TokenResponse>> {
    const qb = this.tokens.createQueryBuilder('t');
    applyNameFilters(qb, query);
    applyReferenceFilters(qb, query, 'token');
    applyOrdering(qb, query.ordering, { name: 't.name', pulp_created: 't.createdAt' }, 'name');
    return paginate(qb, query, req, (rows) => rows.map(present));
  }

  async get(id: string): Promise<TokenResponse> {
    return present(await this.find(id));
  }

  async revoke(id: string): Promise<void> {
    await this.tokens.delete({ id: (await this.find(id)).id });
  }

  private async find(id: string): Promise<ApiTokenEntity> {
    const token = await this.tokens.findOne({ where: { id } });
    if (!token) throw new NotFoundException('no token with this id');
    return token;
  }
}

function present(token: ApiTokenEntity): TokenResponse {
  return {
    pulp_href: hrefs.token(token.id),
    prn: prnOf('token', token.id),
    pulp_created: token.createdAt.toISOString(),
    name: token.name,
    prefix: token.prefix,
    expires_at: token.expiresAt?.toISOString() ?? null,
    last_used_at: token.lastUsedAt?.toISOString() ?? null,
  };
}
