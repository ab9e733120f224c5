import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/** One advisory lock serialises every check-then-write of names and base paths (key: "base" in ASCII). */
const BASE_PATH_LOCK = 0x62617365;

/** Distributions by intent: what the API must check that no table constraint can. */
@Injectable()
export class DistributionsRepository {
  /**
   * Another distribution with this name, this base path, or a base path nested in or around it; null when the
   * name and path are free. Takes the base-path lock for the rest of the caller's transaction first, so two
   * requests cannot both find a path free and both take it.
   */
  async findClash(
    manager: EntityManager,
    d: { id?: string | null; name: string; basePath: string },
  ): Promise<{ name: string; basePath: string } | null> {
    await manager.query('SELECT pg_advisory_xact_lock($1)', [BASE_PATH_LOCK]);
    const [row]: { name: string; base_path: string }[] = await manager.query(
      `SELECT name, base_path FROM distributions
        WHERE id IS DISTINCT FROM $1
          AND (name = $2 OR base_path = $3 OR base_path LIKE $4 ESCAPE '\\' OR $3 LIKE base_path || '/%')
        LIMIT 1`,
      [d.id ?? null, d.name, d.basePath, `${d.basePath.replace(/[\\%_]/g, (c) => `\\${c}`)}/%`],
    );
    return row ? { name: row.name, basePath: row.base_path } : null;
  }
}
