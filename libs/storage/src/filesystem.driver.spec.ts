import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { digestHex, sha256Digest } from '@app/oci';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FilesystemDriver, type FilesystemDriverOptions } from './filesystem.driver';
import { nodeFsOps } from './fs-ops';
import { StorageFullError } from './storage.errors';
import { describeStorageDriver } from './testing/driver-conformance';

describeStorageDriver('filesystem', async () => {
  const root = await mkdtemp(join(tmpdir(), 'bootdepot-storage-'));
  return {
    driver: await FilesystemDriver.open({ root }),
    reopen: () => FilesystemDriver.open({ root }),
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
});

describe('FilesystemDriver', () => {
  let root: string;
  const open = (options: Partial<FilesystemDriverOptions> = {}) => FilesystemDriver.open({ root, ...options });

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'bootdepot-fs-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('uses the distribution layout and only a temporary until commit', async () => {
    const driver = await open();
    const bytes = randomBytes(1000);
    const digest = sha256Digest(bytes);
    const hex = digestHex(digest);
    const writer = await driver.createWriter(digest, { resumeKey: 'task-7' });
    await writer.write(bytes);

    expect(await readdir(join(root, 'tmp'))).toEqual([`${hex}.task-7.partial`]);
    await expect(stat(join(root, 'blobs', 'sha256', hex.slice(0, 2), hex))).rejects.toThrow(/ENOENT/);

    await writer.commit();
    expect(driver.localPath(digest)).toBe(join(root, 'blobs', 'sha256', hex.slice(0, 2), hex));
    expect((await stat(driver.localPath(digest))).size).toBe(1000);
    expect(await readdir(join(root, 'tmp'))).toEqual([]);
  });

  it('turns ENOSPC into StorageFullError and removes the temporary', async () => {
    let budget = 100_000;
    const driver = await open({
      fsOps: {
        write: async (handle, data, position) => {
          if (data.byteLength > budget) {
            // Like a real full disk: part of the chunk lands, then the kernel says no.
            await nodeFsOps.write(handle, data.subarray(0, budget), position);
            throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
          }
          budget -= data.byteLength;
          return nodeFsOps.write(handle, data, position);
        },
      },
    });
    const bytes = randomBytes(300_000);
    const digest = sha256Digest(bytes);
    const writer = await driver.createWriter(digest, { resumeKey: 'full', expectedSize: bytes.length });

    let error: unknown;
    for (let offset = 0; offset < bytes.length && !error; offset += 64 * 1024) {
      error = await writer.write(bytes.subarray(offset, offset + 64 * 1024)).catch((e: unknown) => e);
    }
    expect(error).toBeInstanceOf(StorageFullError);
    expect((error as StorageFullError).message).toMatch(/storage is full/);
    expect(await readdir(join(root, 'tmp'))).toEqual([]);
    expect(await driver.stat(digest)).toBeNull();
    await expect(writer.commit()).rejects.toThrow(/failed/);
    await writer.abort();
  });

  it('keeps a keyed temporary after another I/O error so the download can resume', async () => {
    let failNext = false;
    const driver = await open({
      fsOps: {
        write: async (handle, data, position) => {
          if (failNext) throw Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO' });
          return nodeFsOps.write(handle, data, position);
        },
      },
    });
    const bytes = randomBytes(2000);
    const digest = sha256Digest(bytes);
    const writer = await driver.createWriter(digest, { resumeKey: 'flaky' });
    await writer.write(bytes.subarray(0, 1000));
    failNext = true;
    await expect(writer.write(bytes.subarray(1000))).rejects.toThrow(/EIO/);
    failNext = false;

    const resumed = await driver.createWriter(digest, { resumeKey: 'flaky' });
    expect(resumed.written).toBe(1000);
    await resumed.write(bytes.subarray(1000));
    await resumed.commit();
    expect(await driver.verify(digest)).toBe(true);
  });

  it('resumes after a crash that left the temporary open and discards an oversized leftover', async () => {
    const bytes = randomBytes(4096);
    const digest = sha256Digest(bytes);
    const hex = digestHex(digest);
    const driver = await open();
    await writeFile(join(root, 'tmp', `${hex}.crash.partial`), bytes.subarray(0, 1024));
    const resumed = await driver.createWriter(digest, { resumeKey: 'crash', expectedSize: 4096 });
    expect(resumed.written).toBe(1024);
    await resumed.release();

    await writeFile(join(root, 'tmp', `${hex}.crash.partial`), randomBytes(5000));
    const fresh = await driver.createWriter(digest, { resumeKey: 'crash', expectedSize: 4096 });
    expect(fresh.written).toBe(0);
    await fresh.write(bytes);
    await fresh.commit();
    expect(await driver.verify(digest)).toBe(true);
  });

  it('detects a stored file corrupted on disk', async () => {
    const driver = await open();
    const bytes = randomBytes(100);
    const digest = sha256Digest(bytes);
    const writer = await driver.createWriter(digest);
    await writer.write(bytes);
    await writer.commit();
    await writeFile(driver.localPath(digest), Buffer.alloc(100));
    expect(await driver.verify(digest)).toBe(false);
  });

  it('removes only temporaries older than the cut-off', async () => {
    const driver = await open();
    const old = join(root, 'tmp', `${'a'.repeat(64)}.old.partial`);
    const young = join(root, 'tmp', `${'b'.repeat(64)}.young.partial`);
    await writeFile(old, 'x');
    await writeFile(young, 'y');
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600 * 1000);
    await utimes(old, twoDaysAgo, twoDaysAgo);

    expect(await driver.cleanupTemporaries(24 * 3600 * 1000)).toBe(1);
    expect(await readdir(join(root, 'tmp'))).toEqual([`${'b'.repeat(64)}.young.partial`]);
  });

  it('counts free space, the reserve and what open writers still expect in hasRoomFor', async () => {
    const gib = 1024 ** 3;
    const driver = await open({
      minFreeBytes: 1 * gib,
      fsOps: { statfs: async () => ({ bavail: 10 * 1024 * 1024, blocks: 100 * 1024 * 1024, bsize: 1024 }) },
    });
    expect(await driver.hasRoomFor(9 * gib)).toBe(true);
    expect(await driver.hasRoomFor(9 * gib + 1)).toBe(false);

    const writer = await driver.createWriter(sha256Digest('x'), { expectedSize: 4 * gib });
    expect(await driver.hasRoomFor(5 * gib)).toBe(true);
    expect(await driver.hasRoomFor(5 * gib + 1)).toBe(false);
    await writer.abort();
    expect(await driver.hasRoomFor(9 * gib)).toBe(true);
    expect((await driver.usage()).freeBytes).toBe(10 * gib);
  });

  it('ignores stray files in the blob tree when listing', async () => {
    const driver = await open();
    await writeFile(join(root, 'blobs', 'sha256', 'README'), 'not a blob');
    expect(await driver.stat(sha256Digest('nope'))).toBeNull();
    const listed = [];
    for await (const blob of driver.list()) listed.push(blob);
    expect(listed).toEqual([]);
  });
});
