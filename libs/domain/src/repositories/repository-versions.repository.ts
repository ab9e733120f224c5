import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ContentKind } from '../entities/content.entity';
import { RepositoryVersionEntity } from '../entities/repository-version.entity';
import { RepositoryEntity } from '../entities/repository.entity';
import { inVersion } from './in-version';
import { versionTagOutline } from './tag-outline';

export type KindCounts = Partial<Record<ContentKind, number>>;

export interface VersionSummary {
  added: KindCounts;
  removed: KindCounts;
  present: KindCounts;
}

/** Postgres caps bind parameters at 65,535 per statement. */
const CHUNK = 10_000;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

/** Membership of content in repository versions, as ranges [version_added, version_removed). */
@Injectable()
export class RepositoryVersionsRepository {
  constructor(private readonly dataSource: DataSource) {}

  findLatestVersion(repositoryId: string, manager: EntityManager = this.dataSource.manager) {
    return manager.findOne(RepositoryVersionEntity, { where: { repositoryId }, order: { number: 'DESC' } });
  }

  findVersion(repositoryId: string, number: number) {
    return this.dataSource.manager.findOne(RepositoryVersionEntity, { where: { repositoryId, number } });
  }

  /** Ids of every content unit present in one version: one indexed query. */
  async contentIdsOf(repositoryId: string, number: number, manager: EntityManager = this.dataSource.manager) {
    const rows: { content_id: string }[] = await manager.query(
      `SELECT content_id FROM repository_content
        WHERE repository_id = $1 AND ${inVersion('$2', '')}`,
      [repositoryId, number],
    );
    return rows.map((row) => row.content_id);
  }

  /** Ids of the tags with these names in the repository's latest version, in the caller's transaction. */
  async latestTagIdsNamed(manager: EntityManager, repositoryId: string, names: readonly string[]): Promise<string[]> {
    const rows: { id: string }[] = await manager.query(
      `SELECT t.id FROM repository_content rc JOIN tags t ON t.id = rc.content_id
        WHERE rc.repository_id = $1 AND rc.version_removed IS NULL AND t.name = ANY($2::text[])`,
      [repositoryId, names],
    );
    return rows.map((row) => row.id);
  }

  /** Locks the repository row until the caller's transaction ends, so its latest version stays the latest. */
  async lockRepository(manager: EntityManager, repositoryId: string): Promise<void> {
    await manager.query('SELECT id FROM repositories WHERE id = $1 FOR UPDATE', [repositoryId]);
  }

  /** The latest version number of each repository named; a repository without versions is absent. */
  async latestNumbers(repositoryIds: readonly string[]): Promise<Map<string, number>> {
    if (repositoryIds.length === 0) return new Map();
    const rows: { repository_id: string; number: number }[] = await this.dataSource.query(
      `SELECT repository_id, max(number) AS number FROM repository_versions
        WHERE repository_id = ANY($1::uuid[]) GROUP BY repository_id`,
      [repositoryIds],
    );
    return new Map(rows.map((row) => [row.repository_id, Number(row.number)]));
  }

  /** Repository and number of versions named by id (base versions in another repository). */
  async numbersOf(versionIds: readonly string[]): Promise<{ id: string; repositoryId: string; number: number }[]> {
    if (versionIds.length === 0) return [];
    const rows: { id: string; repository_id: string; number: number }[] = await this.dataSource.query(
      'SELECT id, repository_id, number FROM repository_versions WHERE id = ANY($1::uuid[])',
      [versionIds],
    );
    return rows.map((row) => ({ id: row.id, repositoryId: row.repository_id, number: row.number }));
  }

  /** The name of one distribution serving a version of this repository, if any does. */
  async servingDistributionName(repositoryId: string): Promise<string | null> {
    const rows: { name: string }[] = await this.dataSource.query(
      `SELECT d.name FROM distributions d JOIN repository_versions v ON v.id = d.repository_version_id
        WHERE v.repository_id = $1 LIMIT 1`,
      [repositoryId],
    );
    return rows[0]?.name ?? null;
  }

  /** Forgets every membership of a repository being deleted, in the caller's transaction. */
  async deleteAllMembership(manager: EntityManager, repositoryId: string): Promise<void> {
    await manager.query('DELETE FROM repository_content WHERE repository_id = $1', [repositoryId]);
  }

  async summaries(repositoryId: string, numbers: number[]): Promise<Map<number, VersionSummary>> {
    const result = new Map<number, VersionSummary>(numbers.map((n) => [n, { added: {}, removed: {}, present: {} }]));
    if (numbers.length === 0) return result;
    const rows: { number: number; kind: ContentKind; added: string; removed: string; present: string }[] =
      await this.dataSource.query(
        `SELECT v.number, c.kind,
                count(*) FILTER (WHERE rc.version_added = v.number) AS added,
                count(*) FILTER (WHERE rc.version_removed = v.number) AS removed,
                count(*) FILTER (WHERE ${inVersion('v.number')}) AS present
           FROM unnest($2::int[]) AS v(number)
           JOIN repository_content rc ON rc.repository_id = $1
                AND rc.version_added <= v.number
                AND (rc.version_removed IS NULL OR rc.version_removed >= v.number)
           JOIN content c ON c.id = rc.content_id
          GROUP BY v.number, c.kind`,
        [repositoryId, numbers],
      );
    for (const row of rows) {
      const summary = result.get(row.number)!;
      for (const key of ['added', 'removed', 'present'] as const) {
        const count = Number(row[key]);
        if (count > 0) summary[key][row.kind] = count;
      }
    }
    return result;
  }

  /**
   * Creates the next version from the latest one plus `add` minus `remove`, inside the caller's
   * transaction. Returns null, creating nothing, when the content would not change.
   */
  async createVersion(
    manager: EntityManager,
    repositoryId: string,
    change: { add: readonly string[]; remove: readonly string[] },
  ): Promise<RepositoryVersionEntity | null> {
    // Serialises version creation per repository: the row lock is held until the transaction ends.
    const repository = await manager.findOneOrFail(RepositoryEntity, {
      where: { id: repositoryId },
      lock: { mode: 'pessimistic_write' },
    });
    const base = await this.findLatestVersion(repositoryId, manager);
    const present = new Set(base ? await this.contentIdsOf(repositoryId, base.number, manager) : []);
    const add = [...new Set(change.add)].filter((id) => !present.has(id));
    const remove = [...new Set(change.remove)].filter((id) => present.has(id));
    if (add.length === 0 && remove.length === 0) return null;

    const number = repository.nextVersion;
    await manager.update(RepositoryEntity, { id: repositoryId }, { nextVersion: number + 1 });
    const version = await manager.save(
      manager.create(RepositoryVersionEntity, { repositoryId, number, baseVersionNumber: base?.number ?? null }),
    );
    for (const ids of chunks(remove)) {
      await manager.query(
        `UPDATE repository_content SET version_removed = $2
          WHERE repository_id = $1 AND version_removed IS NULL AND content_id = ANY($3::uuid[])`,
        [repositoryId, number, ids],
      );
    }
    for (const ids of chunks(add)) {
      // Set-based, with the unit's kind and tag name copied in (see RepositoryContentEntity).
      await manager.query(
        `INSERT INTO repository_content (repository_id, content_id, version_added, kind, tag_name)
         SELECT $1, c.id, $2, c.kind, t.name
           FROM unnest($3::uuid[]) AS i(id) JOIN content c ON c.id = i.id LEFT JOIN tags t ON t.id = c.id`,
        [repositoryId, number, ids],
      );
    }
    // Written with the version, so the first listing of its tags neither counts them nor pays a deep OFFSET.
    await versionTagOutline(manager, version);
    return version;
  }

  /** The first version of a new repository: number 0, empty. */
  async createInitialVersion(manager: EntityManager, repositoryId: string): Promise<RepositoryVersionEntity> {
    return manager.save(manager.create(RepositoryVersionEntity, { repositoryId, number: 0, baseVersionNumber: null }));
  }

  /**
   * Deletes one version, folding its changes into the next one so every other version keeps exactly
   * the content it had. Deleting the latest version makes the previous one the latest again.
   */
  async deleteVersion(manager: EntityManager, version: RepositoryVersionEntity): Promise<void> {
    const { repositoryId, number } = version;
    await manager.findOneOrFail(RepositoryEntity, { where: { id: repositoryId }, lock: { mode: 'pessimistic_write' } });
    const next: { number: number } | undefined = (
      await manager.query(
        `SELECT number FROM repository_versions WHERE repository_id = $1 AND number > $2 ORDER BY number LIMIT 1`,
        [repositoryId, number],
      )
    )[0];
    const previous: { number: number } | undefined = (
      await manager.query(
        `SELECT number FROM repository_versions WHERE repository_id = $1 AND number < $2 ORDER BY number DESC LIMIT 1`,
        [repositoryId, number],
      )
    )[0];
    if (next) {
      // Content that lived only in the deleted version disappears; the rest now starts or ends at `next`.
      await manager.query(
        `DELETE FROM repository_content WHERE repository_id = $1 AND version_added = $2 AND version_removed = $3`,
        [repositoryId, number, next.number],
      );
      await manager.query(
        `UPDATE repository_content SET version_added = $3 WHERE repository_id = $1 AND version_added = $2`,
        [repositoryId, number, next.number],
      );
      await manager.query(
        `UPDATE repository_content SET version_removed = $3 WHERE repository_id = $1 AND version_removed = $2`,
        [repositoryId, number, next.number],
      );
    } else {
      await manager.query(`DELETE FROM repository_content WHERE repository_id = $1 AND version_added = $2`, [
        repositoryId,
        number,
      ]);
      await manager.query(
        `UPDATE repository_content SET version_removed = NULL WHERE repository_id = $1 AND version_removed = $2`,
        [repositoryId, number],
      );
    }
    if (next) {
      await this.mergeAdjacentRanges(manager, repositoryId, next.number);
      await manager.update(
        RepositoryVersionEntity,
        { repositoryId, number: next.number },
        { baseVersionNumber: previous?.number ?? null },
      );
    }
    await manager.delete(RepositoryVersionEntity, { id: version.id });
  }

  /** A unit removed in the deleted version and re-added in the next one is simply present throughout. */
  private async mergeAdjacentRanges(manager: EntityManager, repositoryId: string, at: number): Promise<void> {
    await manager.query(
      `WITH pairs AS (
         SELECT a.id AS keep_id, b.id AS drop_id, b.version_removed AS removed
           FROM repository_content a
           JOIN repository_content b ON b.repository_id = a.repository_id AND b.content_id = a.content_id
                                    AND b.version_added = a.version_removed
          WHERE a.repository_id = $1 AND a.version_removed = $2),
       dropped AS (DELETE FROM repository_content WHERE id IN (SELECT drop_id FROM pairs))
       UPDATE repository_content rc SET version_removed = pairs.removed FROM pairs WHERE rc.id = pairs.keep_id`,
      [repositoryId, at],
    );
  }
}
