import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Cluster } from './cluster';

const FINAL = ['completed', 'failed', 'canceled'];

export interface InvariantReport {
  /** Human-readable violations; empty means every invariant held. */
  violations: string[];
  filesChecked: number;
}

// Stored files are content-addressed and never rewritten in place, so one verification per (path, size, mtime)
// is enough; re-hashing gigabytes after every scenario would dominate the suite's run time.
const verified = new Set<string>();

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 4 * 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Every file under `blobs/sha256/` hashes to its own name. */
async function storedFilesIntact(storage: string, violations: string[]): Promise<number> {
  const dir = join(storage, 'blobs', 'sha256');
  if (!existsSync(dir)) return 0;
  let count = 0;
  for (const prefix of readdirSync(dir)) {
    for (const hex of readdirSync(join(dir, prefix))) {
      const path = join(dir, prefix, hex);
      const info = statSync(path);
      const key = `${path}|${info.size}|${info.mtimeMs}`;
      count++;
      if (verified.has(key)) continue;
      const actual = await sha256File(path);
      if (actual === hex) verified.add(key);
      else violations.push(`stored file sha256:${hex} hashes to sha256:${actual}`);
    }
  }
  return count;
}

/** Tasks reach a final state within `timeoutMs`; returns those that did not. */
export async function waitForTasksToSettle(
  cluster: Cluster,
  timeoutMs: number,
): Promise<{ id: string; name: string; state: string }[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await cluster.sql<{ id: string; name: string; state: string }>(
      `SELECT id, name, state FROM tasks WHERE state <> ALL($1::text[])`,
      [FINAL],
    );
    if (open.length === 0 || Date.now() > deadline) return open;
    await sleep(500);
  }
}

/**
 * The invariants every scenario must leave intact: stored files match their digests, every repository version
 * holds every blob its manifests reference (stored, with a file of the right size), no temporary outlives the
 * tasks that wrote it, and no task is left running or waiting.
 */
export async function checkInvariants(cluster: Cluster, options: { settleMs: number }): Promise<InvariantReport> {
  const violations: string[] = [];
  const stuck = await waitForTasksToSettle(cluster, options.settleMs);
  for (const task of stuck) {
    violations.push(`task ${task.id} (${task.name}) still ${task.state} after ${options.settleMs / 1000} s`);
  }

  const filesChecked = await storedFilesIntact(cluster.storagePath, violations);

  const missingLayers = await cluster.sql<{ repository_id: string; number: number; digest: string }>(
    `WITH present AS (
       SELECT v.repository_id, v.number, rc.content_id
         FROM repository_versions v
         JOIN repository_content rc ON rc.repository_id = v.repository_id
          AND rc.version_added <= v.number AND (rc.version_removed IS NULL OR rc.version_removed > v.number))
     SELECT p.repository_id, p.number, ml.digest
       FROM present p JOIN manifest_layers ml ON ml.manifest_id = p.content_id
      WHERE NOT EXISTS (SELECT 1 FROM present q
                         WHERE q.repository_id = p.repository_id AND q.number = p.number AND q.content_id = ml.blob_id)`,
  );
  for (const row of missingLayers) {
    violations.push(`repository ${row.repository_id} version ${row.number} lacks layer ${row.digest}`);
  }

  const blobs = await cluster.sql<{ digest: string; size: string; state: string }>(
    `SELECT DISTINCT b.digest, b.size, b.state FROM blobs b JOIN repository_content rc ON rc.content_id = b.id`,
  );
  for (const blob of blobs) {
    // Every remote in this suite is `immediate`: a blob in a version must be stored.
    if (blob.state !== 'stored') {
      violations.push(`blob ${blob.digest} is in a version but ${blob.state}`);
      continue;
    }
    const hex = blob.digest.slice('sha256:'.length);
    const path = join(cluster.storagePath, 'blobs', 'sha256', hex.slice(0, 2), hex);
    if (!existsSync(path)) violations.push(`blob ${blob.digest} is stored but has no file`);
    else if (statSync(path).size !== Number(blob.size)) violations.push(`blob ${blob.digest} file has the wrong size`);
  }

  // With every task settled, any temporary left is an orphan: nothing will resume or remove it.
  if (stuck.length === 0) {
    const tmp = join(cluster.storagePath, 'tmp');
    for (const name of existsSync(tmp) ? readdirSync(tmp) : []) violations.push(`orphaned temporary tmp/${name}`);
  }
  return { violations, filesChecked };
}
