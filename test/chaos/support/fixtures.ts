import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { MediaType, sha256Digest } from '@app/oci';
import {
  buildNetbootArtifact,
  EMPTY_CONFIG,
  fileLayer,
  makeFile,
  netbootManifest,
  pushArtifact,
  pushBlob,
  pushBlobFile,
  pushManifest,
  writeFixtureFile,
} from '../../support/push';
import type { LoadFile } from './load';

const MiB = 1024 * 1024;

/** The files a booting host fetches: a kernel and an initrd, small enough that 200 clients fit on 2 cores. */
export async function pushBootArtifact(
  registryUrl: string,
  repo: string,
  tag: string,
  sizes: { kernelMiB: number; initrdMiB: number },
): Promise<{ files: (Omit<LoadFile, 'path'> & { title: string })[] }> {
  const files = {
    vmlinuz: makeFile(sizes.kernelMiB * MiB, `${repo}-vmlinuz`),
    'initrd.img': makeFile(sizes.initrdMiB * MiB, `${repo}-initrd`),
  };
  await pushArtifact(registryUrl, repo, tag, buildNetbootArtifact({ files }));
  return {
    files: Object.entries(files).map(([title, bytes]) => ({ title, digest: sha256Digest(bytes), size: bytes.length })),
  };
}

/**
 * A large artifact tagged `tag`: `count` distinct blobs of `sizeMiB`, streamed to disk and pushed without being
 * held in memory. Returns each blob's digest and size, which the byte counters are checked against.
 */
export async function pushLargeArtifact(
  registryUrl: string,
  repo: string,
  tag: string,
  count: number,
  sizeMiB: number,
  workDir: string,
): Promise<Map<string, number>> {
  const blobs = new Map<string, number>();
  const layers = [];
  for (let i = 0; i < count; i++) {
    const path = join(workDir, `${repo.replace(/\W/g, '_')}-${i}`);
    const digest = await writeFixtureFile(path, sizeMiB * MiB, `${repo}-${tag}-${i}`);
    await pushBlobFile(registryUrl, repo, path, undefined, digest);
    rmSync(path);
    blobs.set(digest, sizeMiB * MiB);
    layers.push(fileLayer(`part-${i}.img`, digest, sizeMiB * MiB));
  }
  await pushBlob(registryUrl, repo, EMPTY_CONFIG.bytes);
  await pushManifest(registryUrl, repo, tag, netbootManifest(layers), MediaType.OciManifest);
  return blobs;
}
