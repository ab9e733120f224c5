import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MANIFEST_ACCEPT, MediaType, sha256Digest } from '@app/oci';
import { filterTags, isLiteralTagList, RegistryClient, RegistryError } from '@app/registry-client';
import { startRegistry, type TestRegistry } from '../support/registry';
import {
  buildNetbootArtifact,
  makeFile,
  MemorySink,
  pushArtifact,
  pushIndex,
  pushManifest,
  type NetbootArtifact,
} from '../support/push';

describe('registry client against distribution 2.8 without auth', () => {
  let registry: TestRegistry;
  let client: RegistryClient;
  let amd64: NetbootArtifact;
  let aarch64: NetbootArtifact;
  let indexDigest: string;
  const repo = 'pulp/fedora-kickstart-artifacts';

  beforeAll(async () => {
    registry = await startRegistry();
    client = new RegistryClient({ url: registry.url, maxRetries: 0 });
    const vmlinuz = makeFile(300_000, 'vmlinuz');
    amd64 = buildNetbootArtifact({
      files: { vmlinuz, 'initrd.img': makeFile(1_500_000, 'initrd'), 'boot.iso': makeFile(2048, 'iso') },
      annotations: { 'org.opencontainers.image.version': '40' },
    });
    aarch64 = buildNetbootArtifact({ files: { vmlinuz: makeFile(200_000, 'vmlinuz-arm') } });
    const d1 = await pushArtifact(registry.url, repo, '40-amd64', amd64);
    const d2 = await pushArtifact(registry.url, repo, '40-aarch64', aarch64);
    indexDigest = (
      await pushIndex(registry.url, repo, '40', [
        { descriptor: d1, architecture: 'amd64', osVersion: 'fedora-40' },
        { descriptor: d2, architecture: 'arm64', osVersion: 'fedora-40' },
      ])
    ).digest;
    // Enough tags to see that distribution ignores `n` and that the client still lists each once.
    for (let i = 0; i < 25; i++)
      await pushManifest(registry.url, repo, `extra-${i}`, amd64.bytes, MediaType.OciManifest);
  });

  afterAll(async () => {
    await client?.close();
    await registry?.stop();
  });

  it('pings /v2/', async () => {
    await expect(client.ping()).resolves.toBeUndefined();
  });

  it('lists all tags once even though the registry ignores n (no Link header)', async () => {
    const tags = await client.listTags(repo, { pageSize: 5 });
    expect(tags).toHaveLength(28);
    expect(new Set(tags).size).toBe(28);
    expect(tags).toEqual(expect.arrayContaining(['40', '40-amd64', '40-aarch64', 'extra-0', 'extra-24']));
    expect(filterTags(tags, ['40*'], ['*-aarch64']).sort()).toEqual(['40', '40-amd64']);
    expect(isLiteralTagList(['40-amd64'])).toBe(true);
  });

  it('needs the OCI Accept header: without it distribution says 404, the client gets the manifest', async () => {
    const bare = await fetch(`${registry.url}/v2/${repo}/manifests/40-amd64`);
    expect(bare.status).toBe(404);
    const withAccept = await fetch(`${registry.url}/v2/${repo}/manifests/40-amd64`, {
      headers: { accept: MANIFEST_ACCEPT },
    });
    expect(withAccept.status).toBe(200);

    const manifest = await client.getManifest(repo, '40-amd64');
    expect(manifest.digest).toBe(amd64.digest);
    expect(manifest.mediaType).toBe(MediaType.OciManifest);
    expect(manifest.bytes.equals(amd64.bytes)).toBe(true);
    expect(JSON.parse(manifest.bytes.toString()).artifactType).toBe(MediaType.NetbootArtifact);
  });

  it('fetches a manifest by digest and heads it without downloading', async () => {
    const byDigest = await client.getManifest(repo, amd64.digest);
    expect(sha256Digest(byDigest.bytes)).toBe(amd64.digest);
    expect(await client.headManifest(repo, '40-amd64')).toEqual({
      digest: amd64.digest,
      mediaType: MediaType.OciManifest,
      size: amd64.bytes.length,
    });
    expect(await client.headManifest(repo, 'no-such-tag')).toBeNull();
  });

  it('fetches the index with its platforms', async () => {
    const index = await client.getManifest(repo, '40');
    expect(index.mediaType).toBe(MediaType.OciIndex);
    expect(index.digest).toBe(indexDigest);
    const body = JSON.parse(index.bytes.toString()) as { manifests: { digest: string; platform: object }[] };
    expect(body.manifests.map((m) => m.platform)).toEqual([
      { architecture: 'amd64', os: 'linux', 'os.version': 'fedora-40' },
      { architecture: 'arm64', os: 'linux', 'os.version': 'fedora-40' },
    ]);
    expect(body.manifests[1].digest).toBe(aarch64.digest);
  });

  it('refuses a manifest over maxBytes with a clear error', async () => {
    const error = await client.getManifest(repo, '40-amd64', { maxBytes: 100 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as RegistryError).code).toBe('MANIFEST_TOO_LARGE');
    expect((error as Error).message).toMatch(/larger than the 100-byte limit/);
  });

  it('downloads every layer byte-exact into a sink', async () => {
    for (const layer of amd64.layers) {
      const sink = new MemorySink();
      let progress = 0;
      const result = await client.downloadBlob(repo, layer.digest, sink, {
        expectedSize: layer.size,
        onBytes: (n) => (progress += n),
      });
      expect(result).toEqual({ digest: layer.digest, size: layer.size });
      expect(progress).toBe(layer.size);
      sink.verify(layer.digest);
    }
  });

  it('stops when more bytes arrive than the manifest announced', async () => {
    const layer = amd64.layers[0];
    const error = await client
      .downloadBlob(repo, layer.digest, new MemorySink(), { expectedSize: layer.size - 10 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as Error).message).toMatch(/the manifest says/);
  });

  it('reports a missing blob with the OCI error code and the URL', async () => {
    const missing = sha256Digest('nothing here');
    const error = (await client
      .downloadBlob(repo, missing, new MemorySink())
      .catch((e: unknown) => e)) as RegistryError;
    expect(error).toBeInstanceOf(RegistryError);
    expect(error.status).toBe(404);
    expect(error.code).toBe('BLOB_UNKNOWN');
    expect(error.retryable).toBe(false);
    expect(error.message).toBe(
      `GET ${registry.url}/v2/${repo}/blobs/${missing} answered 404 BLOB_UNKNOWN: blob unknown to registry`,
    );
  });

  it('opens a blob stream from an offset (206) for on-demand serving', async () => {
    const layer = amd64.layers[1];
    const whole = amd64.blobs.get(layer.digest)!;
    const opened = await client.openBlobStream(repo, layer.digest, { offset: 1000 });
    expect(opened.status).toBe(206);
    expect(opened.size).toBe(layer.size);
    expect(opened.offset).toBe(1000);
    const parts: Buffer[] = [];
    await pipeline(
      opened.stream,
      new Writable({
        write(chunk: Buffer, _enc, done) {
          parts.push(chunk);
          done();
        },
      }),
    );
    expect(Buffer.concat(parts).equals(whole.subarray(1000))).toBe(true);
  });

  it('rejects names and references that would reshape the URL', async () => {
    await expect(client.getManifest('../../etc', 'latest')).rejects.toThrow(/invalid repository name/);
    await expect(client.getManifest(repo, '../x')).rejects.toThrow(/invalid tag or digest/);
  });
});
