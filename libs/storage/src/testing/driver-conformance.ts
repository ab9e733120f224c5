import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { type Digest, sha256Digest } from '@app/oci';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StorageDriver, BlobInfo } from '../storage.driver';
import { BlobNotFoundError, DigestMismatchError, SizeMismatchError, WriterBusyError } from '../storage.errors';

export interface DriverFixture {
  driver: StorageDriver;
  cleanup(): Promise<void>;
  /** A second driver on the same storage, standing in for the process that starts after a crash. */
  reopen?(): Promise<StorageDriver>;
}

interface Blob {
  bytes: Buffer;
  digest: Digest;
}

function makeBlob(size: number): Blob {
  const bytes = randomBytes(size);
  return { bytes, digest: sha256Digest(bytes) };
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** What `list()` yields, without the optional `modifiedAt` (drivers that know it add it; checked separately). */
async function collect(items: AsyncIterable<BlobInfo>): Promise<{ digest: string; size: number }[]> {
  const out: { digest: string; size: number }[] = [];
  for await (const { digest, size, modifiedAt } of items) {
    if (modifiedAt !== undefined) expect(Math.abs(Date.now() - modifiedAt)).toBeLessThan(10 * 60_000);
    out.push({ digest, size });
  }
  return out;
}

/** Registers the behaviour every StorageDriver must have (CNCF distribution's driver testsuites, for bootdepot). */
export function describeStorageDriver(name: string, makeDriver: () => Promise<DriverFixture>): void {
  describe(`StorageDriver conformance: ${name}`, () => {
    let fixture: DriverFixture;
    let driver: StorageDriver;

    beforeEach(async () => {
      fixture = await makeDriver();
      driver = fixture.driver;
    });
    afterEach(async () => {
      await fixture.cleanup();
    });

    async function store(blob: Blob): Promise<void> {
      const writer = await driver.createWriter(blob.digest, { expectedSize: blob.bytes.length });
      await writer.write(blob.bytes);
      await writer.commit();
    }

    it('stores a blob written in chunks and reads it back whole', async () => {
      const blob = makeBlob(3 * 1024 * 1024 + 17);
      const writer = await driver.createWriter(blob.digest, { expectedSize: blob.bytes.length });
      for (let offset = 0; offset < blob.bytes.length; offset += 64 * 1024) {
        await writer.write(blob.bytes.subarray(offset, offset + 64 * 1024));
      }
      expect(writer.written).toBe(blob.bytes.length);
      const result = await writer.commit();

      expect(result).toEqual({ digest: blob.digest, size: blob.bytes.length, alreadyExisted: false });
      expect(await driver.stat(blob.digest)).toEqual({ size: blob.bytes.length });
      expect((await readAll(await driver.openRead(blob.digest))).equals(blob.bytes)).toBe(true);
      expect(await driver.verify(blob.digest)).toBe(true);
    });

    it('stores the empty blob', async () => {
      const blob = makeBlob(0);
      const writer = await driver.createWriter(blob.digest, { expectedSize: 0 });
      await writer.commit();
      expect(await driver.stat(blob.digest)).toEqual({ size: 0 });
      expect((await readAll(await driver.openRead(blob.digest))).length).toBe(0);
    });

    it('reads inclusive byte ranges', async () => {
      const blob = makeBlob(10_000);
      await store(blob);
      const read = async (start?: number, end?: number) => readAll(await driver.openRead(blob.digest, { start, end }));

      expect((await read(0, 0)).equals(blob.bytes.subarray(0, 1))).toBe(true);
      expect((await read(100, 199)).equals(blob.bytes.subarray(100, 200))).toBe(true);
      expect((await read(9_990)).equals(blob.bytes.subarray(9_990))).toBe(true);
      expect((await read(undefined, 9)).equals(blob.bytes.subarray(0, 10))).toBe(true);
      expect((await read(9_999, 9_999)).equals(blob.bytes.subarray(9_999))).toBe(true);
      await expect(driver.openRead(blob.digest, { start: 10, end: 5 })).rejects.toThrow(RangeError);
    });

    it('keeps a blob invisible until commit', async () => {
      const blob = makeBlob(4096);
      const writer = await driver.createWriter(blob.digest);
      await writer.write(blob.bytes);

      expect(await driver.stat(blob.digest)).toBeNull();
      await expect(driver.openRead(blob.digest)).rejects.toBeInstanceOf(BlobNotFoundError);
      expect(await collect(driver.list())).toEqual([]);
      expect((await driver.usage()).usedBytes).toBe(0);

      await writer.commit();
      expect(await driver.stat(blob.digest)).toEqual({ size: 4096 });
    });

    it('rejects bytes that do not match the digest and leaves nothing behind', async () => {
      const blob = makeBlob(2048);
      const other = makeBlob(2048);
      const writer = await driver.createWriter(blob.digest, { resumeKey: 'task-1' });
      await writer.write(other.bytes);

      const error = await writer.commit().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DigestMismatchError);
      expect(error).toMatchObject({ expected: blob.digest, actual: other.digest, bytes: 2048 });
      expect(await driver.stat(blob.digest)).toBeNull();
      expect(await driver.stat(other.digest)).toBeNull();
      // A failed blob must not be resumable either: the next writer starts from zero.
      expect(await driver.cleanupTemporaries(0)).toBe(0);
      const retry = await driver.createWriter(blob.digest, { resumeKey: 'task-1' });
      expect(retry.written).toBe(0);
      await retry.abort();
    });

    it('enforces expectedSize on write and on commit', async () => {
      const blob = makeBlob(1000);
      const tooBig = await driver.createWriter(blob.digest, { expectedSize: 999 });
      await expect(tooBig.write(blob.bytes)).rejects.toBeInstanceOf(SizeMismatchError);
      await tooBig.abort();

      const tooSmall = await driver.createWriter(blob.digest, { expectedSize: 1000 });
      await tooSmall.write(blob.bytes.subarray(0, 500));
      await expect(tooSmall.commit()).rejects.toBeInstanceOf(SizeMismatchError);
      expect(await driver.stat(blob.digest)).toBeNull();
      expect(await driver.cleanupTemporaries(0)).toBe(0);
    });

    it('refuses calls after commit', async () => {
      const blob = makeBlob(10);
      const writer = await driver.createWriter(blob.digest);
      await writer.write(blob.bytes);
      await writer.commit();
      await expect(writer.write(blob.bytes)).rejects.toThrow(/committed/);
      await expect(writer.commit()).rejects.toThrow(/committed/);
      await writer.abort();
      expect(await driver.stat(blob.digest)).toEqual({ size: 10 });
    });

    it('resumes a keyed temporary after the writer went away', async () => {
      const blob = makeBlob(300_000);
      const first = await driver.createWriter(blob.digest, { resumeKey: 'task-42', expectedSize: 300_000 });
      await first.write(blob.bytes.subarray(0, 123_456));
      await first.release();
      expect(await driver.stat(blob.digest)).toBeNull();

      const next = fixture.reopen ? await fixture.reopen() : driver;
      const second = await next.createWriter(blob.digest, { resumeKey: 'task-42', expectedSize: 300_000 });
      expect(second.written).toBe(123_456);
      await second.write(blob.bytes.subarray(second.written));
      await second.commit();
      expect((await readAll(await next.openRead(blob.digest))).equals(blob.bytes)).toBe(true);
    });

    it('does not resume across different resume keys', async () => {
      const blob = makeBlob(1000);
      const first = await driver.createWriter(blob.digest, { resumeKey: 'a' });
      await first.write(blob.bytes.subarray(0, 400));
      await first.release();
      const second = await driver.createWriter(blob.digest, { resumeKey: 'b' });
      expect(second.written).toBe(0);
      await second.abort();
      await (await driver.createWriter(blob.digest, { resumeKey: 'a' })).abort();
    });

    it('refuses a second open writer with the same key and rejects unsafe keys', async () => {
      const blob = makeBlob(10);
      const first = await driver.createWriter(blob.digest, { resumeKey: 'busy' });
      await expect(driver.createWriter(blob.digest, { resumeKey: 'busy' })).rejects.toBeInstanceOf(WriterBusyError);
      await first.abort();
      await (await driver.createWriter(blob.digest, { resumeKey: 'busy' })).abort();
      await expect(driver.createWriter(blob.digest, { resumeKey: '../../etc' })).rejects.toThrow(/resume key/);
      await expect(driver.createWriter('sha256:abc' as Digest)).rejects.toThrow(/sha256/);
    });

    it('reset() discards what was written, for a server that ignored Range', async () => {
      const blob = makeBlob(5000);
      const writer = await driver.createWriter(blob.digest, { resumeKey: 'reset', expectedSize: 5000 });
      await writer.write(randomBytes(3000));
      await writer.reset();
      expect(writer.written).toBe(0);
      await writer.write(blob.bytes);
      await writer.commit();
      expect((await readAll(await driver.openRead(blob.digest))).equals(blob.bytes)).toBe(true);
    });

    it('lets concurrent writers of one digest both succeed without corrupting each other', async () => {
      const blob = makeBlob(200_000);
      const a = await driver.createWriter(blob.digest, { resumeKey: 'a' });
      const b = await driver.createWriter(blob.digest);
      for (let offset = 0; offset < blob.bytes.length; offset += 10_000) {
        const chunk = blob.bytes.subarray(offset, offset + 10_000);
        await Promise.all([a.write(chunk), b.write(chunk)]);
      }
      const results = await Promise.all([a.commit(), b.commit()]);

      expect(results.map((r) => r.size)).toEqual([200_000, 200_000]);
      expect((await readAll(await driver.openRead(blob.digest))).equals(blob.bytes)).toBe(true);
      expect(await collect(driver.list())).toEqual([{ digest: blob.digest, size: 200_000 }]);
      expect(await driver.cleanupTemporaries(0)).toBe(0);
    });

    it('reports alreadyExisted when the blob was stored before', async () => {
      const blob = makeBlob(100);
      await store(blob);
      const writer = await driver.createWriter(blob.digest);
      await writer.write(blob.bytes);
      expect(await writer.commit()).toMatchObject({ alreadyExisted: true });
      expect(await driver.cleanupTemporaries(0)).toBe(0);
    });

    it('keeps writes ordered when the caller does not await them', async () => {
      const blob = makeBlob(50_000);
      const writer = await driver.createWriter(blob.digest);
      const pending: Promise<void>[] = [];
      for (let offset = 0; offset < blob.bytes.length; offset += 1000) {
        pending.push(writer.write(blob.bytes.subarray(offset, offset + 1000)));
      }
      await Promise.all(pending);
      await writer.commit();
      expect(await driver.verify(blob.digest)).toBe(true);
    });

    it('deletes blobs', async () => {
      const blob = makeBlob(100);
      await store(blob);
      expect(await driver.delete(blob.digest)).toBe(true);
      expect(await driver.stat(blob.digest)).toBeNull();
      expect(await driver.delete(blob.digest)).toBe(false);
      expect(await driver.verify(blob.digest)).toBe(false);
    });

    it('lists stored blobs with sizes, and usage sums them', async () => {
      const blobs = [makeBlob(10), makeBlob(2000), makeBlob(0)];
      for (const blob of blobs) await store(blob);
      const pending = await driver.createWriter(makeBlob(10).digest);
      await pending.write(randomBytes(10));

      const listed = await collect(driver.list());
      const byDigest = (x: { digest: string }, y: { digest: string }) => x.digest.localeCompare(y.digest);
      expect(listed.sort(byDigest)).toEqual(
        blobs.map((b) => ({ digest: b.digest, size: b.bytes.length })).sort(byDigest),
      );

      const usage = await driver.usage();
      expect(usage.usedBytes).toBe(2010);
      expect(usage.totalBytes).toBeGreaterThan(0);
      expect(usage.freeBytes).toBeGreaterThan(0);
      expect(usage.freeBytes).toBeLessThanOrEqual(usage.totalBytes);
      await pending.abort();
    });

    it('answers hasRoomFor from free space', async () => {
      const usage = await driver.usage();
      expect(await driver.hasRoomFor(1)).toBe(true);
      expect(await driver.hasRoomFor(usage.totalBytes + 1)).toBe(false);
    });

    it('cleans up abandoned temporaries but not open writers or young ones', async () => {
      const abandoned = makeBlob(100);
      const open = makeBlob(100);
      const left = await driver.createWriter(abandoned.digest, { resumeKey: 'crashed' });
      await left.write(abandoned.bytes.subarray(0, 50));
      await left.release();
      const busy = await driver.createWriter(open.digest, { resumeKey: 'running' });
      await busy.write(open.bytes.subarray(0, 50));

      expect(await driver.cleanupTemporaries(60 * 60 * 1000)).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, 5));
      expect(await driver.cleanupTemporaries(0)).toBe(1);

      const restarted = await driver.createWriter(abandoned.digest, { resumeKey: 'crashed' });
      expect(restarted.written).toBe(0);
      await busy.write(open.bytes.subarray(50));
      await busy.commit();
      expect(await driver.verify(open.digest)).toBe(true);
      await restarted.abort();
    });

    it('abort removes the temporary and is idempotent', async () => {
      const blob = makeBlob(100);
      const writer = await driver.createWriter(blob.digest, { resumeKey: 'gone' });
      await writer.write(blob.bytes);
      await writer.abort();
      await writer.abort();
      expect(await driver.stat(blob.digest)).toBeNull();
      const again = await driver.createWriter(blob.digest, { resumeKey: 'gone' });
      expect(again.written).toBe(0);
      await again.abort();
    });
  });
}
