import {
  APP_CONFIG,
  ContentInvalidationPublisher,
  hrefs,
  isUuid,
  parseHref,
  parseVersionHref,
  URL_SIGNER,
} from '@app/core';
import type { UrlSigner } from '@app/security';
import type { AppConfig } from '@app/config';
import { DistributionEntity, RepositoryEntity, RepositoryVersionEntity } from '@app/domain';
import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { Request } from 'express';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { NamedListQuery } from '../common/list-query.dto';
import { applyNameFilters, applyOrdering, Page, paginate } from '../common/paginate';
import { FieldErrors } from '../common/problem';
import {
  CreateDistributionRequest,
  DistributionResponse,
  SignedUrlResponse,
  SignRequest,
  UpdateDistributionRequest,
} from './dto/distribution.dto';

const ORDERING = {
  name: 'd.name',
  base_path: 'd.basePath',
  pulp_created: 'd.createdAt',
  pulp_last_updated: 'd.updatedAt',
};
/** Serialises base-path changes, so two concurrent requests cannot create nesting paths. */
const BASE_PATH_LOCK = 0x62617365;

@Injectable()
export class DistributionsService {
  private readonly distributions: Repository<DistributionEntity>;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(URL_SIGNER) private readonly signer: UrlSigner,
    private readonly invalidation: ContentInvalidationPublisher,
  ) {
    this.distributions = dataSource.getRepository(DistributionEntity);
  }

  async list(query: NamedListQuery & { base_path?: string }, req: Request): Promise<Page<DistributionResponse>> {
    const qb = this.distributions.createQueryBuilder('d').leftJoinAndSelect('d.repositoryVersion', 'v');
    applyNameFilters(qb, query);
    if (query.base_path !== undefined) qb.andWhere('d.basePath = :basePath', { basePath: query.base_path });
    applyOrdering(qb, query.ordering, ORDERING, 'name');
    return paginate(qb, query, req, (rows) => rows.map((row) => this.present(row)));
  }

  async get(id: string): Promise<DistributionResponse> {
    return this.present(await this.find(id));
  }

  private async find(id: string, manager: EntityManager = this.dataSource.manager): Promise<DistributionEntity> {
    const distribution = isUuid(id)
      ? await manager.findOne(DistributionEntity, { where: { id }, relations: { repositoryVersion: true } })
      : null;
    if (!distribution) throw new NotFoundException('no distribution with this id');
    return distribution;
  }

  async create(body: CreateDistributionRequest): Promise<DistributionResponse> {
    const id = await this.dataSource.transaction(async (manager) => {
      const distribution = manager.create(DistributionEntity, { hidden: false, kernelArgs: null });
      await this.apply(manager, distribution, body);
      await this.assertUnique(manager, distribution);
      return (await manager.save(distribution)).id;
    });
    await this.invalidation.publish({ reason: 'distribution-changed', distributionId: id });
    return this.get(id);
  }

  async update(id: string, body: UpdateDistributionRequest): Promise<DistributionResponse> {
    await this.dataSource.transaction(async (manager) => {
      const distribution = await this.find(id, manager);
      await this.apply(manager, distribution, body);
      await this.assertUnique(manager, distribution);
      distribution.repositoryVersion = undefined as never;
      await manager.save(distribution);
    });
    await this.invalidation.publish({ reason: 'distribution-changed', distributionId: id });
    return this.get(id);
  }

  /** A URL that opens a private distribution to whoever holds it, until it expires. */
  async sign(id: string, body: SignRequest): Promise<SignedUrlResponse> {
    const d = await this.find(id);
    const expires = Math.floor(Date.now() / 1000) + (body.expires_in ?? 3600);
    const query = `expires=${expires}&signature=${this.signer.sign(d.basePath, expires)}`;
    return {
      url: `${this.config.contentOrigin}/pulp/content/${d.basePath}/?${query}`,
      query,
      expires_at: new Date(expires * 1000).toISOString(),
    };
  }

  async delete(id: string): Promise<void> {
    const distribution = await this.find(id);
    await this.distributions.delete({ id: distribution.id });
    await this.invalidation.publish({ reason: 'distribution-changed', distributionId: id });
  }

  private async apply(manager: EntityManager, d: DistributionEntity, body: UpdateDistributionRequest): Promise<void> {
    if (body.repository && body.repository_version) {
      throw new FieldErrors({
        repository: ['give either repository or repository_version, not both'],
        repository_version: ['give either repository or repository_version, not both'],
      });
    }
    if (body.name !== undefined) d.name = body.name;
    if (body.base_path !== undefined) d.basePath = body.base_path;
    if (body.hidden !== undefined) d.hidden = body.hidden;
    if (body.private !== undefined) d.isPrivate = body.private;
    if (body.kernel_args !== undefined) d.kernelArgs = body.kernel_args;
    if (body.repository !== undefined) {
      d.repositoryId = body.repository === null ? null : await this.resolveRepository(manager, body.repository);
      if (d.repositoryId) d.repositoryVersionId = null;
    }
    if (body.repository_version !== undefined) {
      d.repositoryVersionId =
        body.repository_version === null ? null : await this.resolveVersion(manager, body.repository_version);
      if (d.repositoryVersionId) d.repositoryId = null;
    }
    if (!d.repositoryId && !d.repositoryVersionId) {
      throw FieldErrors.of('repository', 'give the repository to serve, or a repository_version to pin');
    }
  }

  private async assertUnique(manager: EntityManager, d: DistributionEntity): Promise<void> {
    await manager.query('SELECT pg_advisory_xact_lock($1)', [BASE_PATH_LOCK]);
    const clash: { name: string; base_path: string }[] = await manager.query(
      `SELECT name, base_path FROM distributions
        WHERE id IS DISTINCT FROM $1
          AND (name = $2 OR base_path = $3 OR base_path LIKE $4 ESCAPE '\\' OR $3 LIKE base_path || '/%')
        LIMIT 1`,
      [d.id ?? null, d.name, d.basePath, `${d.basePath.replace(/[\\%_]/g, (c) => `\\${c}`)}/%`],
    );
    const found = clash[0];
    if (!found) return;
    if (found.name === d.name)
      throw new ConflictException(`a distribution named ${JSON.stringify(d.name)} already exists`);
    if (found.base_path === d.basePath) {
      throw new ConflictException(
        `distribution ${JSON.stringify(found.name)} already uses base_path ${JSON.stringify(d.basePath)}`,
      );
    }
    throw FieldErrors.of(
      'base_path',
      `${JSON.stringify(d.basePath)} overlaps base_path ${JSON.stringify(found.base_path)} of distribution ${JSON.stringify(found.name)}`,
    );
  }

  private async resolveRepository(manager: EntityManager, href: string): Promise<string> {
    const id = parseHref('repository', href);
    if (!id || !(await manager.exists(RepositoryEntity, { where: { id } }))) {
      throw FieldErrors.of('repository', `no repository at ${JSON.stringify(href)}`);
    }
    return id;
  }

  private async resolveVersion(manager: EntityManager, href: string): Promise<string> {
    const parsed = parseVersionHref(href);
    const version = parsed
      ? await manager.findOne(RepositoryVersionEntity, {
          where: { repositoryId: parsed.repositoryId, number: parsed.number },
        })
      : null;
    if (!version) throw FieldErrors.of('repository_version', `no repository version at ${JSON.stringify(href)}`);
    return version.id;
  }

  private present(d: DistributionEntity): DistributionResponse {
    return {
      pulp_href: hrefs.distribution(d.id),
      pulp_created: d.createdAt.toISOString(),
      pulp_last_updated: d.updatedAt.toISOString(),
      name: d.name,
      base_path: d.basePath,
      base_url: `${this.config.contentOrigin}/pulp/content/${d.basePath}/`,
      repository: d.repositoryId ? hrefs.repository(d.repositoryId) : null,
      repository_version: d.repositoryVersion
        ? hrefs.version(d.repositoryVersion.repositoryId, d.repositoryVersion.number)
        : null,
      hidden: d.hidden,
      private: d.isPrivate,
      kernel_args: d.kernelArgs,
    };
  }
}
