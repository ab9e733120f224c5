import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  remotesNetbootOciCreate,
  remotesNetbootOciRead,
  repositoriesNetbootOciCreate,
  repositoriesNetbootOciSync,
} from '../../openapi/client/sdk.gen';
import { buildNetbootArtifact, makeFile, pushArtifact } from '../support/push';
import { startRegistry, TestRegistry } from '../support/registry';
import { idOf, Stack, startStack, waitForTask } from '../support/stack';

const CLIENT_KEY = '-----BEGIN PRIVATE KEY-----\nTUlJQ2xpZW50S2V5UGxhaW50ZXh0TWFya2Vy\n-----END PRIVATE KEY-----';

let registry: TestRegistry;
let stack: Stack;
let logFile: string;

beforeAll(async () => {
  registry = await startRegistry({ auth: 'htpasswd' });
  const auth = { username: registry.username!, password: registry.password! };
  await pushArtifact(
    registry.url,
    'netboot/fedora',
    '40-amd64',
    buildNetbootArtifact({ files: { vmlinuz: makeFile(4096, 'k') } }),
    auth,
  );
  stack = await startStack({ env: { LOG_LEVEL: 'trace' }, logToFile: true });
}, 120_000);
afterAll(async () => {
  await stack?.stop();
  await registry?.stop();
});

describe('remote credentials', () => {
  it('are used for the sync, never returned, never logged, and not in a database dump', async () => {
    logFile = stack.prepared.config.logFile!;
    const { data: remote } = await remotesNetbootOciCreate({
      client: stack.client,
      body: {
        name: 'private-registry',
        url: registry.url,
        upstream_name: 'netboot/fedora',
        username: registry.username,
        password: registry.password,
        client_key: CLIENT_KEY,
      },
    });
    const { data: repo } = await repositoriesNetbootOciCreate({
      client: stack.client,
      body: { name: 'fedora', remote: remote!.pulp_href },
    });
    const { data: started } = await repositoriesNetbootOciSync({
      client: stack.client,
      path: { id: idOf(repo!.pulp_href) },
      body: {},
    });
    const task = await waitForTask(stack, started!.task);
    expect(task.error).toBeNull();
    expect(task.state).toBe('completed');

    const { data: shown } = await remotesNetbootOciRead({
      client: stack.client,
      path: { id: idOf(remote!.pulp_href) },
    });
    const secrets = [registry.password!, 'TUlJQ2xpZW50S2V5UGxhaW50ZXh0TWFya2Vy'];
    for (const secret of secrets) expect(JSON.stringify(shown)).not.toContain(secret);

    const dump = execFileSync('pg_dump', ['--data-only', stack.databaseUrl], {
      maxBuffer: 256 * 1024 * 1024,
    }).toString();
    expect(dump).toContain('private-registry'); // the dump is real and holds the remote row
    for (const secret of [...secrets, registry.username!]) expect(dump).not.toContain(secret);

    const logs = readFileSync(logFile, 'utf8');
    expect(logs.length).toBeGreaterThan(0);
    expect(logs).toContain('"level":20'); // debug lines were written: the check covers the chatty levels too
    for (const secret of secrets) expect(logs).not.toContain(secret);
    expect(logs).not.toContain(Buffer.from(`${registry.username}:${registry.password}`).toString('base64'));
  });
});
