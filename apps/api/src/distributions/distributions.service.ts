import { APP_CONFIG, ContentInvalidationPublisher, hrefs, prnOf, URL_SIGNER } from '@app/core';
import type { UrlSigner } from '@app/security';
import { type AppConfig, httpsContentOrigin } from '@app/config';
import { DistributionEntity, DistributionsRepository } from '@app/domain';
import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { Request } from 'express';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { LabeledListQuery } from '../common/list-query.dto';
import { applyNamedListQuery, Page, paginate } from '../common/paginate';
import { resolveReference, resolveVersionReference } from '../common/references';
import { FieldErrors } from '../common/problem';
import {
  CreateDistributionRequest,
  DistributionResponse,
  SignedUrlResponse,
  SignRequest,
  PatchedDistributionRequest,
} from './dto/distribution.dto';

const ORDERING = {
  name: 'd.name',
  base_path: 'd.basePath',
  pulp_created: 'd.createdAt',
  pulp_last_updated: 'd.updatedAt',
};

@Injectable()
export class DistributionsService {
  private readonly distributions: Repository<DistributionEntity>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly distributionRecords: DistributionsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(URL_SIGNER) private readonly signer: UrlSigner,
    private readonly invalidation: ContentInvalidationPublisher,
  ) {
    this.distributions = dataSource.getRepository(DistributionEntity);
  }

  async list(query: LabeledListQuery & { base_path?: string }, req: Request): Promise<Page<DistributionResponse>> {
    const qb = this.distributions.createQueryBuilder('d').leftJoinAndSelect('d.repositoryVersion', 'v');
    applyNamedListQuery(qb, query, 'distribution', ORDERING);
    if (query.base_path !== undefined) qb.andWhere('d.basePath = :basePath', { basePath: query.base_path });
    return paginate(qb, query, req, (rows) => rows.map((row) => this.present(row)));
  }

  async get(id: string): Promise<DistributionResponse> {
    return this.present(await this.find(id));
  }

  private async find(id: string, manager: EntityManager = this.dataSource.manager): Promise<DistributionEntity> {
    const distribution = await manager.findOne(DistributionEntity, {
      where: { id },
      relations: { repositoryVersion: true },
    });
    if (!distribution) throw new NotFoundException('no distribution with this id');
    return distribution;
  }

  async create(body: CreateDistributionRequest): Promise<DistributionResponse> {
    const id = await this.dataSource.transaction(async (manager) => {
      const distribution = manager.create(DistributionEntity, { hidden: false, kernelArgs: null, pulpLabels: {} });
      await this.apply(manager, distribution, body);
      await this.assertUnique(manager, distribution);
      return (await manager.save(distribution)).id;
    });
    await this.invalidation.publish({ reason: 'distribution-changed', distributionId: id });
    return this.get(id);
  }

  async update(id: string, body: PatchedDistributionRequest): Promise<DistributionResponse> {
    await this.dataSource.transaction(async (manager) => {
      const distribution = await this.find(id, manager);
      // A grant is for one distribution at one path and one privacy setting: changing either ends old grants.
      const endsGrants =
        (body.base_path !== undefined && body.base_path !== distribution.basePath) ||
        (body.private !== undefined && body.private !== distribution.isPrivate);
      await this.apply(manager, distribution, body);
      await this.assertUnique(manager, distribution);
      distribution.repositoryVersion = undefined as never;
      await manager.save(distribution);
      // In SQL, not from the row read above: a concurrent revoke_grants must not be lost.
      if (endsGrants) await manager.increment(DistributionEntity, { id: distribution.id }, 'grantGeneration', 1);
    });
    await this.invalidation.publish({ reason: 'distribution-changed', distributionId: id });
    return this.get(id);
  }

  /** A URL that opens a private distribution to whoever holds it, until it expires. */
  async sign(id: string, body: SignRequest): Promise<SignedUrlResponse> {
    const d = await this.find(id);
    const expires = Math.floor(Date.now() / 1000) + (body.expires_in ?? 3600);
    const query = `expires=${expires}&signature=${this.signer.sign(d, expires)}`;
    return {
      url: `${this.originFor(d)}/pulp/content/${d.basePath}/?${query}`,
      query,
      expires_at: new Date(expires * 1000).toISOString(),
    };
  }

  /** Invalidates every grant signed for this distribution so far; new ones can be signed at once. */
  async revokeGrants(id: string): Promise<void> {
    const distribution = await this.find(id);
    await this.distributions.increment({ id: distribution.id }, 'grantGeneration', 1);
    await this.invalidation.publish({ reason: 'distribution-changed', distributionId: id });
  }

  async delete(id: string): Promise<void> {
    const distribution = await this.find(id);
    await this.distributions.delete({ id: distribution.id });
    await this.invalidation.publish({ reason: 'distribution-changed', distributionId: id });
  }

  private async apply(manager: EntityManager, d: DistributionEntity, body: PatchedDistributionRequest): Promise<void> {
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
    if (body.https_only !== undefined) d.httpsOnly = body.https_only;
    if (body.require_verified !== undefined) d.requireVerified = body.require_verified;
    if (body.kernel_args !== undefined) d.kernelArgs = body.kernel_args;
    if (body.pulp_labels !== undefined) d.pulpLabels = body.pulp_labels;
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
    const found = await this.distributionRecords.findClash(manager, d);
    if (!found) return;
    if (found.name === d.name)
      throw new ConflictException(`a distribution named ${JSON.stringify(d.name)} already exists`);
    if (found.basePath === d.basePath) {
      throw new ConflictException(
        `distribution ${JSON.stringify(found.name)} already uses base_path ${JSON.stringify(d.basePath)}`,
      );
    }
    throw FieldErrors.of(
      'base_path',
      `${JSON.stringify(d.basePath)} overlaps base_path ${JSON.stringify(found.basePath)} of distribution ${JSON.stringify(found.name)}`,
    );
  }

  private resolveRepository(manager: EntityManager, reference: string): Promise<string> {
    return resolveReference(manager, 'repository', reference, 'repository');
  }

  private async resolveVersion(manager: EntityManager, reference: string): Promise<string> {
    return (await resolveVersionReference(manager, reference, 'repository_version')).id;
  }

  /** Where hosts reach this distribution: the HTTPS origin for one served over HTTPS only. */
  private originFor(d: DistributionEntity): string {
    return d.httpsOnly ? httpsContentOrigin(this.config) : this.config.contentOrigin;
  }

  private present(d: DistributionEntity): DistributionResponse {
    return {
      pulp_href: hrefs.distribution(d.id),
      prn: prnOf('distribution', d.id),
      pulp_created: d.createdAt.toISOString(),
      pulp_last_updated: d.updatedAt.toISOString(),
      name: d.name,
      base_path: d.basePath,
      base_url: `${this.originFor(d)}/pulp/content/${d.basePath}/`,
      repository: d.repositoryId ? hrefs.repository(d.repositoryId) : null,
      repository_version: d.repositoryVersion
        ? hrefs.version(d.repositoryVersion.repositoryId, d.repositoryVersion.number)
        : null,
      hidden: d.hidden,
      private: d.isPrivate,
      https_only: d.httpsOnly,
      require_verified: d.requireVerified,
      kernel_args: d.kernelArgs,
      pulp_labels: d.pulpLabels,
    };
  }
}
