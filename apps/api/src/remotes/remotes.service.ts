import { RemoteEntity } from '@app/domain';
import { hrefs, isUuid, SECRET_BOX } from '@app/core';
import { SecretBox } from '@app/security';
import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { Request } from 'express';
import { DataSource, Repository } from 'typeorm';
import { NamedListQuery } from '../common/list-query.dto';
import { applyNameFilters, applyOrdering, Page, paginate } from '../common/paginate';
import { assertNameFree } from '../common/unique-name';
import { TaskGuard } from '../tasks/task-guard';
import { CreateRemoteRequest, RemoteResponse, UpdateRemoteRequest } from './dto/remote.dto';

const ORDERING = { name: 'r.name', pulp_created: 'r.createdAt', pulp_last_updated: 'r.updatedAt', url: 'r.url' };

@Injectable()
export class RemotesService {
  private readonly remotes: Repository<RemoteEntity>;

  constructor(
    dataSource: DataSource,
    @Inject(SECRET_BOX) private readonly secrets: SecretBox,
    private readonly taskGuard: TaskGuard,
  ) {
    this.remotes = dataSource.getRepository(RemoteEntity);
  }

  async list(query: NamedListQuery, req: Request): Promise<Page<RemoteResponse>> {
    const qb = this.remotes.createQueryBuilder('r');
    applyNameFilters(qb, query);
    applyOrdering(qb, query.ordering, ORDERING, 'name');
    return paginate(qb, query, req, (rows) => rows.map(toRemoteResponse));
  }

  async get(id: string): Promise<RemoteResponse> {
    return toRemoteResponse(await this.find(id));
  }

  async find(id: string): Promise<RemoteEntity> {
    const remote = isUuid(id) ? await this.remotes.findOne({ where: { id } }) : null;
    if (!remote) throw new NotFoundException('no remote with this id');
    return remote;
  }

  async create(body: CreateRemoteRequest): Promise<RemoteResponse> {
    await assertNameFree(this.remotes, body.name, 'remote');
    const remote = this.remotes.create({ headers: {}, platforms: [] });
    this.apply(remote, body);
    return toRemoteResponse(await this.remotes.save(remote));
  }

  async update(id: string, body: UpdateRemoteRequest): Promise<RemoteResponse> {
    const remote = await this.find(id);
    if (body.name !== undefined && body.name !== remote.name) await assertNameFree(this.remotes, body.name, 'remote');
    this.apply(remote, body);
    return toRemoteResponse(await this.remotes.save(remote));
  }

  async delete(id: string): Promise<void> {
    const remote = await this.find(id);
    await this.taskGuard.assertNoActiveTask(hrefs.remote(id), 'the remote is in use by a sync that has not finished');
    await this.remotes.delete({ id: remote.id });
  }

  /** Copies present fields; write-only ones are sealed, null clears them. */
  private apply(remote: RemoteEntity, body: UpdateRemoteRequest): void {
    const set = <K extends keyof RemoteEntity>(key: K, value: RemoteEntity[K] | undefined) => {
      if (value !== undefined) remote[key] = value;
    };
    set('name', body.name);
    set('url', body.url?.replace(/\/+$/, ''));
    set('upstreamName', body.upstream_name);
    set('includeTags', body.include_tags);
    set('excludeTags', body.exclude_tags);
    set('platforms', body.platforms);
    set('policy', body.policy);
    set('tlsValidation', body.tls_validation);
    set('caCert', body.ca_cert);
    set('clientCert', body.client_cert);
    set('proxyUrl', body.proxy_url);
    set('downloadConcurrency', body.download_concurrency);
    set('maxRetries', body.max_retries);
    set('rateLimit', body.rate_limit);
    set('connectTimeout', body.connect_timeout);
    set('sockReadTimeout', body.sock_read_timeout);
    set('totalTimeout', body.total_timeout);
    set('headers', body.headers);
    if (body.client_key !== undefined) remote.clientKeyEnc = this.secrets.sealNullable(body.client_key);
    if (body.username !== undefined) remote.usernameEnc = this.secrets.sealNullable(body.username);
    if (body.password !== undefined) remote.passwordEnc = this.secrets.sealNullable(body.password);
  }
}

export function toRemoteResponse(remote: RemoteEntity): RemoteResponse {
  return {
    pulp_href: hrefs.remote(remote.id),
    pulp_created: remote.createdAt.toISOString(),
    pulp_last_updated: remote.updatedAt.toISOString(),
    name: remote.name,
    url: remote.url,
    upstream_name: remote.upstreamName,
    include_tags: remote.includeTags,
    exclude_tags: remote.excludeTags,
    platforms: remote.platforms,
    policy: remote.policy,
    tls_validation: remote.tlsValidation,
    ca_cert: remote.caCert,
    client_cert: remote.clientCert,
    proxy_url: remote.proxyUrl,
    download_concurrency: remote.downloadConcurrency,
    max_retries: remote.maxRetries,
    rate_limit: remote.rateLimit,
    connect_timeout: remote.connectTimeout,
    sock_read_timeout: remote.sockReadTimeout,
    total_timeout: remote.totalTimeout,
    headers: remote.headers,
    hidden_fields: [
      { name: 'client_key', is_set: remote.clientKeyEnc !== null },
      { name: 'username', is_set: remote.usernameEnc !== null },
      { name: 'password', is_set: remote.passwordEnc !== null },
    ],
  };
}
