import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, type EntityTarget, type ObjectLiteral } from 'typeorm';
import type { BlobState } from '../entities/blob.entity';
import type { ContentKind } from '../entities/content.entity';

/** Rows per INSERT: the widest row has ~9 columns, far below Postgres' 65,535 bind parameters. */
const CHUNK = 1000;
/** Values per `= ANY($1)` lookup: one bind parameter, kept moderate so each statement stays short. */
const LOOKUP_CHUNK = 10_000;

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** A unit to make sure of: its natural key (digest, tag name and manifest) and the row of its own table. */
export interface UnitToEnsure<T> {
  key: string;
  row: Partial<T>;
}

/**
 * Content units as syncs and imports record them: found by digest or by name, and created idempotently. Every
 * insert is safe against a concurrent writer inserting the same unit: rows are created with ON CONFLICT DO NOTHING,
 * keys sorted to keep lock order stable, and the ids are read back afterwards, whoever inserted them.
 */
@Injectable()
export class ContentUnitsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The manifests already recorded among these digests, with the bytes their digest is over. */
  async manifestsByDigest<D extends string>(
    digests: readonly D[],
  ): Promise<Map<D, { mediaType: string; raw: Buffer }>> {
    const found = new Map<D, { mediaType: string; raw: Buffer }>();
    for (const part of chunks(digests, LOOKUP_CHUNK)) {
      const rows: { digest: D; media_type: string; raw: Buffer }[] = await this.dataSource.query(
        'SELECT digest, media_type, raw FROM manifests WHERE digest = ANY($1::text[])',
        [part],
      );
      for (const row of rows) found.set(row.digest, { mediaType: row.media_type, raw: row.raw });
    }
    return found;
  }

  /** The state of each blob recorded among these digests. */
  async blobStatesByDigest<D extends string>(digests: readonly D[]): Promise<Map<D, BlobState>> {
    const states = new Map<D, BlobState>();
    for (const part of chunks(digests, LOOKUP_CHUNK)) {
      const rows: { digest: D; state: BlobState }[] = await this.dataSource.query(
        'SELECT digest, state FROM blobs WHERE digest = ANY($1::text[])',
        [part],
      );
      for (const row of rows) states.set(row.digest, row.state);
    }
    return states;
  }

  /** Blob ids by digest, in the caller's transaction. */
  blobIdsByDigest(manager: EntityManager, digests: readonly string[]): Promise<Map<string, string>> {
    return idsBy(manager, 'SELECT id, digest AS key FROM blobs WHERE digest = ANY($1::text[])', [digests]);
  }

  /** Manifest ids by digest, in the caller's transaction. */
  manifestIdsByDigest(manager: EntityManager, digests: readonly string[]): Promise<Map<string, string>> {
    return idsBy(manager, 'SELECT id, digest AS key FROM manifests WHERE digest = ANY($1::text[])', [digests]);
  }

  /**
   * Tag ids by `name manifestId` (tag names cannot contain a space, so it separates the two), in the caller's
   * transaction.
   */
  tagIdsByNameAndManifest(manager: EntityManager, keys: readonly string[]): Promise<Map<string, string>> {
    const pairs = keys.map((key) => key.split(' '));
    return idsBy(
      manager,
      `SELECT t.id, t.name || ' ' || t.manifest_id AS key FROM tags t
         JOIN unnest($1::text[], $2::uuid[]) AS p(name, manifest_id) ON p.name = t.name AND p.manifest_id = t.manifest_id`,
      [pairs.map((p) => p[0]), pairs.map((p) => p[1])],
    );
  }

  /** A blob first recorded as remote becomes stored once its verified file is in storage. */
  async markDigestsStored(manager: EntityManager, digests: readonly string[]): Promise<void> {
    for (const part of chunks(digests, LOOKUP_CHUNK)) {
      await manager.query(`UPDATE blobs SET state = 'stored' WHERE digest = ANY($1::text[]) AND state <> 'stored'`, [
        part,
      ]);
    }
  }

  /**
   * Makes sure a row exists for every key and returns key → id. Missing rows get a fresh content row; when a
   * concurrent transaction wins the unique key, our insert is skipped and its orphaned content row removed.
   */
  async ensureUnits<T extends ObjectLiteral>(
    manager: EntityManager,
    kind: ContentKind,
    entity: EntityTarget<T>,
    units: readonly UnitToEnsure<T>[],
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
      await this.insertIgnoringConflicts(
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

  /** Inserts rows in chunks, skipping those a unique key already holds (written earlier or by a concurrent writer). */
  async insertIgnoringConflicts<T extends ObjectLiteral>(
    manager: EntityManager,
    entity: EntityTarget<T>,
    rows: readonly T[],
  ): Promise<void> {
    for (const part of chunks(rows)) {
      await manager.createQueryBuilder().insert().into(entity).values(part).orIgnore().updateEntity(false).execute();
    }
  }
}

async function idsBy(manager: EntityManager, sql: string, params: unknown[]): Promise<Map<string, string>> {
  const rows: { id: string; key: string }[] = await manager.query(sql, params);
  return new Map(rows.map((row) => [row.key, row.id]));
}
