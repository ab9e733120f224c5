import {
  BlobEntity,
  type BlobState,
  type ContentKind,
  IndexEntryEntity,
  ManifestEntity,
  ManifestLayerEntity,
  TagEntity,
} from '@app/domain';
import type { Digest } from '@app/oci';
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, type EntityTarget, type ObjectLiteral } from 'typeorm';
import type { UpstreamSnapshot } from './sync.types';

/** Rows per INSERT: the widest row has ~9 columns, far below Postgres' 65,535 bind parameters. */
const CHUNK = 1000;

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export interface SavedUnits {
  tagIds: string[];
  manifestIds: string[];
  blobIds: string[];
}

export interface SaveOptions {
  /** Digests whose verified file is in storage. */
  stored: ReadonlySet<Digest>;
  /** on_demand/streamed: where the blobs can be fetched later. */
  remoteArtifacts: { remoteId: string; upstreamName: string } | null;
}

/**
 * The sync's writes to the content tables. Every insert is idempotent and safe against a concurrent sync of
 * another repository inserting the same digest: rows are created with ON CONFLICT DO NOTHING, keys sorted to
 * keep lock order stable, and the ids are read back afterwards, whoever inserted them.
 */
@Injectable()
export class SyncContentRepository {
  constructor(private readonly dataSource: DataSource) {}

  async findManifests(digests: readonly Digest[]): Promise<Map<Digest, { mediaType: string; raw: Buffer }>> {
    const found = new Map<Digest, { mediaType: string; raw: Buffer }>();
    for (const part of chunks(digests, 10_000)) {
      const rows: { digest: Digest; media_type: string; raw: Buffer }[] = await this.dataSource.query(
        'SELECT digest, media_type, raw FROM manifests WHERE digest = ANY($1::text[])',
        [part],
      );
      for (const row of rows) found.set(row.digest, { mediaType: row.media_type, raw: row.raw });
    }
    return found;
  }

  async blobStates(digests: readonly Digest[]): Promise<Map<Digest, BlobState>> {
    const states = new Map<Digest, BlobState>();
    for (const part of chunks(digests, 10_000)) {
      const rows: { digest: Digest; state: BlobState }[] = await this.dataSource.query(
        'SELECT digest, state FROM blobs WHERE digest = ANY($1::text[])',
        [part],
      );
      for (const row of rows) states.set(row.digest, row.state);
    }
    return states;
  }

  /** Records every unit of the snapshot; returns the content ids the new version lists. */
  async save(manager: EntityManager, snapshot: UpstreamSnapshot, options: SaveOptions): Promise<SavedUnits> {
    const blobs = [...snapshot.blobs.values()].map((blob) => ({
      key: blob.digest,
      row: {
        digest: blob.digest,
        size: blob.size,
        mediaType: blob.mediaType,
        state: (options.stored.has(blob.digest) ? 'stored' : 'remote') as BlobState,
      },
    }));
    const blobIds = await this.ensureUnits(manager, 'blob', BlobEntity, blobs, (keys) =>
      this.idsBy(manager, 'SELECT id, digest AS key FROM blobs WHERE digest = ANY($1::text[])', [keys]),
    );
    // A blob first recorded by an on_demand sync becomes stored once an immediate sync verified its file.
    const nowStored = [...options.stored].filter((digest) => snapshot.blobs.has(digest));
    for (const part of chunks(nowStored, 10_000)) {
      await manager.query(`UPDATE blobs SET state = 'stored' WHERE digest = ANY($1::text[]) AND state <> 'stored'`, [
        part,
      ]);
    }
    if (options.remoteArtifacts)
      await this.recordRemoteArtifacts(manager, [...blobIds.values()], options.remoteArtifacts);

    const manifests = [...snapshot.manifests.values()].map((m) => ({
      key: m.digest,
      row: {
        digest: m.digest,
        mediaType: m.mediaType,
        artifactType: m.parsed.artifactType,
        isIndex: m.parsed.kind === 'index',
        raw: m.raw,
        annotations: m.parsed.annotations,
        configDigest: m.parsed.kind === 'manifest' ? (m.parsed.config?.digest ?? null) : null,
        configMediaType: m.parsed.kind === 'manifest' ? (m.parsed.config?.mediaType ?? null) : null,
      },
    }));
    const manifestIds = await this.ensureUnits(manager, 'manifest', ManifestEntity, manifests, (keys) =>
      this.idsBy(manager, 'SELECT id, digest AS key FROM manifests WHERE digest = ANY($1::text[])', [keys]),
    );
    await this.saveStructure(manager, snapshot, manifestIds, blobIds);

    // Tag names cannot contain a space (distribution-spec), so it separates the two parts of the key.
    const tags = [...snapshot.tags].map(([name, digest]) => {
      const manifestId = manifestIds.get(digest)!;
      return { key: `${name} ${manifestId}`, row: { name, manifestId } };
    });
    const tagIds = await this.ensureUnits(manager, 'tag', TagEntity, tags, (keys) => {
      const pairs = keys.map((key) => key.split(' '));
      return this.idsBy(
        manager,
        `SELECT t.id, t.name || ' ' || t.manifest_id AS key FROM tags t
           JOIN unnest($1::text[], $2::uuid[]) AS p(name, manifest_id) ON p.name = t.name AND p.manifest_id = t.manifest_id`,
        [pairs.map((p) => p[0]), pairs.map((p) => p[1])],
      );
    });
    return { tagIds: [...tagIds.values()], manifestIds: [...manifestIds.values()], blobIds: [...blobIds.values()] };
  }

  /** Layers and index entries; rows that exist (same manifest, same position) are left as they are. */
  private async saveStructure(
    manager: EntityManager,
    snapshot: UpstreamSnapshot,
    manifestIds: Map<string, string>,
    blobIds: Map<string, string>,
  ): Promise<void> {
    const layers: Partial<ManifestLayerEntity>[] = [];
    const entries: Partial<IndexEntryEntity>[] = [];
    for (const manifest of snapshot.manifests.values()) {
      const id = manifestIds.get(manifest.digest)!;
      const parsed = manifest.parsed;
      if (parsed.kind === 'manifest') {
        if (manifest.known) continue;
        for (const layer of parsed.layers) {
          layers.push({
            manifestId: id,
            position: layer.index,
            blobId: blobIds.get(layer.digest)!,
            digest: layer.digest,
            size: layer.size,
            mediaType: layer.mediaType,
            title: layer.title,
            annotations: layer.annotations,
          });
        }
      } else {
        // Also for a known index: a wider platform filter may have brought children it did not list before.
        for (const { position, digest } of manifest.children) {
          const platform = parsed.manifests[position]!.platform;
          entries.push({
            indexId: id,
            position,
            childId: manifestIds.get(digest)!,
            architecture: platform?.architecture ?? null,
            os: platform?.os ?? null,
            variant: platform?.variant ?? null,
            osVersion: platform?.osVersion ?? null,
          });
        }
      }
    }
    for (const part of chunks(layers)) await insertIgnoringConflicts(manager, ManifestLayerEntity, part);
    for (const part of chunks(entries)) await insertIgnoringConflicts(manager, IndexEntryEntity, part);
  }

  private async recordRemoteArtifacts(
    manager: EntityManager,
    blobIds: string[],
    where: { remoteId: string; upstreamName: string },
  ): Promise<void> {
    for (const part of chunks(blobIds.sort(), 10_000)) {
      await manager.query(
        `INSERT INTO remote_artifacts (blob_id, remote_id, upstream_name)
         SELECT id, $2, $3 FROM unnest($1::uuid[]) AS id
         ON CONFLICT (blob_id, remote_id) DO UPDATE SET upstream_name = EXCLUDED.upstream_name, failed_until = NULL`,
        [part, where.remoteId, where.upstreamName],
      );
    }
  }

  /**
   * Makes sure a row exists for every key and returns key → id. Missing rows get a fresh content row; when a
   * concurrent transaction wins the unique key, our insert is skipped and its orphaned content row removed.
   */
  private async ensureUnits<T extends ObjectLiteral>(
    manager: EntityManager,
    kind: ContentKind,
    entity: EntityTarget<T>,
    units: { key: string; row: Partial<T> }[],
    find: (keys: string[]) => Promise<Map<string, string>>,
  ): Promise<Map<string, string>> {
    const ids = new Map<string, string>();
    for (const part of chunks(units)) for (const [key, id] of await find(part.map((u) => u.key))) ids.set(key, id);
    const missing = units
      .filter((unit) => !ids.has(unit.key))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .map((unit) => ({ ...unit, id: randomUUID() }));
    for (const part of chunks(missing)) {
      const contentIds = part.map((unit) => unit.id);
      await manager.query(`INSERT INTO content (id, kind) SELECT id, $2 FROM unnest($1::uuid[]) AS id`, [
        contentIds,
        kind,
      ]);
      await insertIgnoringConflicts(
        manager,
        entity,
        part.map((unit) => ({ ...unit.row, id: unit.id }) as unknown as T),
      );
      const found = await find(part.map((unit) => unit.key));
      const lost = part.filter((unit) => found.get(unit.key) !== unit.id).map((unit) => unit.id);
      if (lost.length) await manager.query('DELETE FROM content WHERE id = ANY($1::uuid[])', [lost]);
      for (const [key, id] of found) ids.set(key, id);
    }
    return ids;
  }

  private async idsBy(manager: EntityManager, sql: string, params: unknown[]): Promise<Map<string, string>> {
    const rows: { id: string; key: string }[] = await manager.query(sql, params);
    return new Map(rows.map((row) => [row.key, row.id]));
  }
}

/** Inserts rows, skipping those a unique key already holds (written by us earlier or by a concurrent sync). */
async function insertIgnoringConflicts<T extends ObjectLiteral>(
  manager: EntityManager,
  entity: EntityTarget<T>,
  rows: T[],
): Promise<void> {
  await manager.createQueryBuilder().insert().into(entity).values(rows).orIgnore().updateEntity(false).execute();
}
