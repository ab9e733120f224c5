import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { redisOptionsFromUrl } from '@app/core';
import type { Digest } from '@app/oci';
import { TASK_QUEUE } from '@app/queue';
import { Queue } from 'bullmq';
import { expect } from 'vitest';
import {
  remotesNetbootOciCreate,
  repositoriesNetbootOciCreate,
  repositoriesNetbootOciSync,
  repositoriesNetbootOciVersionsRead,
  tasksRead,
} from '../../openapi/client/sdk.gen';
import type { CreateRemoteRequest } from '../../openapi/client/types.gen';
import {
  buildNetbootArtifact,
  type Descriptor,
  makeFile,
  type NetbootArtifact,
  pushArtifact,
  pushIndex,
  type PushAuth,
} from '../support/push';
import { idOf, REDIS_URL, type Stack, waitForTask } from '../support/stack';
import { spawnWorker, type WorkerProcess } from '../support/worker-process';

let counter = 0;
const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${++counter}`;

export async function createRemote(stack: Stack, body: Omit<CreateRemoteRequest, 'name'> & { name?: string }) {
  const { data } = await remotesNetbootOciCreate({
    client: stack.client,
    body: { name: unique('remote'), ...body } as CreateRemoteRequest,
    throwOnError: true,
  });
  return data.pulp_href;
}

export async function createRepository(stack: Stack, options: { retain?: number } = {}) {
  const { data } = await repositoriesNetbootOciCreate({
    client: stack.client,
    body: { name: unique('repo'), ...(options.retain ? { retain_repo_versions: options.retain } : {}) },
    throwOnError: true,
  });
  return idOf(data.pulp_href);
}

export async function startSync(stack: Stack, repositoryId: string, remote: string, mirror = false): Promise<string> {
  const { data } = await repositoriesNetbootOciSync({
    client: stack.client,
    path: { id: repositoryId },
    body: { remote, mirror },
    throwOnError: true,
  });
  return data.task;
}

export async function sync(stack: Stack, repositoryId: string, remote: string, mirror = false, timeoutMs = 60_000) {
  return waitForTask(stack, await startSync(stack, repositoryId, remote, mirror), timeoutMs);
}

export async function readTask(stack: Stack, href: string) {
  const { data } = await tasksRead({ client: stack.client, path: { id: idOf(href) }, throwOnError: true });
  return data;
}

/** Polls until `predicate` holds for the task, e.g. until it is downloading. */
export async function waitForTaskState(
  stack: Stack,
  href: string,
  predicate: (task: Awaited<ReturnType<typeof readTask>>) => boolean,
  timeoutMs = 30_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const task = await readTask(stack, href);
    if (predicate(task)) return task;
    if (Date.now() > deadline)
      throw new Error(`task ${href} did not reach the expected state: ${JSON.stringify(task)}`);
    await sleep(100);
  }
}

export async function latestVersion(stack: Stack, repositoryId: string): Promise<number> {
  const [row] = await stack.sql<{ n: number }>(
    'SELECT max(number) AS n FROM repository_versions WHERE repository_id = $1',
    [repositoryId],
  );
  return row!.n;
}

/** `{blob: {added, removed, present}, …}` counts of one version, as the API shows them. */
export async function summaryOf(stack: Stack, repositoryId: string, number: number) {
  const { data } = await repositoriesNetbootOciVersionsRead({
    client: stack.client,
    path: { id: repositoryId, number },
    throwOnError: true,
  });
  const counts = (part: Record<string, { count: number }>) =>
    Object.fromEntries(Object.entries(part).map(([kind, value]) => [kind.replace(/^netboot\./, ''), value.count]));
  const s = data.content_summary;
  return { added: counts(s.added), removed: counts(s.removed), present: counts(s.present) };
}

/** Tag names present in the latest version. */
export async function presentTags(stack: Stack, repositoryId: string): Promise<string[]> {
  const rows = await stack.sql<{ name: string }>(
    `SELECT t.name FROM repository_content rc JOIN tags t ON t.id = rc.content_id
      WHERE rc.repository_id = $1 AND rc.version_removed IS NULL ORDER BY t.name`,
    [repositoryId],
  );
  return rows.map((row) => row.name);
}

export function storageRoot(stack: Stack): string {
  return stack.prepared.config.storagePath;
}

/** Digests of the committed files in storage, each verified against its own bytes. */
export function storedDigests(stack: Stack): { digest: Digest; intact: boolean }[] {
  const dir = join(storageRoot(stack), 'blobs', 'sha256');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((prefix) =>
    readdirSync(join(dir, prefix)).map((hex) => ({
      digest: `sha256:${hex}` as Digest,
      intact:
        createHash('sha256')
          .update(readFileSync(join(dir, prefix, hex)))
          .digest('hex') === hex,
    })),
  );
}

export function temporaries(stack: Stack): string[] {
  const dir = join(storageRoot(stack), 'tmp');
  return existsSync(dir) ? readdirSync(dir) : [];
}

export interface FedoraFixture {
  amd64: NetbootArtifact;
  arm64: NetbootArtifact;
  amd64Descriptor: Descriptor;
  arm64Descriptor: Descriptor;
  index: { digest: Digest };
  /** Unique blobs of each manifest (config included). */
  blobCount: { amd64: number; arm64: number; all: number };
}

/**
 * Fedora-like artifacts: `40-amd64` with the 7 netboot files (install.img and boot.iso are one blob, as in the
 * published Fedora 40 artifact), `40-arm64` sharing the images with it, and `40` an index over both.
 */
export async function pushFedora(
  registryUrl: string,
  repo: string,
  auth?: PushAuth,
  seed = repo,
): Promise<FedoraFixture> {
  const image = makeFile(256 * 1024, `${seed}-image`);
  const amd64 = buildNetbootArtifact({
    files: {
      vmlinuz: makeFile(96 * 1024, `${seed}-vmlinuz-amd64`),
      'initrd.img': makeFile(160 * 1024, `${seed}-initrd-amd64`),
      'install.img': image,
      'boot.iso': image,
      'shimx64.efi': makeFile(12 * 1024, `${seed}-shim-amd64`),
      'grubx64.efi': makeFile(24 * 1024, `${seed}-grub-amd64`),
      'pxelinux.0': makeFile(4 * 1024, `${seed}-pxelinux`),
    },
  });
  const arm64 = buildNetbootArtifact({
    files: {
      vmlinuz: makeFile(96 * 1024, `${seed}-vmlinuz-arm64`),
      'initrd.img': makeFile(160 * 1024, `${seed}-initrd-arm64`),
      'install.img': image,
      'boot.iso': image,
    },
  });
  const amd64Descriptor = await pushArtifact(registryUrl, repo, '40-amd64', amd64, auth);
  const arm64Descriptor = await pushArtifact(registryUrl, repo, '40-arm64', arm64, auth);
  const index = await pushIndex(
    registryUrl,
    repo,
    '40',
    [
      { descriptor: amd64Descriptor, architecture: 'amd64', osVersion: 'fedora-40' },
      { descriptor: arm64Descriptor, architecture: 'arm64', osVersion: 'fedora-40' },
    ],
    { auth },
  );
  const all = new Set([...amd64.blobs.keys(), ...arm64.blobs.keys()]);
  return {
    amd64,
    arm64,
    amd64Descriptor,
    arm64Descriptor,
    index,
    blobCount: { amd64: amd64.blobs.size, arm64: arm64.blobs.size, all: all.size },
  };
}

/** The same artifact with its manifest changed by `mutate` (bytes and digest recomputed). */
export function rebuilt(artifact: NetbootArtifact, mutate: (manifest: Record<string, any>) => void): NetbootArtifact {
  const manifest = structuredClone(artifact.manifest) as Record<string, any>;
  mutate(manifest);
  const bytes = Buffer.from(JSON.stringify(manifest));
  return { ...artifact, manifest, bytes, digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}` };
}

/**
 * Waits until a worker has taken the task's job off the queue (BullMQ calls it active): from then on a
 * `waiting` task is one that waits for its reservation, not one still queued.
 */
export async function waitUntilPickedUp(stack: Stack, taskHref: string): Promise<void> {
  const queue = new Queue(TASK_QUEUE, {
    connection: redisOptionsFromUrl(REDIS_URL),
    prefix: stack.redisPrefix,
  });
  try {
    await expect.poll(() => queue.getJobState(idOf(taskHref)), { timeout: 15_000 }).toBe('active');
  } finally {
    await queue.close();
  }
}

/**
 * Starts a sync of `upstreamName` from `remoteUrl` on a worker of its own and SIGKILLs that worker once it has
 * downloaded more than `afterBytes`, leaving the task running for another worker to take over. The worker is
 * pushed onto `workers` (for the suite's cleanup); returns the task's href.
 */
export async function syncKilledMidDownload(
  stack: Stack,
  workers: WorkerProcess[],
  options: { remoteUrl: string; upstreamName: string; afterBytes: number; env?: Record<string, string> },
): Promise<string> {
  const worker = await spawnWorker(stack, options.env);
  workers.push(worker);
  const repo = await createRepository(stack);
  const remote = await createRemote(stack, { url: options.remoteUrl, upstream_name: options.upstreamName });
  const href = await startSync(stack, repo, remote);
  await waitForTaskState(
    stack,
    href,
    (t) => (t.progress_reports.find((r) => r.code === 'sync.downloading.bytes')?.done ?? 0) > options.afterBytes,
    60_000,
  );
  expect(await worker.kill('SIGKILL')).toBe('SIGKILL');
  expect((await readTask(stack, href)).state).toBe('running');
  return href;
}
