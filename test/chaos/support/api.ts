import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '../../../openapi/client/client';
import {
  distributionsNetbootOciCreate,
  remotesNetbootOciCreate,
  repositoriesNetbootOciCreate,
  repositoriesNetbootOciSync,
  syncSchedulesCreate,
  tasksRead,
} from '../../../openapi/client/sdk.gen';
import type { TaskResponse } from '../../../openapi/client/types.gen';
import { idOf } from '../../support/stack';

export type Task = TaskResponse;

const FINAL = ['completed', 'failed', 'canceled'];

export async function createRemote(client: Client, name: string, url: string, upstreamName: string) {
  const { data } = await remotesNetbootOciCreate({
    client,
    // Generous retries: the chaos scenarios break the upstream on purpose and expect the sync to ride it out.
    body: { name, url, upstream_name: upstreamName, policy: 'immediate', max_retries: 10 },
    throwOnError: true,
  });
  return data.pulp_href;
}

export async function createRepository(client: Client, name: string, remote?: string) {
  const { data } = await repositoriesNetbootOciCreate({ client, body: { name, remote }, throwOnError: true });
  return data.pulp_href;
}

export async function createDistribution(client: Client, name: string, basePath: string, repository: string) {
  const { data } = await distributionsNetbootOciCreate({
    client,
    body: { name, base_path: basePath, repository },
    throwOnError: true,
  });
  return data;
}

export async function createSchedule(client: Client, name: string, repository: string, cron: string) {
  const { data } = await syncSchedulesCreate({ client, body: { name, repository, cron }, throwOnError: true });
  return data;
}

/** Starts a sync; resolves with the task href. */
export async function startSync(client: Client, repository: string, remote: string): Promise<string> {
  const { data } = await repositoriesNetbootOciSync({
    client,
    path: { id: idOf(repository) },
    body: { remote, mirror: false },
    throwOnError: true,
  });
  return data.task;
}

export async function readTask(client: Client, href: string): Promise<Task> {
  const { data } = await tasksRead({ client, path: { id: idOf(href) }, throwOnError: true });
  return data;
}

export function bytesDone(task: Task): number {
  return task.progress_reports.find((r) => r.code === 'sync.downloading.bytes')?.done ?? 0;
}

/** Polls (through whichever replica answers) until `predicate` holds; API hiccups during a fault are expected. */
export async function waitForTask(
  clients: Client[],
  href: string,
  predicate: (task: Task) => boolean = (task) => FINAL.includes(task.state),
  timeoutMs = 120_000,
): Promise<Task> {
  const deadline = Date.now() + timeoutMs;
  let last: Task | undefined;
  for (let i = 0; ; i++) {
    try {
      last = await readTask(clients[i % clients.length]!, href);
      if (predicate(last)) return last;
    } catch {
      // one replica down or reconnecting; the next poll tries the other
    }
    if (Date.now() > deadline) {
      throw new Error(`task ${href} did not reach the expected state in ${timeoutMs} ms: ${JSON.stringify(last)}`);
    }
    await sleep(100);
  }
}

export function isFinal(task: Task): boolean {
  return FINAL.includes(task.state);
}
