import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type TestRegistry } from '../support/registry';
import { type Stack, startStack } from '../support/stack';
import { createRemote, createRepository, pushFedora, storedDigests, summaryOf, sync } from './sync-helpers';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => stack?.stop());

describe.each(['htpasswd', 'token'] as const)('a registry with %s auth', (mode) => {
  let registry: TestRegistry;
  beforeAll(async () => {
    registry = await startRegistry({ auth: mode });
  });
  afterAll(async () => registry?.stop());

  it('syncs with the credentials given to the API, and fails clearly without them', async () => {
    const upstream = `${mode}/netboot`;
    const auth = { username: registry.username!, password: registry.password! };
    const fixture = await pushFedora(registry.url, upstream, auth, `${mode}-seed`);
    const repo = await createRepository(stack);
    const remote = await createRemote(stack, { url: registry.url, upstream_name: upstream, ...auth });
    const task = await sync(stack, repo, remote);
    expect(task.error).toBeNull();
    expect(await summaryOf(stack, repo, 1)).toMatchObject({
      present: { tag: 3, manifest: 3, blob: fixture.blobCount.all },
    });
    const stored = new Set(storedDigests(stack).map((f) => f.digest));
    for (const digest of fixture.amd64.blobs.keys()) expect(stored.has(digest)).toBe(true);

    const denied = await createRemote(stack, {
      url: registry.url,
      upstream_name: upstream,
      username: auth.username,
      password: 'wrong',
    });
    const failed = await sync(stack, await createRepository(stack), denied);
    expect(failed.state).toBe('failed');
    expect(failed.error!.description).toMatch(/401|credentials|denied|unauthorized/i);
    expect(failed.error!.description).not.toContain('wrong');
  });
});
