import { type Digest, MediaType, sha256Digest } from '@app/oci';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateRemoteRequest } from '../../openapi/client/types.gen';
import { buildNetbootArtifact, makeFile, type NetbootArtifact } from '../support/push';
import { type Stack, startStack } from '../support/stack';
import { createRemote, createRepository, latestVersion, presentTags, sync, temporaries } from '../sync/sync-helpers';
import { HostileRegistry, type RegistryRequest, sendManifest } from './hostile-registry';

const KiB = 1024;
const MiB = 1024 * KiB;

let stack: Stack;
let hostile: HostileRegistry;

beforeAll(async () => {
  hostile = await HostileRegistry.start();
  stack = await startStack();
}, 60_000);
afterAll(async () => {
  await stack?.stop();
  await hostile?.stop();
});

function artifact(seed: string, size = 16 * KiB): NetbootArtifact {
  return buildNetbootArtifact({ files: { vmlinuz: makeFile(size, `${seed}-vmlinuz`) } });
}

/** Stores an artifact (manifest and blobs) in the hostile registry under `tag`. */
function put(name: string, tag: string, a: NetbootArtifact): Digest {
  hostile.putBlobs(name, a.blobs);
  return hostile.putManifest(name, { bytes: a.bytes, mediaType: a.mediaType }, tag);
}

/** An index with one child, as a hostile registry may nest them. */
function indexOver(child: { digest: string; size: number; mediaType: string }): Buffer {
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.OciIndex,
      manifests: [{ ...child, platform: { architecture: 'amd64', os: 'linux' } }],
    }),
  );
}

const isBlob = (r: RegistryRequest, digest: string) => r.kind === 'blobs' && r.ref === digest;

/**
 * Syncs tag `good` (a version to protect), then tag `bad` through a remote with `options`; returns the failed
 * task's description and how long the failure took. Asserts what every hostile case must leave behind: a failed
 * task, the previous version still latest with its tag, no temporaries.
 */
async function syncHostile(name: string, options: Partial<CreateRemoteRequest> = {}, before?: () => void) {
  put(name, 'good', artifact(`${name}-good`, 4 * KiB));
  const repo = await createRepository(stack);
  const good = await createRemote(stack, { url: hostile.url, upstream_name: name, include_tags: ['good'] });
  expect((await sync(stack, repo, good)).state).toBe('completed');
  const version = await latestVersion(stack, repo);

  before?.();
  const bad = await createRemote(stack, {
    url: hostile.url,
    upstream_name: name,
    include_tags: ['bad'],
    max_retries: 1,
    ...options,
  });
  const started = Date.now();
  const task = await sync(stack, repo, bad, false, 90_000);
  const elapsedMs = Date.now() - started;
  const description = task.error?.description ?? '';
  console.log(`${name}: ${task.state} after ${elapsedMs} ms: ${description}`);

  expect(task.state).toBe('failed');
  expect(await latestVersion(stack, repo)).toBe(version);
  expect(await presentTags(stack, repo)).toEqual(['good']);
  expect(temporaries(stack)).toEqual([]);
  return { description, elapsedMs };
}

describe('hostile registries: a sync fails with a reason a user can act on', () => {
  it('refuses a manifest over the 4 MiB cap that announces its size', async () => {
    const huge = buildNetbootArtifact({
      files: { vmlinuz: makeFile(KiB, 'huge') },
      annotations: { padding: 'x'.repeat(5 * MiB) },
    });
    put('big/declared', 'bad', huge);
    const { description } = await syncHostile('big/declared');
    expect(description).toMatch(/tag bad/);
    expect(description).toMatch(/MANIFEST_TOO_LARGE|larger than the 4194304-byte limit/);
  });

  it('refuses an oversized manifest sent without Content-Length, without reading it all', async () => {
    const name = 'big/chunked';
    const huge = buildNetbootArtifact({
      files: { vmlinuz: makeFile(KiB, 'huge-chunked') },
      annotations: { padding: 'y'.repeat(16 * MiB) },
    });
    const digest = put(name, 'bad', huge);
    let sent = 0;
    hostile.behave(name, ({ req, res, kind, ref }) => {
      if (kind !== 'manifests' || (ref !== digest && ref !== 'bad') || req.method !== 'GET') return false;
      res.writeHead(200, { 'content-type': MediaType.OciManifest, 'docker-content-digest': digest });
      // Chunked: the client can only stop by counting.
      const step = () => {
        while (sent < huge.bytes.length && !res.destroyed) {
          const chunk = huge.bytes.subarray(sent, sent + 256 * KiB);
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', step);
        }
        res.end();
      };
      step();
      return true;
    });
    const { description } = await syncHostile(name);
    expect(description).toMatch(/larger than the 4194304-byte limit/);
    // The client hung up near the cap instead of swallowing all 16 MiB.
    expect(sent).toBeLessThan(12 * MiB);
  });

  it('refuses indexes nested deeper than the scanner allows', async () => {
    const name = 'deep/index';
    const leaf = artifact('deep-leaf');
    hostile.putBlobs(name, leaf.blobs);
    let child = { digest: hostile.putManifest(name, { bytes: leaf.bytes, mediaType: leaf.mediaType }) as string };
    let childSize = leaf.bytes.length;
    let childType: string = leaf.mediaType;
    for (let level = 0; level < 12; level++) {
      const bytes = indexOver({ digest: child.digest, size: childSize, mediaType: childType });
      child = {
        digest: hostile.putManifest(name, { bytes, mediaType: MediaType.OciIndex }, level === 11 ? 'bad' : undefined),
      };
      childSize = bytes.length;
      childType = MediaType.OciIndex;
    }
    const { description } = await syncHostile(name);
    expect(description).toMatch(/nest deeper than \d+ levels/);
    expect(description).toMatch(/tag bad/);
  });

  it('refuses an index whose child is served as the index itself (a cycle by digest)', async () => {
    const name = 'cycle/index';
    // Content addressing makes a real self-reference impossible; a registry can still answer the child's
    // digest with the parent's bytes, which is what a cycle looks like from the client.
    const childDigest = sha256Digest(Buffer.from('the child that never was'));
    const bytes = indexOver({ digest: childDigest, size: 300, mediaType: MediaType.OciIndex });
    hostile.putManifest(name, { bytes, mediaType: MediaType.OciIndex }, 'bad');
    hostile.behave(name, ({ req, res, kind, ref }) => {
      if (kind !== 'manifests' || ref !== childDigest) return false;
      sendManifest(req, res, { bytes, mediaType: MediaType.OciIndex }, childDigest);
      return true;
    });
    const { description } = await syncHostile(name);
    expect(description).toContain(childDigest);
    expect(description).toMatch(/hashes to .*expected|DIGEST_MISMATCH|nest deeper/);
  });

  it('refuses a blob whose Content-Length is larger than its descriptor says', async () => {
    const name = 'liar/longer';
    const a = artifact('liar-longer');
    put(name, 'bad', a);
    const layer = a.layers[0]!.digest;
    hostile.behave(name, ({ res, ...r }) => {
      if (!isBlob({ res, ...r }, layer)) return false;
      const bytes = makeFile(64 * KiB, 'liar-extra');
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bytes.length });
      res.end(bytes);
      return true;
    });
    const { description } = await syncHostile(name);
    expect(description).toMatch(/vmlinuz/);
    expect(description).toMatch(/announces 65536 bytes, the manifest says 16384/);
  });

  it('refuses a blob that ends before the size its descriptor says', async () => {
    const name = 'liar/shorter';
    const a = artifact('liar-shorter');
    put(name, 'bad', a);
    const layer = a.layers[0]!.digest;
    hostile.behave(name, ({ res, ...r }) => {
      if (!isBlob({ res, ...r }, layer)) return false;
      const bytes = a.blobs.get(layer)!.subarray(0, 4 * KiB);
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bytes.length });
      res.end(bytes);
      return true;
    });
    const { description } = await syncHostile(name);
    expect(description).toMatch(/vmlinuz/);
    expect(description).toMatch(/ended after \d+ of 16384 bytes/);
  });

  it('gives up on endless redirects', async () => {
    const name = 'redirect/loop';
    const a = artifact('redirect');
    put(name, 'bad', a);
    const layer = a.layers[0]!.digest;
    hostile.behave(name, ({ req, res, ...r }) => {
      if (!isBlob({ req, res, ...r }, layer)) return false;
      const hop = Number(new URL(req.url!, 'http://x').searchParams.get('hop') ?? 0) + 1;
      res.writeHead(302, { location: `/v2/${name}/blobs/${layer}?hop=${hop}`, 'content-length': 0 }).end();
      return true;
    });
    const { description, elapsedMs } = await syncHostile(name);
    expect(description).toMatch(/TOO_MANY_REDIRECTS|more than \d+ redirects/);
    expect(elapsedMs).toBeLessThan(20_000);
  });

  it('stops a slowloris blob (bytes trickle forever) at the remote total_timeout', async () => {
    const name = 'slow/body';
    const a = artifact('slow-body', 64 * KiB);
    put(name, 'bad', a);
    const layer = a.layers[0]!.digest;
    hostile.behave(name, ({ res, ...r }) => {
      if (!isBlob({ res, ...r }, layer)) return false;
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': 64 * KiB });
      // One byte every 100 ms: never silent long enough for sock_read_timeout, never finished.
      const timer = setInterval(() => res.write(Buffer.from([0x42])), 100);
      res.on('close', () => clearInterval(timer));
      return true;
    });
    const { description, elapsedMs } = await syncHostile(name, { sock_read_timeout: 1, total_timeout: 3 });
    expect(description).toMatch(/vmlinuz/);
    expect(description).toMatch(/did not finish within|timeout/i);
    expect(elapsedMs).toBeLessThan(20_000);
  });

  it('stops a registry that never sends response headers at sock_read_timeout', async () => {
    const name = 'slow/headers';
    put(name, 'bad', artifact('slow-headers'));
    hostile.behave(name, ({ kind, ref }) => kind === 'manifests' && ref === 'bad');
    const { description, elapsedMs } = await syncHostile(name, { sock_read_timeout: 1, total_timeout: 5 });
    expect(description).toMatch(/tag bad/);
    expect(description).toMatch(/timeout|did not finish within/i);
    expect(elapsedMs).toBeLessThan(20_000);
  });

  it('stops waiting for a token endpoint that never answers at the remote total_timeout', async () => {
    const name = 'auth/silent';
    hostile.tokenProtected.add(name);
    put(name, 'bad', artifact('token-silent'));
    try {
      // Only total_timeout is small: the default 60 s read timeout must not be what ends the wait.
      const { description, elapsedMs } = await syncHostile(name, { total_timeout: 3 }, () => {
        hostile.silentTokens = true;
      });
      expect(description).toMatch(/tag bad/);
      expect(description).toMatch(
        /did not finish within the remote's total_timeout \(3 s\); it was waiting for http:\/\/[^ ]*token/,
      );
      expect(elapsedMs).toBeLessThan(20_000);
    } finally {
      hostile.silentTokens = false;
    }
  });

  it('still syncs from a well-behaved repository of the same registry afterwards', async () => {
    put('after/good', 'good', artifact('after-good'));
    const repo = await createRepository(stack);
    const remote = await createRemote(stack, { url: hostile.url, upstream_name: 'after/good', include_tags: ['good'] });
    expect((await sync(stack, repo, remote)).state).toBe('completed');
    expect(await presentTags(stack, repo)).toEqual(['good']);
  });
});
