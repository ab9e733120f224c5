import { randomBytes, randomUUID } from 'node:crypto';
import { DeleteObjectsCommand, ListPartsCommand, type S3Client } from '@aws-sdk/client-s3';
import { type Digest, sha256Digest } from '@app/oci';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { s3ClientFor, type TestRgw, useRgw } from '../../../../test/support/rgw';
import { DigestMismatchError } from '../storage.errors';
import { describeStorageDriver } from '../testing/driver-conformance';
import { S3Driver, type S3DriverOptions } from './s3.driver';

const MiB = 1024 * 1024;

/** Removes everything a test left under its prefix, unfinished uploads included. */
async function emptyPrefix(client: S3Client, bucket: string, prefix: string): Promise<void> {
  const driver = new S3Driver({ client, bucket, prefix });
  await driver.cleanupTemporaries(0);
  const keys: { Key: string }[] = [];
  for await (const object of driver.listObjects(prefix)) keys.push({ Key: object.key });
  for (let index = 0; index < keys.length; index += 1000) {
    await client.send(
      new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys.slice(index, index + 1000) } }),
    );
  }
}

async function listPartsOf(driver: S3Driver, client: S3Client, bucket: string): Promise<number[]> {
  const sizes: number[] = [];
  for await (const upload of driver.listUploads()) {
    const page = await client.send(
      new ListPartsCommand({ Bucket: bucket, Key: upload.key, UploadId: upload.uploadId }),
    );
    for (const part of page.Parts ?? []) sizes.push(part.Size ?? 0);
  }
  return sizes;
}

async function uploadsOf(driver: S3Driver): Promise<string[]> {
  const keys: string[] = [];
  for await (const upload of driver.listUploads()) keys.push(upload.key);
  return keys;
}

// The run's RGW starts on first use (~20 s): before the suites' hooks, which keep the unit project's short timeout.
beforeAll(() => useRgw().then(() => undefined), 300_000);

describeStorageDriver('s3 (Ceph RGW)', async () => {
  const rgw = await useRgw();
  const client = s3ClientFor(rgw);
  const options = { client, bucket: rgw.bucket, prefix: `conformance-${randomUUID()}/` };
  return {
    driver: await S3Driver.open(options),
    reopen: () => S3Driver.open(options),
    cleanup: async () => {
      await emptyPrefix(client, rgw.bucket, options.prefix);
      client.destroy();
    },
  };
});

describe('S3Driver against Ceph RGW', () => {
  let rgw: TestRgw;
  let client: S3Client;
  let options: S3DriverOptions & { prefix: string };
  const open = (extra: Partial<S3DriverOptions> = {}) => new S3Driver({ ...options, ...extra });

  beforeAll(async () => {
    rgw = await useRgw();
    client = s3ClientFor(rgw);
  });
  beforeEach(async ({ onTestFinished }) => {
    options = { client, bucket: rgw.bucket, prefix: `s3-${randomUUID()}/`, partSize: 5 * MiB };
    onTestFinished(() => emptyPrefix(client, rgw.bucket, options.prefix));
  });
  afterAll(() => client?.destroy());

  it('aborts the multipart upload of a blob whose digest does not match: no object, no parts left', async () => {
    const driver = open();
    const bytes = randomBytes(12 * MiB);
    const claimed = sha256Digest(randomBytes(16));
    const writer = await driver.createWriter(claimed, { resumeKey: 'wrong' });
    await writer.write(bytes);
    expect(await uploadsOf(driver)).toHaveLength(1);

    await expect(writer.commit()).rejects.toBeInstanceOf(DigestMismatchError);
    expect(await uploadsOf(driver)).toEqual([]);
    expect(await driver.stat(claimed)).toBeNull();
    expect(await driver.cleanupTemporaries(0)).toBe(0);
  });

  it('leaves no parts behind when an unkeyed multipart writer is aborted', async () => {
    const driver = open();
    const bytes = randomBytes(11 * MiB);
    const writer = await driver.createWriter(sha256Digest(bytes));
    await writer.write(bytes);
    expect(await uploadsOf(driver)).toHaveLength(1);
    await writer.abort();
    expect(await uploadsOf(driver)).toEqual([]);
  });

  it('resumes a released multipart writer, copying its whole parts server-side', async () => {
    const bytes = randomBytes(13 * MiB + 123);
    const digest = sha256Digest(bytes);
    const first = await open().createWriter(digest, { resumeKey: 'task-9', expectedSize: bytes.length });
    await first.write(bytes.subarray(0, 7 * MiB + 5));
    await first.release();

    const driver = open();
    expect(await uploadsOf(driver)).toEqual([]);
    const second = await driver.createWriter(digest, { resumeKey: 'task-9', expectedSize: bytes.length });
    expect(second.written).toBe(7 * MiB + 5);
    await second.write(bytes.subarray(second.written));
    expect(await second.commit()).toMatchObject({ size: bytes.length, alreadyExisted: false });

    expect(await driver.verify(digest)).toBe(true);
    expect(await uploadsOf(driver)).toEqual([]);
    expect(await driver.cleanupTemporaries(0)).toBe(0);
  });

  it('resumes the whole parts a crashed writer uploaded (it never released), losing only the unflushed tail', async () => {
    const bytes = randomBytes(17 * MiB);
    const digest = sha256Digest(bytes);
    const crashed = await open().createWriter(digest, { resumeKey: 'killed', expectedSize: bytes.length });
    await crashed.write(bytes.subarray(0, 11 * MiB));
    // No release, no abort: the process is gone. Two 5 MiB parts were sent, 1 MiB was still in memory; wait
    // until both arrived (part uploads run in the background), as they would have before a later kill.
    await expect.poll(async () => (await listPartsOf(open(), client, rgw.bucket)).length).toBe(2);

    const driver = open();
    const next = await driver.createWriter(digest, { resumeKey: 'killed', expectedSize: bytes.length });
    expect(next.written).toBe(10 * MiB);
    await next.write(bytes.subarray(next.written));
    await next.commit();
    expect(await driver.verify(digest)).toBe(true);
    expect(await uploadsOf(driver)).toEqual([]);
    expect(await driver.cleanupTemporaries(0)).toBe(0);
  });

  it('aborts the upload a crashed writer left, once it is older than the cut-off', async () => {
    const bytes = randomBytes(6 * MiB);
    const crashed = await open().createWriter(sha256Digest(bytes), { resumeKey: 'crash' });
    await crashed.write(bytes);
    const driver = open();
    expect(await driver.cleanupTemporaries(60 * 60 * 1000)).toBe(0);
    expect(await driver.cleanupTemporaries(0)).toBe(1);
    expect(await uploadsOf(driver)).toEqual([]);
    expect((await driver.createWriter(sha256Digest(bytes), { resumeKey: 'crash' })).written).toBe(0);
  });

  it('lists page by page and deletes in batches', async () => {
    const driver = open({ pageSize: 2 });
    const digests = [];
    for (let index = 0; index < 5; index++) {
      const bytes = randomBytes(10 + index);
      const writer = await driver.createWriter(sha256Digest(bytes));
      await writer.write(bytes);
      digests.push((await writer.commit()).digest);
    }
    const listed = [];
    for await (const blob of driver.list()) listed.push(blob.digest);
    expect(listed.sort()).toEqual([...digests].sort());

    expect(await driver.deleteMany(digests.slice(0, 3) as Digest[])).toBe(3);
    const left = [];
    for await (const blob of driver.list()) left.push(blob.digest);
    expect(left.sort()).toEqual(digests.slice(3).sort());
  });

  it('presigns a GET whose Content-Type and Content-Disposition are part of the signature', async () => {
    const driver = open();
    const bytes = randomBytes(4096);
    const writer = await driver.createWriter(sha256Digest(bytes));
    await writer.write(bytes);
    const { digest } = await writer.commit();
    const url = await driver.presignRead(digest, {
      contentType: 'application/efi',
      contentDisposition: 'attachment; filename="shimx64.efi"',
      expiresInSeconds: 60,
    });

    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/efi');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="shimx64.efi"');
    expect(Buffer.from(await response.arrayBuffer()).equals(bytes)).toBe(true);

    const tampered = url.replace('application%2Fefi', 'text%2Fhtml');
    expect(tampered).not.toBe(url);
    expect((await fetch(tampered)).status).toBe(403);
  });

  it('reports an unreachable bucket', async () => {
    await expect(S3Driver.open({ ...options, bucket: `missing-${randomUUID()}` })).rejects.toThrow();
  });
});
