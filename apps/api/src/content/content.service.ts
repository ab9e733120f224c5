import { hrefs, isUuid, parseVersionHref } from '@app/core';
import { BlobEntity, IndexEntryEntity, ManifestEntity, ManifestLayerEntity, TagEntity } from '@app/domain';
import { Injectable, NotFoundException } from '@nestjs/common';
import type { Request } from 'express';
import { DataSource, In, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { applyOrdering, Page, paginate } from '../common/paginate';
import { FieldErrors } from '../common/problem';
import {
  BlobResponse,
  ContentListQuery,
  DigestListQuery,
  ManifestResponse,
  TagListQuery,
  TagResponse,
} from './dto/content.dto';

const VERSION_FILTERS = {
  repository_version: 'rc.version_added <= :n AND (rc.version_removed IS NULL OR rc.version_removed > :n)',
  repository_version_added: 'rc.version_added = :n',
  repository_version_removed: 'rc.version_removed = :n',
} as const;

@Injectable()
export class ContentService {
  constructor(private readonly dataSource: DataSource) {}

  async listBlobs(query: DigestListQuery, req: Request): Promise<Page<BlobResponse>> {
    const qb = this.dataSource.getRepository(BlobEntity).createQueryBuilder('b').innerJoinAndSelect('b.content', 'c');
    this.filterByVersion(qb, query);
    if (query.digest) qb.andWhere('b.digest = :digest', { digest: query.digest });
    if (query.media_type) qb.andWhere('b.mediaType = :mediaType', { mediaType: query.media_type });
    applyOrdering(qb, query.ordering, { pulp_created: 'c.createdAt', digest: 'b.digest', size: 'b.size' }, 'digest');
    return paginate(qb, query, req, (rows) => rows.map(toBlobResponse));
  }

  async getBlob(id: string): Promise<BlobResponse> {
    const blob = isUuid(id)
      ? await this.dataSource.getRepository(BlobEntity).findOne({ where: { id }, relations: { content: true } })
      : null;
    if (!blob) throw new NotFoundException('no blob with this id');
    return toBlobResponse(blob);
  }

  async listManifests(query: DigestListQuery, req: Request): Promise<Page<ManifestResponse>> {
    const qb = this.dataSource
      .getRepository(ManifestEntity)
      .createQueryBuilder('m')
      .innerJoinAndSelect('m.content', 'c');
    this.filterByVersion(qb, query);
    if (query.digest) qb.andWhere('m.digest = :digest', { digest: query.digest });
    if (query.media_type) qb.andWhere('m.mediaType = :mediaType', { mediaType: query.media_type });
    applyOrdering(qb, query.ordering, { pulp_created: 'c.createdAt', digest: 'm.digest' }, 'digest');
    return paginate(qb, query, req, (rows) => this.presentManifests(rows));
  }

  async getManifest(id: string): Promise<ManifestResponse> {
    const manifest = isUuid(id)
      ? await this.dataSource.getRepository(ManifestEntity).findOne({ where: { id }, relations: { content: true } })
      : null;
    if (!manifest) throw new NotFoundException('no manifest with this id');
    return (await this.presentManifests([manifest]))[0]!;
  }

  async listTags(query: TagListQuery, req: Request): Promise<Page<TagResponse>> {
    const qb = this.dataSource
      .getRepository(TagEntity)
      .createQueryBuilder('t')
      .innerJoinAndSelect('t.content', 'c')
      .innerJoinAndSelect('t.manifest', 'm');
    this.filterByVersion(qb, query);
    if (query.name !== undefined) qb.andWhere('t.name = :name', { name: query.name });
    if (query.digest) qb.andWhere('m.digest = :digest', { digest: query.digest });
    applyOrdering(qb, query.ordering, { pulp_created: 'c.createdAt', name: 't.name' }, 'name');
    return paginate(qb, query, req, (rows) => rows.map(toTagResponse));
  }

  async getTag(id: string): Promise<TagResponse> {
    const tag = isUuid(id)
      ? await this.dataSource
          .getRepository(TagEntity)
          .findOne({ where: { id }, relations: { content: true, manifest: true } })
      : null;
    if (!tag) throw new NotFoundException('no tag with this id');
    return toTagResponse(tag);
  }

  /** Applies whichever repository-version filters the query names (they combine with AND). */
  private filterByVersion<E extends ObjectLiteral>(qb: SelectQueryBuilder<E>, query: ContentListQuery): void {
    (Object.keys(VERSION_FILTERS) as (keyof typeof VERSION_FILTERS)[]).forEach((field, i) => {
      const href = query[field];
      if (href === undefined) return;
      const version = parseVersionHref(href);
      if (!version) throw FieldErrors.of(field, `${JSON.stringify(href)} is not a repository version href`);
      const condition = VERSION_FILTERS[field].replace(/:n/g, `:n${i}`).replace(/rc\./g, `rc${i}.`);
      qb.andWhere(
        `EXISTS (SELECT 1 FROM repository_content rc${i} WHERE rc${i}.content_id = ${qb.alias}.id
                 AND rc${i}.repository_id = :repo${i} AND ${condition})`,
        { [`repo${i}`]: version.repositoryId, [`n${i}`]: version.number },
      );
    });
  }

  private async presentManifests(rows: ManifestEntity[]): Promise<ManifestResponse[]> {
    const ids = rows.map((m) => m.id);
    const [layers, entries] = ids.length
      ? await Promise.all([
          this.dataSource
            .getRepository(ManifestLayerEntity)
            .find({ where: { manifestId: In(ids) }, order: { position: 'ASC' } }),
          this.dataSource
            .getRepository(IndexEntryEntity)
            .find({ where: { indexId: In(ids) }, relations: { child: true }, order: { position: 'ASC' } }),
        ])
      : [[], []];
    return rows.map((manifest) => ({
      pulp_href: hrefs.manifest(manifest.id),
      pulp_created: manifest.content.createdAt.toISOString(),
      digest: manifest.digest,
      media_type: manifest.mediaType,
      artifact_type: manifest.artifactType,
      is_index: manifest.isIndex,
      annotations: manifest.annotations,
      config_digest: manifest.configDigest,
      files: layers
        .filter((layer) => layer.manifestId === manifest.id && layer.title !== null)
        .map((layer) => ({
          title: layer.title!,
          digest: layer.digest,
          size: layer.size,
          media_type: layer.mediaType,
          blob: hrefs.blob(layer.blobId),
        })),
      listed_manifests: entries
        .filter((entry) => entry.indexId === manifest.id)
        .map((entry) => ({
          manifest: hrefs.manifest(entry.childId),
          digest: entry.child.digest,
          platform: {
            architecture: entry.architecture,
            os: entry.os,
            variant: entry.variant,
            os_version: entry.osVersion,
          },
        })),
    }));
  }
}

function toBlobResponse(blob: BlobEntity): BlobResponse {
  return {
    pulp_href: hrefs.blob(blob.id),
    pulp_created: blob.content.createdAt.toISOString(),
    digest: blob.digest,
    size: blob.size,
    media_type: blob.mediaType,
    state: blob.state,
  };
}

function toTagResponse(tag: TagEntity): TagResponse {
  return {
    pulp_href: hrefs.tag(tag.id),
    pulp_created: tag.content.createdAt.toISOString(),
    name: tag.name,
    tagged_manifest: hrefs.manifest(tag.manifestId),
    digest: tag.manifest.digest,
  };
}
