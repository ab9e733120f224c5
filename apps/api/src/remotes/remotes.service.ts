import { RemoteEntity } from '@app/domain';
import { APP_CONFIG, hrefs, prnOf, SECRET_BOX } from '@app/core';
import type { AppConfig } from '@app/config';
import { AddressPolicy, DeniedAddressError } from '@app/registry-client';
import { parseTrustedKeys, SecretBox } from '@app/security';
import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { Request } from 'express';
import { DataSource, Repository } from 'typeorm';
import { LabeledListQuery } from '../common/list-query.dto';
import { applyNamedListQuery, Page, paginate } from '../common/paginate';
import { FieldErrors } from '../common/problem';
import { assertNameFree } from '../common/unique-name';
import { TaskGuard } from '../tasks/task-guard';
import { CreateRemoteRequest, RemoteResponse, PatchedRemoteRequest } from './dto/remote.dto';

const ORDERING = { name: 'r.name', pulp_created: 'r.createdAt', pulp_last_updated: 'r.updatedAt', url: 'r.url' };

@Injectable()
export class RemotesService {
  private readonly remotes: Repository<RemoteEntity>;
  private readonly addressPolicy: AddressPolicy;

  constructor(
    dataSource: DataSource,
    @Inject(SECRET_BOX) private readonly secrets: SecretBox,
    private readonly taskGuard: TaskGuard,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.remotes = dataSource.getRepository(RemoteEntity);
    this.addressPolicy = new AddressPolicy(config.remoteUrlDeny);
  }

  async list(query: LabeledListQuery, req: Request): Promise<Page<RemoteResponse>> {
    const qb = this.remotes.createQueryBuilder('r');
    applyNamedListQuery(qb, query, 'remote', ORDERING);
    return paginate(qb, query, req, (rows) => rows.map(toRemoteResponse));
  }

  async get(id: string): Promise<RemoteResponse> {
    return toRemoteResponse(await this.find(id));
  }

  async find(id: string): Promise<RemoteEntity> {
    const remote = await this.remotes.findOne({ where: { id } });
    if (!remote) throw new NotFoundException('no remote with this id');
    return remote;
  }

  async create(body: CreateRemoteRequest): Promise<RemoteResponse> {
    await assertNameFree(this.remotes, body.name, 'remote');
    await this.assertAddressesAllowed(body);
    await assertSignatureKeysReadable(body);
    const remote = this.remotes.create({ headers: {}, platforms: [], pulpLabels: {} });
    this.apply(remote, body);
    return toRemoteResponse(await this.remotes.save(remote));
  }

  async update(id: string, body: PatchedRemoteRequest): Promise<RemoteResponse> {
    const remote = await this.find(id);
    if (body.name !== undefined && body.name !== remote.name) await assertNameFree(this.remotes, body.name, 'remote');
    await this.assertAddressesAllowed(body);
    await assertSignatureKeysReadable(body);
    this.apply(remote, body);
    return toRemoteResponse(await this.remotes.save(remote));
  }

  async delete(id: string): Promise<void> {
    const remote = await this.find(id);
    await this.taskGuard.assertNoActiveTask(hrefs.remote(id), 'the remote is in use by a sync that has not finished');
    await this.remotes.delete({ id: remote.id });
  }

  /**
   * REMOTE_URL_DENY, checked early so the admin hears it now rather than from a failed sync. The registry
   * client checks again on every connection (names can resolve differently later, redirects go elsewhere).
   * A name that does not resolve from here passes: only a resolved, denied address is refused.
   */
  private async assertAddressesAllowed(body: PatchedRemoteRequest): Promise<void> {
    if (!this.addressPolicy.enabled) return;
    const errors: Record<string, string[]> = {};
    for (const field of ['url', 'proxy_url'] as const) {
      const value = body[field];
      if (typeof value !== 'string') continue;
      try {
        await this.addressPolicy.resolveAllowed(new URL(value).hostname);
      } catch (error) {
        if (error instanceof DeniedAddressError) errors[field] = [`${field}: ${error.message}`];
      }
    }
    if (Object.keys(errors).length > 0) throw new FieldErrors(errors);
  }

  /** Copies present fields; write-only ones are sealed, null clears them. */
  private apply(remote: RemoteEntity, body: PatchedRemoteRequest): void {
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
    set('sockConnectTimeout', body.sock_connect_timeout);
    set('sockReadTimeout', body.sock_read_timeout);
    set('totalTimeout', body.total_timeout);
    set('headers', body.headers);
    set('pulpLabels', body.pulp_labels);
    set('signaturePolicy', body.signature_policy);
    set('signatureKeys', body.signature_keys);
    set('sigstoreLookasideUrl', body.sigstore_lookaside_url?.replace(/\/+$/, ''));
    if (body.client_key !== undefined) remote.clientKeyEnc = this.secrets.sealNullable(body.client_key);
    if (body.username !== undefined) remote.usernameEnc = this.secrets.sealNullable(body.username);
    if (body.password !== undefined) remote.passwordEnc = this.secrets.sealNullable(body.password);
    if (body.proxy_username !== undefined) remote.proxyUsernameEnc = this.secrets.sealNullable(body.proxy_username);
    if (body.proxy_password !== undefined) remote.proxyPasswordEnc = this.secrets.sealNullable(body.proxy_password);
  }
}

/** Keys are parsed now, so a malformed one is a 400 naming its position rather than a failed sync later. */
async function assertSignatureKeysReadable(body: PatchedRemoteRequest): Promise<void> {
  if (!body.signature_keys) return;
  const { errors } = await parseTrustedKeys(body.signature_keys);
  if (errors.length) throw new FieldErrors({ signature_keys: errors });
}

export function toRemoteResponse(remote: RemoteEntity): RemoteResponse {
  return {
    pulp_href: hrefs.remote(remote.id),
    prn: prnOf('remote', remote.id),
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
    sock_connect_timeout: remote.sockConnectTimeout,
    sock_read_timeout: remote.sockReadTimeout,
    total_timeout: remote.totalTimeout,
    headers: remote.headers,
    signature_policy: remote.signaturePolicy,
    signature_keys: remote.signatureKeys,
    sigstore_lookaside_url: remote.sigstoreLookasideUrl,
    pulp_labels: remote.pulpLabels,
    hidden_fields: [
      { name: 'client_key', is_set: remote.clientKeyEnc !== null },
      { name: 'username', is_set: remote.usernameEnc !== null },
      { name: 'password', is_set: remote.passwordEnc !== null },
      { name: 'proxy_username', is_set: remote.proxyUsernameEnc !== null },
      { name: 'proxy_password', is_set: remote.proxyPasswordEnc !== null },
    ],
  };
}
