import { type Digest, MediaType, sha256Digest } from '@app/oci';
import { describe, expect, it, vi } from 'vitest';
import { type ScanClient, scanUpstream } from './upstream.scanner';

const EMPTY = { mediaType: MediaType.OciEmpty, digest: sha256Digest('{}'), size: 2 };

function manifest(files: Record<string, string>) {
  const layers = Object.entries(files).map(([title, content]) => ({
    mediaType: MediaType.NetbootFile,
    digest: sha256Digest(content),
    size: content.length,
    annotations: { 'org.opencontainers.image.title': title },
  }));
  return Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.OciManifest, config: EMPTY, layers }));
}

function index(children: { bytes: Buffer; architecture: string }[]) {
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.OciIndex,
      manifests: children.map(({ bytes, architecture }) => ({
        mediaType: MediaType.OciManifest,
        digest: sha256Digest(bytes),
        size: bytes.length,
        platform: { architecture, os: 'linux' },
      })),
    }),
  );
}

function fakeRegistry(tags: Record<string, Buffer>) {
  const byDigest = new Map<Digest, Buffer>(Object.values(tags).map((bytes) => [sha256Digest(bytes), bytes]));
  const client = {
    listTags: vi.fn(async () => Object.keys(tags)),
    headManifest: vi.fn(async (_name: string, tag: string) => (tags[tag] ? { digest: sha256Digest(tags[tag]) } : null)),
    getManifest: vi.fn(async (_name: string, ref: string) => {
      const bytes = byDigest.get(ref as Digest);
      if (!bytes) throw new Error(`no ${ref}`);
      return { digest: ref as Digest, bytes };
    }),
  };
  return { client, add: (bytes: Buffer) => byDigest.set(sha256Digest(bytes), bytes) };
}

const report = { progress: vi.fn(), advance: vi.fn() };
const base = {
  upstreamName: 'fedora',
  includeTags: null,
  excludeTags: null,
  platforms: [],
  signal: new AbortController().signal,
  headConcurrency: 4,
};

describe('scanUpstream', () => {
  it('follows index children kept by the platform filter and collects each blob once', async () => {
    const amd = manifest({ vmlinuz: 'k-amd', 'install.img': 'img', 'boot.iso': 'img' });
    const arm = manifest({ vmlinuz: 'k-arm' });
    const { client, add } = fakeRegistry({
      '40-amd64': amd,
      '40': index([
        { bytes: amd, architecture: 'amd64' },
        { bytes: arm, architecture: 'arm64' },
      ]),
    });
    add(arm);
    const snapshot = await scanUpstream(
      client as unknown as ScanClient,
      { ...base, platforms: ['linux/amd64'], findKnown: async () => new Map() },
      report,
    );
    expect([...snapshot.tags.keys()].sort()).toEqual(['40', '40-amd64']);
    expect(snapshot.manifests.size).toBe(2);
    expect(snapshot.manifests.has(sha256Digest(arm))).toBe(false);
    // vmlinuz, the shared image once, the empty config.
    expect(snapshot.blobs.size).toBe(3);
    expect(client.getManifest).toHaveBeenCalledTimes(2);
  });

  it('skips listing for literal include_tags and skips the GET for manifests already stored', async () => {
    const amd = manifest({ vmlinuz: 'k' });
    const { client } = fakeRegistry({ '40-amd64': amd, other: manifest({ x: 'y' }) });
    const snapshot = await scanUpstream(
      client as unknown as ScanClient,
      {
        ...base,
        includeTags: ['40-amd64'],
        findKnown: async () => new Map([[sha256Digest(amd), { mediaType: MediaType.OciManifest, raw: amd }]]),
      },
      report,
    );
    expect(client.listTags).not.toHaveBeenCalled();
    expect(client.getManifest).not.toHaveBeenCalled();
    expect(snapshot.manifests.get(sha256Digest(amd))?.known).toBe(true);
  });

  it('rejects a manifest with an unsafe title, naming the tag and the title', async () => {
    const { client } = fakeRegistry({ evil: manifest({ '../passwd': 'x' }) });
    await expect(
      scanUpstream(client as unknown as ScanClient, { ...base, findKnown: async () => new Map() }, report),
    ).rejects.toThrow(/tag evil: manifest sha256:[0-9a-f]{64} was rejected: .*"\.\.\/passwd"/);
  });

  it('counts the tags checked while the HEADs run, and keeps every tag in listing order', async () => {
    const shared = manifest({ vmlinuz: 'k' });
    const names = Array.from({ length: 50 }, (_, i) => `t${String(i).padStart(2, '0')}`);
    const { client } = fakeRegistry(Object.fromEntries(names.map((name) => [name, shared])));
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const head = client.headManifest.getMockImplementation()!;
    // The last tag's HEAD hangs until the test has seen the others counted.
    client.headManifest.mockImplementation(async (name: string, tag: string) => {
      if (tag === 't49') await held;
      return head(name, tag);
    });
    const checked = { total: 0, done: 0 };
    const progress = {
      progress: vi.fn((code: string, change: { total?: number | null; done?: number }) => {
        if (code !== 'sync.checking.tags') return;
        if (typeof change.total === 'number') checked.total = change.total;
        if (change.done !== undefined) checked.done = change.done;
      }),
      advance: vi.fn((code: string) => {
        if (code === 'sync.checking.tags') checked.done++;
      }),
    };
    const scan = scanUpstream(
      client as unknown as ScanClient,
      { ...base, headConcurrency: 8, findKnown: async () => new Map() },
      progress,
    );
    await vi.waitFor(() => expect(checked).toEqual({ total: 50, done: 49 }));
    release();
    const snapshot = await scan;
    expect(checked).toEqual({ total: 50, done: 50 });
    expect([...snapshot.tags.keys()]).toEqual(names);
    expect(new Set(snapshot.tags.values()).size).toBe(1);
    expect(client.getManifest).toHaveBeenCalledTimes(1);
  });
});
