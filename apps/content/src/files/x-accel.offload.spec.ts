import type { Digest } from '@app/oci';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { XAccelOffload } from './x-accel.offload';

describe('XAccelOffload', () => {
  const root = mkdtempSync(join(tmpdir(), 'x-accel-'));
  const hex = 'ab'.repeat(32);
  const digest = `sha256:${hex}` as Digest;
  const localPath = (d: Digest) => join(root, 'blobs', 'sha256', d.slice(7, 9), d.slice(7));
  const offload = new XAccelOffload('/_bootdepot/storage', root, localPath);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('names a stored file by its path below the storage root, under the prefix', async () => {
    mkdirSync(join(root, 'blobs', 'sha256', 'ab'), { recursive: true });
    writeFileSync(localPath(digest), Buffer.alloc(100));
    await expect(offload.target(digest, 100)).resolves.toBe(`/_bootdepot/storage/blobs/sha256/ab/${hex}`);
  });

  it('leaves a blob that is not stored (on-demand) or not whole to the app', async () => {
    await expect(offload.target(`sha256:${'cd'.repeat(32)}` as Digest, 100)).resolves.toBeNull();
    await expect(offload.target(digest, 101)).resolves.toBeNull();
  });
});
