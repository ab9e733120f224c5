import { createCipheriv, createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { once } from 'node:events';
import { request } from 'undici';
import { type Digest, EMPTY_JSON_DIGEST, MediaType, sha256Digest, TITLE_ANNOTATION } from '@app/oci';
import { parseWwwAuthenticate } from '@app/registry-client';

/** Credentials for pushing; tests reuse the registry's own user. */
export interface PushAuth {
  username: string;
  password: string;
}

export const EMPTY_CONFIG = {
  mediaType: MediaType.OciEmpty,
  digest: EMPTY_JSON_DIGEST,
  size: 2,
  bytes: Buffer.from('{}'),
};

export interface Descriptor {
  mediaType: string;
  digest: Digest;
  size: number;
  annotations?: Record<string, string>;
  platform?: { architecture: string; os: string; 'os.version'?: string };
}

// Deterministic bytes: AES-128-CTR over zeros keyed by the seed, fast enough for hundreds of MiB at test time.
function keystream(seed: number | string) {
  const key = createHash('sha256').update(String(seed)).digest().subarray(0, 16);
  return createCipheriv('aes-128-ctr', key, Buffer.alloc(16));
}

/** `size` pseudo-random bytes, the same for the same seed (never commit binaries). */
export function makeFile(size: number, seed: number | string = 1): Buffer {
  return keystream(seed).update(Buffer.alloc(size));
}

/** Writes the same bytes as `makeFile(size, seed)` to `path` without holding them in memory; returns the digest. */
export async function writeFixtureFile(path: string, size: number, seed: number | string = 1): Promise<Digest> {
  const cipher = keystream(seed);
  const hash = createHash('sha256');
  const out = createWriteStream(path);
  const zeros = Buffer.alloc(1024 * 1024);
  for (let left = size; left > 0; left -= zeros.length) {
    const chunk = cipher.update(left >= zeros.length ? zeros : zeros.subarray(0, left));
    hash.update(chunk);
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return `sha256:${hash.digest('hex')}`;
}

/** Authorization headers for pushing to `repo`, following whatever challenge the registry presents. */
export async function pushHeaders(registryUrl: string, repo: string, auth?: PushAuth): Promise<Record<string, string>> {
  const probe = await fetch(`${registryUrl}/v2/`);
  await probe.arrayBuffer();
  if (probe.status !== 401) return {};
  if (!auth) throw new Error(`${registryUrl} needs credentials to push`);
  const basic = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
  const [challenge] = parseWwwAuthenticate(probe.headers.get('www-authenticate') ?? undefined);
  if (challenge?.scheme === 'basic') return { authorization: basic };
  const url = new URL(challenge.params.realm);
  url.searchParams.set('service', challenge.params.service);
  url.searchParams.set('scope', `repository:${repo}:pull,push`);
  const res = await fetch(url, { headers: { authorization: basic } });
  if (!res.ok) throw new Error(`token for push failed: ${res.status}`);
  const body = (await res.json()) as { token?: string; access_token?: string };
  return { authorization: `Bearer ${body.token ?? body.access_token}` };
}

async function startUpload(registryUrl: string, repo: string, headers: Record<string, string>): Promise<URL> {
  const res = await fetch(`${registryUrl}/v2/${repo}/blobs/uploads/`, { method: 'POST', headers });
  await res.arrayBuffer();
  if (res.status !== 202) throw new Error(`upload start for ${repo} answered ${res.status}`);
  return new URL(res.headers.get('location')!, registryUrl);
}

async function blobExists(registryUrl: string, repo: string, digest: Digest, headers: Record<string, string>) {
  const res = await fetch(`${registryUrl}/v2/${repo}/blobs/${digest}`, { method: 'HEAD', headers });
  return res.status === 200;
}

/** Monolithic upload (POST, then PUT with the whole body). Returns the blob's digest. */
export async function pushBlob(registryUrl: string, repo: string, bytes: Buffer, auth?: PushAuth): Promise<Digest> {
  const digest = sha256Digest(bytes);
  const headers = await pushHeaders(registryUrl, repo, auth);
  if (await blobExists(registryUrl, repo, digest, headers)) return digest;
  const location = await startUpload(registryUrl, repo, headers);
  location.searchParams.set('digest', digest);
  const res = await fetch(location, {
    method: 'PUT',
    headers: { ...headers, 'content-type': 'application/octet-stream' },
    body: bytes,
  });
  if (res.status !== 201) throw new Error(`blob PUT answered ${res.status}: ${await res.text()}`);
  return digest;
}

/** Streams a file as one blob without reading it whole; pass the digest when already known. */
export async function pushBlobFile(
  registryUrl: string,
  repo: string,
  path: string,
  auth?: PushAuth,
  knownDigest?: Digest,
): Promise<{ digest: Digest; size: number }> {
  const { size } = await stat(path);
  let digest = knownDigest;
  if (!digest) {
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
    digest = `sha256:${hash.digest('hex')}`;
  }
  const headers = await pushHeaders(registryUrl, repo, auth);
  if (await blobExists(registryUrl, repo, digest, headers)) return { digest, size };
  const location = await startUpload(registryUrl, repo, headers);
  location.searchParams.set('digest', digest);
  const res = await request(location, {
    method: 'PUT',
    headers: { ...headers, 'content-type': 'application/octet-stream', 'content-length': String(size) },
    body: createReadStream(path, { highWaterMark: 1024 * 1024 }),
  });
  const text = await res.body.text();
  if (res.statusCode !== 201) throw new Error(`blob PUT answered ${res.statusCode}: ${text}`);
  return { digest, size };
}

/** Puts a manifest or index under `ref` (tag or digest); returns its digest. */
export async function pushManifest(
  registryUrl: string,
  repo: string,
  ref: string,
  manifest: object | Buffer,
  mediaType: string,
  auth?: PushAuth,
): Promise<Digest> {
  const bytes = Buffer.isBuffer(manifest) ? manifest : Buffer.from(JSON.stringify(manifest));
  const headers = await pushHeaders(registryUrl, repo, auth);
  const res = await fetch(`${registryUrl}/v2/${repo}/manifests/${ref}`, {
    method: 'PUT',
    headers: { ...headers, 'content-type': mediaType },
    body: bytes,
  });
  if (res.status !== 201) throw new Error(`manifest PUT ${repo}:${ref} answered ${res.status}: ${await res.text()}`);
  return sha256Digest(bytes);
}

export interface NetbootArtifactSpec {
  files: Record<string, Buffer>;
  annotations?: Record<string, string>;
  layerMediaType?: string;
  artifactType?: string;
}

export interface NetbootArtifact {
  manifest: Record<string, unknown>;
  bytes: Buffer;
  digest: Digest;
  mediaType: string;
  layers: Descriptor[];
  /** Every blob the manifest references, config included. */
  blobs: Map<Digest, Buffer>;
}

/** The manifest of a netboot artifact over these layers: the empty config, the spec's version annotation. */
export function netbootManifest(
  layers: Descriptor[],
  spec: Pick<NetbootArtifactSpec, 'annotations' | 'artifactType'> = {},
): Record<string, unknown> {
  return {
    schemaVersion: 2,
    mediaType: MediaType.OciManifest,
    artifactType: spec.artifactType ?? MediaType.NetbootArtifact,
    config: { mediaType: EMPTY_CONFIG.mediaType, digest: EMPTY_CONFIG.digest, size: EMPTY_CONFIG.size },
    layers,
    annotations: { 'org.pulpproject.netboot.version': '1', ...spec.annotations },
  };
}

/** A titled file layer of a netboot artifact. */
export function fileLayer(title: string, digest: Digest, size: number): Descriptor {
  return { mediaType: MediaType.NetbootFile, digest, size, annotations: { [TITLE_ANNOTATION]: title } };
}

/**
 * Pushes files already on disk (too large to hold in memory; digests known) as one netboot artifact under `tag`,
 * each streamed as a titled layer.
 */
export async function pushFileArtifact(
  registryUrl: string,
  repo: string,
  tag: string,
  files: { title: string; path: string; digest: Digest; size: number }[],
): Promise<Digest> {
  for (const file of files) await pushBlobFile(registryUrl, repo, file.path, undefined, file.digest);
  await pushBlob(registryUrl, repo, EMPTY_CONFIG.bytes);
  const layers = files.map((file) => fileLayer(file.title, file.digest, file.size));
  return pushManifest(registryUrl, repo, tag, netbootManifest(layers), MediaType.OciManifest);
}

/** A manifest following the netboot OCI spec: empty config, one titled layer per file. */
export function buildNetbootArtifact(spec: NetbootArtifactSpec): NetbootArtifact {
  const blobs = new Map<Digest, Buffer>([[EMPTY_CONFIG.digest, EMPTY_CONFIG.bytes]]);
  const layers = Object.entries(spec.files).map(([title, data]): Descriptor => {
    const digest = sha256Digest(data);
    blobs.set(digest, data);
    return {
      mediaType: spec.layerMediaType ?? MediaType.NetbootFile,
      digest,
      size: data.length,
      annotations: { [TITLE_ANNOTATION]: title },
    };
  });
  const manifest = netbootManifest(layers, spec);
  const bytes = Buffer.from(JSON.stringify(manifest));
  return { manifest, bytes, digest: sha256Digest(bytes), mediaType: MediaType.OciManifest, layers, blobs };
}

/** Pushes an artifact's blobs and manifest under `tag`; returns the manifest descriptor. */
export async function pushArtifact(
  registryUrl: string,
  repo: string,
  tag: string,
  artifact: NetbootArtifact,
  auth?: PushAuth,
): Promise<Descriptor> {
  for (const data of artifact.blobs.values()) await pushBlob(registryUrl, repo, data, auth);
  const digest = await pushManifest(registryUrl, repo, tag, artifact.bytes, artifact.mediaType, auth);
  return { mediaType: artifact.mediaType, digest, size: artifact.bytes.length };
}

/** An OCI index over per-architecture manifests (already pushed), tagged `ref`. */
export async function pushIndex(
  registryUrl: string,
  repo: string,
  ref: string,
  entries: { descriptor: Descriptor; architecture: string; osVersion?: string }[],
  options: { annotations?: Record<string, string>; auth?: PushAuth } = {},
): Promise<{ digest: Digest; bytes: Buffer }> {
  const index = {
    schemaVersion: 2,
    mediaType: MediaType.OciIndex,
    artifactType: MediaType.NetbootArtifact,
    manifests: entries.map(({ descriptor, architecture, osVersion }) => ({
      mediaType: descriptor.mediaType,
      digest: descriptor.digest,
      size: descriptor.size,
      platform: { architecture, os: 'linux', ...(osVersion ? { 'os.version': osVersion } : {}) },
    })),
    annotations: { 'org.pulpproject.netboot.version': '1', ...options.annotations },
  };
  const bytes = Buffer.from(JSON.stringify(index));
  const digest = await pushManifest(registryUrl, repo, ref, bytes, MediaType.OciIndex, options.auth);
  return { digest, bytes };
}

/**
 * A BlobSink for tests (the storage engineer's sink is separate): keeps bytes in memory, hashes them, and
 * `verify()` fails like a real sink would on a digest mismatch. Records resets so tests can see restarts.
 */
export class MemorySink {
  private chunks: Buffer[] = [];
  written = 0;
  resets = 0;

  async write(chunk: Uint8Array): Promise<void> {
    this.chunks.push(Buffer.from(chunk));
    this.written += chunk.length;
  }

  async reset(): Promise<void> {
    this.chunks = [];
    this.written = 0;
    this.resets++;
  }

  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }

  verify(expected: Digest): void {
    const actual = sha256Digest(this.bytes());
    if (actual !== expected) throw new Error(`digest mismatch: expected ${expected}, got ${actual}`);
  }
}
