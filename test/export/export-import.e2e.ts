import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { sha256Digest } from '@app/oci';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportersNetbootPulpExportsDelete, exportersNetbootPulpExportsList } from '../../openapi/client/sdk.gen';
import { buildNetbootArtifact, makeFile, pushArtifact } from '../support/push';
import { startRegistry, type TestRegistry } from '../support/registry';
import { cosignKeyPair, cosignPayload, pushCosignSignature } from '../support/signing';
import { idOf, type Stack, startStack } from '../support/stack';
import {
  createRemote,
  createRepository,
  type FedoraFixture,
  latestVersion,
  pushFedora,
  storedDigests,
  sync,
  temporaries,
} from '../sync/sync-helpers';
import {
  carry,
  createExporter,
  createImporter,
  distribute,
  readTar,
  rewriteTar,
  runExport,
  runImport,
} from './export-helpers';

/**
 * The disconnected-site round trip: site A syncs from a registry and exports; site B (its own database, Redis
 * prefix and storage, no remote at all) imports from copied files and serves the same bytes and digests.
 */
const run = promisify(execFile);
const UPSTREAM = 'fedora/netboot';
const TITLES = ['vmlinuz', 'initrd.img', 'install.img', 'boot.iso', 'shimx64.efi', 'grubx64.efi', 'pxelinux.0'];

let registry: TestRegistry;
let a: Stack;
let b: Stack;
let root: string;
let fedora: FedoraFixture;
let repoA: string;
let repoAName: string;
let repoB: string;
let exporter: string;
let importer: string;
let fullToc: string;
let fullSize: number;

const repoHref = (id: string) => `/pulp/api/v3/repositories/netboot/oci/${id}/`;
const versionHref = (id: string, n: number) => `${repoHref(id)}versions/${n}/`;
const get = async (stack: Stack, path: string) => {
  const res = await fetch(`${stack.contentUrl}${path}`);
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
};
const verdicts = (stack: Stack) =>
  stack.sql<{
    digest: string;
    state: string;
    kind: string | null;
    key_fingerprint: string | null;
    reason: string | null;
    checked_at: Date;
  }>(
    `SELECT m.digest, s.state, s.kind, s.key_fingerprint, s.reason, s.checked_at FROM manifest_signatures s
       JOIN manifests m ON m.id = s.manifest_id ORDER BY m.digest`,
  );
const contentRows = async (stack: Stack) =>
  Number((await stack.sql<{ n: string }>('SELECT count(*) AS n FROM content'))[0]!.n);

beforeAll(async () => {
  registry = await startRegistry();
  root = mkdtempSync(join(tmpdir(), 'bootdepot-export-'));
  mkdirSync(join(root, 'exports'));
  mkdirSync(join(root, 'media'));
  a = await startStack({ env: { ALLOWED_EXPORT_PATHS: join(root, 'exports') } });
  b = await startStack({ env: { ALLOWED_IMPORT_PATHS: join(root, 'media') } });
  fedora = await pushFedora(registry.url, UPSTREAM);
  repoA = await createRepository(a);
  const remote = await createRemote(a, { url: registry.url, upstream_name: UPSTREAM, policy: 'immediate' });
  expect((await sync(a, repoA, remote)).state).toBe('completed');
  repoAName = (await a.sql<{ name: string }>('SELECT name FROM repositories WHERE id = $1', [repoA]))[0]!.name;
  repoB = await createRepository(b);
  exporter = await createExporter(a, join(root, 'exports', 'site-b'), [repoHref(repoA)]);
  importer = await createImporter(b, { [repoAName]: repoHref(repoB) });
});

afterAll(async () => {
  await a?.stop();
  await b?.stop();
  await registry?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('export and import across a gap', () => {
  it('exports a version into chunks with a TOC listing every chunk with its size and sha256', async () => {
    const { toc, tocPath, record } = await runExport(a, exporter, {
      versions: [versionHref(repoA, 1)],
      chunk_size: '256KB',
    });
    expect(dirname(tocPath)).toBe(join(root, 'exports', 'site-b'));
    expect(toc.files.length).toBeGreaterThan(1);
    for (const file of toc.files) {
      const bytes = readFileSync(join(dirname(tocPath), file.name));
      expect(bytes.length).toBe(file.size);
      expect(file.size).toBeLessThanOrEqual(256 * 1024);
      expect(sha256Digest(bytes)).toBe(`sha256:${file.sha256}`);
      expect(record.output_file_info[join(dirname(tocPath), file.name)]).toBe(file.sha256);
    }
    expect(sha256Digest(readTar(tocPath))).toBe(`sha256:${toc.meta.global_hash}`);
    expect(toc.content.blobs.map((blob) => blob.digest).sort()).toEqual(
      [...new Set([...fedora.amd64.blobs.keys(), ...fedora.arm64.blobs.keys()])].sort(),
    );
    expect(toc.content.repositories).toEqual([
      expect.objectContaining({
        name: repoAName,
        version: 1,
        start_version: null,
        tags: { '40': fedora.index.digest, '40-amd64': fedora.amd64.digest, '40-arm64': fedora.arm64.digest },
      }),
    ]);
    expect(toc.content.verdicts).toEqual([]);
    fullToc = tocPath;
    fullSize = toc.files.reduce((sum, file) => sum + file.size, 0);
  });

  it('refuses a chunk whose bytes changed, naming it, and leaves nothing behind', async () => {
    const toc = carry(fullToc, join(root, 'media', 'corrupt'));
    const chunk = join(dirname(toc), `${basename(fullToc).replace(/-toc\.json$/, '')}.tar.0001`);
    const bytes = readFileSync(chunk);
    bytes[100] ^= 0xff;
    writeFileSync(chunk, bytes);
    const task = await runImport(b, importer, toc);
    expect(task.state).toBe('failed');
    expect(task.error?.description).toContain(`${basename(chunk)} is corrupt`);
    expect(await latestVersion(b, repoB)).toBe(0);
    expect(await contentRows(b)).toBe(0);
    expect(storedDigests(b)).toEqual([]);
  });

  it('refuses a missing chunk, naming it', async () => {
    const toc = carry(fullToc, join(root, 'media', 'missing'));
    const chunk = join(dirname(toc), `${basename(fullToc).replace(/-toc\.json$/, '')}.tar.0002`);
    unlinkSync(chunk);
    const task = await runImport(b, importer, toc);
    expect(task.state).toBe('failed');
    expect(task.error?.description).toContain(`${basename(chunk)} is missing`);
    expect(await latestVersion(b, repoB)).toBe(0);
    expect(storedDigests(b)).toEqual([]);
  });

  it('removes the blobs it stored when a blob fails its digest halfway through (checksums forged to match)', async () => {
    const toc = carry(fullToc, join(root, 'media', 'forged'));
    const tar = readTar(toc);
    // The largest file is the last blob written: flip a byte inside its data, then forge the TOC to match.
    const image = fedora.amd64.blobs.get(
      fedora.amd64.layers.find((l) => l.annotations?.['org.opencontainers.image.title'] === 'boot.iso')!.digest,
    )!;
    const at = tar.indexOf(image.subarray(0, 64));
    expect(at).toBeGreaterThan(0);
    tar[at + 1000] ^= 0xff;
    rewriteTar(toc, tar);
    const task = await runImport(b, importer, toc);
    expect(task.state).toBe('failed');
    expect(task.error?.description).toContain(sha256Digest(image));
    expect(await latestVersion(b, repoB)).toBe(0);
    expect(await contentRows(b)).toBe(0);
    expect(storedDigests(b)).toEqual([]);
    expect(temporaries(b)).toEqual([]);
  });

  it('imports on B, which then serves byte-identical files and the same digests to skopeo', async () => {
    const toc = carry(fullToc, join(root, 'media', 'full'));
    const task = await runImport(b, importer, toc);
    expect(task.error).toBeNull();
    expect(task.created_resources).toEqual([versionHref(repoB, 1)]);
    expect((await b.sql('SELECT id FROM remotes')).length).toBe(0);
    expect(storedDigests(b).every((blob) => blob.intact)).toBe(true);
    await distribute(a, 'fedora', repoA);
    await distribute(b, 'fedora', repoB);
    const paths = [
      ...TITLES.map((title) => `/pulp/content/fedora/40-amd64/${title}`),
      '/pulp/content/fedora/40/arm64/vmlinuz',
      '/pulp/content/fedora/40/arm64/initrd.img',
    ];
    for (const path of paths) {
      const [fromA, fromB] = [await get(a, path), await get(b, path)];
      expect(fromB.status, path).toBe(200);
      expect(fromB.body.equals(fromA.body), path).toBe(true);
    }
    // A generated .treeinfo carries the serving version's creation time; everything else (checksums too) matches.
    const tree = async (stack: Stack) =>
      (await get(stack, '/pulp/content/fedora/40-amd64/.treeinfo')).body
        .toString()
        .replace(/^(build_)?timestamp = \d+$/gm, '');
    expect(await tree(b)).toBe(await tree(a));
    expect(await tree(b)).toContain('[checksums]');
    const inspect = async (stack: Stack, ref: string) =>
      (
        await run(
          'skopeo',
          ['inspect', '--raw', '--tls-verify=false', `docker://${new URL(stack.contentUrl).host}/fedora:${ref}`],
          {
            timeout: 60_000,
            encoding: 'buffer',
          },
        )
      ).stdout as Buffer;
    for (const ref of ['40', '40-amd64', '40-arm64']) {
      const fromB = await inspect(b, ref);
      expect(fromB.equals(await inspect(a, ref)), ref).toBe(true);
    }
    expect(sha256Digest(await inspect(b, '40'))).toBe(fedora.index.digest);
    const layout = join(root, 'skopeo-b');
    await run(
      'skopeo',
      [
        'copy',
        '--src-tls-verify=false',
        `docker://${new URL(b.contentUrl).host}/fedora:40-amd64`,
        `oci:${layout}:40-amd64`,
      ],
      { timeout: 60_000 },
    );
    const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
    expect(index.manifests[0]!.digest).toBe(fedora.amd64.digest);
  });

  it('importing the same export again creates nothing', async () => {
    const before = await contentRows(b);
    const task = await runImport(b, importer, join(root, 'media', 'full', basename(fullToc)));
    expect(task.state).toBe('completed');
    expect(task.created_resources).toEqual([]);
    expect(await latestVersion(b, repoB)).toBe(1);
    expect(await contentRows(b)).toBe(before);
  });

  it('an incremental export carries only the blobs added since the start version', async () => {
    const pxelinux = fedora.amd64.blobs.get(
      fedora.amd64.layers.find((l) => l.annotations?.['org.opencontainers.image.title'] === 'pxelinux.0')!.digest,
    )!;
    const f41 = buildNetbootArtifact({
      files: {
        vmlinuz: makeFile(96 * 1024, 'f41-vmlinuz'),
        'initrd.img': makeFile(160 * 1024, 'f41-initrd'),
        'pxelinux.0': pxelinux,
      },
    });
    await pushArtifact(registry.url, UPSTREAM, '41-amd64', f41);
    // Signed with cosign and synced under `record`: A holds a verdict on every manifest, verified for 41 only.
    const cosign = cosignKeyPair();
    const reference = `${new URL(registry.url).host}/${UPSTREAM}:41-amd64`;
    const payload = cosignPayload(reference, f41.digest);
    await pushCosignSignature(registry.url, UPSTREAM, f41.digest, payload, cosign.privateKey);
    const remote = await createRemote(a, {
      url: registry.url,
      upstream_name: UPSTREAM,
      policy: 'immediate',
      include_tags: ['40', '40-amd64', '40-arm64', '41-amd64'],
      signature_policy: 'record',
      signature_keys: [cosign.publicPem],
    });
    expect((await sync(a, repoA, remote)).state).toBe('completed');
    expect(await latestVersion(a, repoA)).toBe(2);
    const recorded = await verdicts(a);
    expect(recorded.find((v) => v.digest === f41.digest)).toMatchObject({ state: 'verified', kind: 'cosign' });

    const { toc, tocPath } = await runExport(a, exporter, {
      versions: [versionHref(repoA, 2)],
      start_versions: [versionHref(repoA, 1)],
    });
    // The new files, and the verified cosign signature the sync mirrored with them (its payload; its `{}` config
    // is the empty blob version 1 already holds).
    const fresh = [sha256Digest(makeFile(96 * 1024, 'f41-vmlinuz')), sha256Digest(makeFile(160 * 1024, 'f41-initrd'))];
    expect(toc.content.blobs.map((blob) => blob.digest).sort()).toEqual([...fresh, sha256Digest(payload)].sort());
    expect(toc.content.blob_bytes).toBe(256 * 1024 + payload.length);
    const manifests = toc.content.manifests.map((m) => m.digest);
    expect(manifests).toHaveLength(2);
    expect(manifests).toContain(f41.digest);
    expect(toc.content.repositories[0]).toMatchObject({ version: 2, start_version: 1 });
    // Verdicts ride for the whole version, old manifests included: a later sync may have changed theirs.
    expect(toc.content.verdicts.map((v) => v.digest).sort()).toEqual(
      [fedora.index.digest, fedora.amd64.digest, fedora.arm64.digest, f41.digest].sort(),
    );
    const size = toc.files.reduce((sum, file) => sum + file.size, 0);
    expect(size).toBeLessThan(fullSize / 2);
    console.info(
      `export sizes: full ${fullSize} bytes, incremental ${size} bytes (${toc.content.blob_bytes} of blobs)`,
    );

    const carried = carry(tocPath, join(root, 'media', 'incremental'));
    const task = await runImport(b, importer, carried);
    expect(task.error).toBeNull();
    expect(task.created_resources).toEqual([versionHref(repoB, 2)]);
    for (const path of ['/pulp/content/fedora/41-amd64/vmlinuz', '/pulp/content/fedora/41-amd64/pxelinux.0']) {
      await expect.poll(async () => (await get(b, path)).status, { timeout: 10_000 }).toBe(200);
      expect((await get(b, path)).body.equals((await get(a, path)).body), path).toBe(true);
    }
    // B holds A's verdicts as A recorded them, and a require_verified distribution on B acts on them.
    expect(await verdicts(b)).toEqual(recorded);
    await distribute(b, 'fedora-verified', repoB, { require_verified: true });
    expect((await get(b, '/pulp/content/fedora-verified/41-amd64/vmlinuz')).status).toBe(200);
    const refused = await get(b, '/pulp/content/fedora-verified/40-amd64/vmlinuz');
    expect(refused.status).toBe(403);
    expect(refused.body.toString()).toContain('is not verified: unsigned');

    // A verdict B recorded later (its own sync, say) survives importing the older one again.
    await b.sql(
      `UPDATE manifest_signatures SET state = 'invalid', kind = NULL, reason = 'checked here later',
         checked_at = now() + interval '1 hour' WHERE manifest_id = (SELECT id FROM manifests WHERE digest = $1)`,
      [f41.digest],
    );
    expect((await runImport(b, importer, carried)).created_resources).toEqual([]);
    expect((await verdicts(b)).find((v) => v.digest === f41.digest)).toMatchObject({
      state: 'invalid',
      reason: 'checked here later',
    });
  });

  it('lists exports with their paths and TOC, and deletes a record without touching its files', async () => {
    const { data } = await exportersNetbootPulpExportsList({
      client: a.client,
      path: { id: idOf(exporter) },
      throwOnError: true,
    });
    expect(data.count).toBe(2);
    expect(data.results[0]!.params.start_versions).toEqual([versionHref(repoA, 1)]);
    expect(data.results[1]!.toc_info!.file).toBe(fullToc);
    await exportersNetbootPulpExportsDelete({
      client: a.client,
      path: { id: idOf(exporter), export_id: idOf(data.results[1]!.pulp_href) },
      throwOnError: true,
    });
    expect(existsSync(fullToc)).toBe(true);
    expect(statSync(fullToc).size).toBeGreaterThan(0);
  });
});
