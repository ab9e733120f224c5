import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CreateBucketCommand, DeleteBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Readiness } from '@app/core';
import { type Digest, digestHex, sha256Digest } from '@app/oci';
import { S3Driver } from '@app/storage';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ContentApp, createContentApp } from '../../apps/content/src/create-content-app';
import {
  distributionsNetbootOciCreate,
  orphansCleanupCleanup,
  repositoriesNetbootOciDelete,
  repositoriesNetbootOciVersionsRepair,
  repositoriesReclaimSpaceReclaim,
  statusRead,
} from '../../openapi/client/sdk.gen';
import { buildNetbootArtifact, makeFile, type NetbootArtifact, pushArtifact } from '../support/push';
import { startRegistry, type TestRegistry } from '../support/registry';
import { rgwEnv, s3ClientFor, type TestRgw, useRgw } from '../support/rgw';
import { type Stack, startStack, waitForTask } from '../support/stack';
import { createRemote, createRepository, sync } from '../sync/sync-helpers';

const run = promisify(execFile);
const MiB = 1024 * 1024;

/**
 * The whole path on a real S3 server (the run's Ceph RGW): a sync from the test registry into the bucket, files
 * served streamed and through presigned redirects (checked byte for byte with curl following them), and the
 * maintenance tasks (repair, orphan cleanup, reclaim) working on objects instead of files.
 */
describe('S3 storage end to end (Ceph RGW)', () => {
  let rgw: TestRgw;
  let s3: S3Client;
  let driver: S3Driver;
  let registry: TestRegistry;
  let stack: Stack;
  let redirecting: ContentApp;
  let redirectUrl: string;
  let artifact: NetbootArtifact;
  let repoId: string;
  const prefix = `e2e-${randomUUID()}/`;
  const file = (title: string) => {
    const layer = artifact.layers.find((l) => l.annotations?.['org.opencontainers.image.title'] === title)!;
    return { digest: layer.digest, bytes: artifact.blobs.get(layer.digest)! };
  };

  beforeAll(async () => {
    rgw = await useRgw();
    s3 = s3ClientFor(rgw);
    driver = new S3Driver({ client: s3, bucket: rgw.bucket, prefix });
    const env = rgwEnv(rgw, prefix);
    // The SDK's default credential chain reads the process environment, as it would in production.
    process.env.AWS_ACCESS_KEY_ID = env.AWS_ACCESS_KEY_ID;
    process.env.AWS_SECRET_ACCESS_KEY = env.AWS_SECRET_ACCESS_KEY;
    registry = await startRegistry();
    // vmlinuz spans two multipart parts (8 MiB each): the keyed multipart path, not only single PUTs.
    artifact = buildNetbootArtifact({
      files: {
        vmlinuz: makeFile(12 * MiB + 4321, 's3-vmlinuz'),
        'initrd.img': makeFile(3 * MiB, 's3-initrd'),
        'pxelinux.0': makeFile(4 * 1024, 's3-pxelinux'),
      },
    });
    await pushArtifact(registry.url, 'fedora/netboot', '40-amd64', artifact);
    stack = await startStack({ env });
    const remote = await createRemote(stack, { url: registry.url, upstream_name: 'fedora/netboot' });
    repoId = await createRepository(stack);
    expect((await sync(stack, repoId, remote)).state).toBe('completed');
    await distributionsNetbootOciCreate({
      client: stack.client,
      body: { name: 'fedora', base_path: 'fedora', repository: `/pulp/api/v3/repositories/netboot/oci/${repoId}/` },
      throwOnError: true,
    });
    // A second content replica on the same database and bucket, redirecting instead of streaming.
    const { prepared } = stack;
    redirecting = await createContentApp({ ...prepared, config: { ...prepared.config, contentRedirect: 'presigned' } });
    await new Promise<void>((resolve) => redirecting.server.listen(0, '127.0.0.1', resolve));
    redirectUrl = `http://127.0.0.1:${(redirecting.server.address() as AddressInfo).port}`;
  }, 300_000);
  afterAll(async () => {
    await redirecting?.close();
    await stack?.stop();
    await registry?.stop();
    if (driver) {
      await driver.cleanupTemporaries(0);
      const digests: Digest[] = [];
      for await (const blob of driver.list()) digests.push(blob.digest);
      await driver.deleteMany(digests);
    }
    s3?.destroy();
  });

  it('syncs every blob into the bucket, verified, with no local files and no unfinished uploads', async () => {
    const stored = new Map<string, number>();
    for await (const blob of driver.list()) stored.set(blob.digest, blob.size);
    expect(new Set(stored.keys())).toEqual(new Set(artifact.blobs.keys()));
    for (const digest of stored.keys()) expect(await driver.verify(digest as Digest)).toBe(true);
    expect(existsSync(join(stack.prepared.config.storagePath, 'blobs'))).toBe(false);
    const uploads = [];
    for await (const upload of driver.listUploads()) uploads.push(upload);
    expect(uploads).toEqual([]);
    const temporaries = [];
    for await (const object of driver.listObjects(`${prefix}tmp/`)) temporaries.push(object.key);
    expect(temporaries).toEqual([]);
  });

  it('streams files and ranges from the bucket', async () => {
    const { bytes } = file('vmlinuz');
    const whole = await fetch(`${stack.contentUrl}/pulp/content/fedora/40-amd64/vmlinuz`);
    expect(whole.status).toBe(200);
    expect(Buffer.from(await whole.arrayBuffer()).equals(bytes)).toBe(true);

    const ranged = await fetch(`${stack.contentUrl}/pulp/content/fedora/40-amd64/vmlinuz`, {
      headers: { Range: `bytes=${8 * MiB - 10}-${8 * MiB + 9}` },
    });
    expect(ranged.status).toBe(206);
    expect(Buffer.from(await ranged.arrayBuffer()).equals(bytes.subarray(8 * MiB - 10, 8 * MiB + 10))).toBe(true);

    const small = await fetch(`${stack.contentUrl}/pulp/content/fedora/40-amd64/pxelinux.0`);
    expect(Buffer.from(await small.arrayBuffer()).equals(file('pxelinux.0').bytes)).toBe(true);
  });

  it('redirects a GET to a presigned URL that curl follows to the same bytes, type and name', async () => {
    const { bytes } = file('vmlinuz');
    const url = `${redirectUrl}/pulp/content/fedora/40-amd64/vmlinuz`;
    const first = await fetch(url, { redirect: 'manual' });
    expect(first.status).toBe(302);
    expect(first.headers.get('location')).toMatch(new RegExp(`^${rgw.endpoint}/${rgw.bucket}/${prefix}blobs/`));
    expect(first.headers.get('cache-control')).toBe('no-store');

    const { stdout } = await run('curl', [
      '-sSfL',
      '-D',
      '-',
      '-o',
      '/dev/null',
      '-w',
      '%{size_download} %{num_redirects}',
      url,
    ]);
    const finalHeaders = stdout.slice(stdout.lastIndexOf('HTTP/1.1'));
    expect(finalHeaders).toMatch(/^HTTP\/1\.1 200/);
    expect(finalHeaders).toMatch(/content-type: application\/octet-stream/i);
    expect(finalHeaders).toMatch(/content-disposition: inline; filename="vmlinuz"/i);
    expect(stdout.trim().split('\n').at(-1)).toMatch(new RegExp(`${bytes.length} 1$`));
    const { stdout: digest } = await run('bash', ['-c', `curl -sSfL '${url}' | sha256sum`]);
    expect(digest.split(' ')[0]).toBe(digestHex(sha256Digest(bytes)));

    const { stdout: range } = await run('bash', ['-c', `curl -sSfL -r 100-199 '${url}' | sha256sum`]);
    expect(range.split(' ')[0]).toBe(digestHex(sha256Digest(bytes.subarray(100, 200))));
  });

  it('answers HEAD, conditional requests and small files itself when redirecting', async () => {
    const url = `${redirectUrl}/pulp/content/fedora/40-amd64/vmlinuz`;
    const head = await fetch(url, { method: 'HEAD', redirect: 'manual' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(file('vmlinuz').bytes.length));
    const etag = head.headers.get('etag')!;
    const cached = await fetch(url, { headers: { 'If-None-Match': etag }, redirect: 'manual' });
    expect(cached.status).toBe(304);
    const small = await fetch(`${redirectUrl}/pulp/content/fedora/40-amd64/pxelinux.0`, { redirect: 'manual' });
    expect(small.status).toBe(200);
    expect(Buffer.from(await small.arrayBuffer()).equals(file('pxelinux.0').bytes)).toBe(true);
    const missing = await fetch(`${redirectUrl}/pulp/content/fedora/40-amd64/nothing`, { redirect: 'manual' });
    expect(missing.status).toBe(404);
  });

  it('reports the backend in status/ and fails readiness when the bucket does not answer', async () => {
    const { data } = await statusRead({ client: stack.anonymous, throwOnError: true });
    expect(data.storage).toMatchObject({ driver: 's3', location: `s3://${rgw.bucket}/${prefix} at ${rgw.endpoint}` });
    expect(data.storage.reachable).toBe(true);
    expect(JSON.stringify(data)).not.toContain(rgw.secretAccessKey);
    expect((await fetch(`${stack.contentUrl}/readyz`)).status).toBe(200);

    const bucket = `gone-${randomUUID()}`;
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const vanishing = await S3Driver.open({ client: s3, bucket });
    const dataSource = redirecting.context.get(DataSource);
    const readiness = new Readiness(dataSource, stack.prepared.config, vanishing);
    expect((await readiness.check()).storage).toBe(true);
    await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
    expect(await readiness.check()).toMatchObject({ database: true, storage: false });
    await readiness.close();
  });

  it('repair re-fetches an object corrupted in the bucket', async () => {
    const { digest, bytes } = file('initrd.img');
    const key = `${prefix}blobs/sha256/${digestHex(digest).slice(0, 2)}/${digestHex(digest)}`;
    await s3.send(new PutObjectCommand({ Bucket: rgw.bucket, Key: key, Body: 'corrupted in the bucket' }));
    expect(await driver.verify(digest)).toBe(false);
    const { data } = await repositoriesNetbootOciVersionsRepair({
      client: stack.client,
      path: { id: repoId, number: 1 },
      throwOnError: true,
    });
    expect((await waitForTask(stack, data.task)).error).toBeNull();
    expect(await driver.verify(digest)).toBe(true);
    const served = await fetch(`${stack.contentUrl}/pulp/content/fedora/40-amd64/initrd.img`);
    expect(Buffer.from(await served.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('orphan cleanup deletes the objects no version references', async () => {
    const lonely = buildNetbootArtifact({ files: { vmlinuz: makeFile(200 * 1024, 's3-lonely') } });
    await pushArtifact(registry.url, 'lab/doomed', 'v1', lonely);
    const doomed = await createRepository(stack);
    const remote = await createRemote(stack, { url: registry.url, upstream_name: 'lab/doomed' });
    expect((await sync(stack, doomed, remote)).state).toBe('completed');
    const lonelyDigest = lonely.layers[0]!.digest;
    expect(await driver.stat(lonelyDigest)).toEqual({ size: 200 * 1024 });

    await repositoriesNetbootOciDelete({ client: stack.client, path: { id: doomed }, throwOnError: true });
    const { data } = await orphansCleanupCleanup({
      client: stack.client,
      body: { orphan_protection_time: 0 },
      throwOnError: true,
    });
    expect((await waitForTask(stack, data.task)).state).toBe('completed');
    expect(await driver.stat(lonelyDigest)).toBeNull();
    expect(await driver.stat(file('pxelinux.0').digest)).not.toBeNull();
  });

  it('reclaim removes objects, and the next request fetches them back into the bucket', async () => {
    const { digest, bytes } = file('vmlinuz');
    const { data } = await repositoriesReclaimSpaceReclaim({
      client: stack.client,
      body: { repo_hrefs: [`/pulp/api/v3/repositories/netboot/oci/${repoId}/`] },
      throwOnError: true,
    });
    expect((await waitForTask(stack, data.task)).state).toBe('completed');
    expect(await driver.stat(digest)).toBeNull();

    const served = await fetch(`${stack.contentUrl}/pulp/content/fedora/40-amd64/vmlinuz`);
    expect(Buffer.from(await served.arrayBuffer()).equals(bytes)).toBe(true);
    await expect.poll(() => driver.stat(digest), { timeout: 30_000 }).toEqual({ size: bytes.length });
    expect(await driver.verify(digest)).toBe(true);
  });
});
