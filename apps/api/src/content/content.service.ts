import {
  BlobEntity,
  ContentRepository,
  IndexEntryEntity,
  inVersion,
  ManifestEntity,
  ManifestLayerEntity,
  RepositoryVersionEntity,
  TagEntity,
  tagPageStart,
  VersionTagRow,
} from '@app/domain';
import { Injectable, NotFoundException } from '@nestjs/common';
import type { Request } from 'express';
import { DataSource, In, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { hrefs, parseVersionReference, prnOf } from '@app/core';
import { applyOrdering, applyReferenceFilters, Page, pageOf, pageWindow, paginate } from '../common/paginate';
import { FieldErrors } from '../common/problem';
import {
  BlobResponse,
  ContentListQuery,
  DigestListQuery,
  ManifestResponse,
  TagListQuery,
  TagResponse,
} from './dto/content.dto';
import type { ManifestListQuery } from './dto/manifest-list.query';
import { applySignatureFilter, signaturesOf } from './manifest-signatures';

/** Each repository-version filter of a content list: its condition on a `repository_content` row `rc`. */
const VERSION_FILTERS = {
  repository_version: (n: string, rc: string) => inVersion(n, rc),
  repository_version_added: (n: string, rc: string) => `${rc}.version_added = ${n}`,
  repository_version_removed: (n: string, rc: string) => `${rc}.version_removed = ${n}`,
} as const;

@Injectable()
export class ContentService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly contentUnits: ContentRepository,
  ) {}

  async listBlobs(query: DigestListQuery, req: Request): Promise<Page<BlobResponse>> {
    const qb = this.dataSource.getRepository(BlobEntity).createQueryBuilder('b').innerJoinAndSelect('b.content', 'c');
    await this.filterByVersion(qb, query);
    applyReferenceFilters(qb, query, 'blob');
    if (query.digest) qb.andWhere('b.digest = :digest', { digest: query.digest });
    if (query.media_type) qb.andWhere('b.mediaType = :mediaType', { mediaType: query.media_type });
    applyOrdering(qb, query.ordering, { pulp_created: 'c.createdAt', digest: 'b.digest', size: 'b.size' }, 'digest');
    return paginate(qb, query, req, (rows) => rows.map(toBlobResponse));
  }

  async getBlob(id: string): Promise<BlobResponse> {
    const blob = await this.dataSource
      .getRepository(BlobEntity)
      .findOne({ where: { id }, relations: { content: true } });
    if (!blob) throw new NotFoundException('no blob with this id');
    return toBlobResponse(blob);
  }

  async listManifests(query: ManifestListQuery, req: Request): Promise<Page<ManifestResponse>> {
    const qb = this.dataSource
      .getRepository(ManifestEntity)
      .createQueryBuilder('m')
      .innerJoinAndSelect('m.content', 'c');
    await this.filterByVersion(qb, query);
    applyReferenceFilters(qb, query, 'manifest');
    if (query.digest) qb.andWhere('m.digest = :digest', { digest: query.digest });
    if (query.media_type) qb.andWhere('m.mediaType = :mediaType', { mediaType: query.media_type });
    applySignatureFilter(qb, query.signature_state);
    applyOrdering(qb, query.ordering, { pulp_created: 'c.createdAt', digest: 'm.digest' }, 'digest');
    return paginate(qb, query, req, (rows) => this.presentManifests(rows));
  }

  async getManifest(id: string): Promise<ManifestResponse> {
    const manifest = await this.dataSource
      .getRepository(ManifestEntity)
      .findOne({ where: { id }, relations: { content: true } });
    if (!manifest) throw new NotFoundException('no manifest with this id');
    return (await this.presentManifests([manifest]))[0]!;
  }

  async listTags(query: TagListQuery, req: Request): Promise<Page<TagResponse>> {
    if (pagesByMembership(query)) return this.listTagsOfVersion(query, req);
    const qb = this.dataSource
      .getRepository(TagEntity)
      .createQueryBuilder('t')
      .innerJoinAndSelect('t.content', 'c')
      .innerJoinAndSelect('t.manifest', 'm');
    await this.filterByVersion(qb, query);
    applyReferenceFilters(qb, query, 'tag');
    if (query.name !== undefined) qb.andWhere('t.name = :name', { name: query.name });
    if (query.digest) qb.andWhere('m.digest = :digest', { digest: query.digest });
    applyOrdering(qb, query.ordering, { pulp_created: 'c.createdAt', name: 't.name' }, 'name');
    return paginate(qb, query, req, (rows) => rows.map(toTagResponse));
  }

  async getTag(id: string): Promise<TagResponse> {
    const tag = await this.dataSource
      .getRepository(TagEntity)
      .findOne({ where: { id }, relations: { content: true, manifest: true } });
    if (!tag) throw new NotFoundException('no tag with this id');
    return toTagResponse(tag);
  }

  /**
   * The tags of one version in name order, paged on the membership index (kind and tag name are copied into
   * `repository_content`) from the version's tag outline: `count` is exact without counting and a page at any
   * offset skips fewer than the outline's spacing of index entries (see tag-outline.ts); only the page's own rows
   * are joined to their tag and manifest. A name filter matches one tag at most and is read and counted directly.
   */
  private async listTagsOfVersion(query: TagListQuery, req: Request): Promise<Page<TagResponse>> {
    const version = await this.versionOf('repository_version', query.repository_version!);
    const { limit, offset } = pageWindow(query);
    const descending = query.ordering === '-name';
    const [rows, count] = await this.versionTags(version, query.name, { limit, offset, descending });
    return pageOf(
      query,
      req,
      count,
      rows.map((row) => ({
        pulp_href: hrefs.tag(row.id),
        prn: prnOf('tag', row.id),
        pulp_created: row.pulp_created.toISOString(),
        name: row.name,
        tagged_manifest: hrefs.manifest(row.manifest_id),
        digest: row.digest,
      })),
    );
  }

  /** One page of a version's tags and how many there are in all (with `name`: 0 or 1, read directly). */
  private async versionTags(
    version: { repositoryId: string; number: number; id?: string },
    name: string | undefined,
    page: { limit: number; offset: number; descending: boolean },
  ): Promise<[VersionTagRow[], number]> {
    const tags = { repositoryId: version.repositoryId, number: version.number, name };
    const { limit, offset, descending } = page;
    const id = name === undefined ? (version.id ?? (await this.versionIdOf(version))) : null;
    if (id === null) {
      return Promise.all([
        this.contentUnits.versionTagPage(tags, { limit, descending, skip: offset }),
        this.contentUnits.countVersionTags(tags),
      ]);
    }
    const outline = await this.contentUnits.versionTagOutline({
      repositoryId: version.repositoryId,
      number: version.number,
      id,
    });
    const start = tagPageStart(outline, offset, descending);
    return [await this.contentUnits.versionTagPage(tags, { limit, descending, ...start }), outline.count];
  }

  /** The id of a version named by repository and number (null: no such version). */
  private async versionIdOf(version: { repositoryId: string; number: number }): Promise<string | null> {
    const row = await this.dataSource
      .getRepository(RepositoryVersionEntity)
      .findOne({ select: { id: true }, where: { repositoryId: version.repositoryId, number: version.number } });
    return row?.id ?? null;
  }

  /** Applies whichever repository-version filters the query names (they combine with AND). */
  private async filterByVersion<E extends ObjectLiteral>(
    qb: SelectQueryBuilder<E>,
    query: ContentListQuery,
  ): Promise<void> {
    for (const [i, field] of (Object.keys(VERSION_FILTERS) as (keyof typeof VERSION_FILTERS)[]).entries()) {
      const reference = query[field];
      if (reference === undefined) continue;
      const version = await this.versionOf(field, reference);
      const condition = VERSION_FILTERS[field](`:n${i}`, `rc${i}`);
      qb.andWhere(
        `EXISTS (SELECT 1 FROM repository_content rc${i} WHERE rc${i}.content_id = ${qb.alias}.id
                 AND rc${i}.repository_id = :repo${i} AND ${condition})`,
        { [`repo${i}`]: version.repositoryId, [`n${i}`]: version.number },
      );
    }
  }

  /** Repository and number of a version href (taken as is) or prn (looked up, with its id; unknown is a 400). */
  private async versionOf(
    field: string,
    reference: string,
  ): Promise<{ repositoryId: string; number: number; id?: string }> {
    const ref = parseVersionReference(reference);
    if (ref && 'number' in ref) return ref;
    const version = ref ? await this.dataSource.getRepository(RepositoryVersionEntity).findOneBy({ id: ref.id }) : null;
    if (!version) throw FieldErrors.of(field, `${JSON.stringify(reference)} is not a repository version href or prn`);
    return version;
  }

  private async presentManifests(rows: ManifestEntity[]): Promise<ManifestResponse[]> {
    const ids = rows.map((m) => m.id);
    const signatures = await signaturesOf(this.dataSource, ids);
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
      prn: prnOf('manifest', manifest.id),
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
      signature: signatures.get(manifest.id) ?? null,
    }));
  }
}

/**
 * A tag list the membership index answers alone: one version, in name order (the default), no filter but the
 * exact name. Other filters and orderings take the general query.
 */
function pagesByMembership(query: TagListQuery): boolean {
  return (
    query.repository_version !== undefined &&
    query.repository_version_added === undefined &&
    query.repository_version_removed === undefined &&
    query.digest === undefined &&
    query.pulp_href__in === undefined &&
    query.prn__in === undefined &&
    (query.ordering === undefined || query.ordering === 'name' || query.ordering === '-name')
  );
}

function toBlobResponse(blob: BlobEntity): BlobResponse {
  return {
    pulp_href: hrefs.blob(blob.id),
    prn: prnOf('blob', blob.id),
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
    prn: prnOf('tag', tag.id),
    pulp_created: tag.content.createdAt.toISOString(),
    name: tag.name,
    tagged_manifest: hrefs.manifest(tag.manifestId),
    digest: tag.manifest.digest,
  };
}
