import { parseTreeinfo } from '@app/netboot';
import { readdirSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildNetbootArtifact, makeFile, type NetbootArtifact } from '../support/push';
import { type Stack, startStack } from '../support/stack';
import { header, raw } from './support/http';
import { buildIndex, Seeder } from './support/seed';
import { sentBySendfile } from '../../apps/content/src/http/testing/sent-by-sendfile';

const KiB = 1024;
const MiB = 1024 * KiB;

describe('content app: /pulp/content', () => {
  let stack: Stack;
  let seed: Seeder;
  let repoId: string;
  let amd64: NetbootArtifact;
  let arm64: NetbootArtifact;
  let bare: NetbootArtifact;
  const files = {
    vmlinuz: makeFile(300 * KiB, 'vmlinuz'),
    'initrd.img': makeFile(3 * MiB, 'initrd'),
    'install.img': makeFile(40 * KiB, 'install'),
    'boot.iso': makeFile(2 * MiB + 17, 'iso'),
    'shimx64.efi': makeFile(9 * KiB, 'shim'),
    'grubx64.efi': makeFile(7 * KiB, 'grub'),
    'pxelinux.0': makeFile(5 * KiB, 'pxelinux'),
  };
  const get = (path: string, headers: Record<string, string> = {}) => raw(stack.contentUrl, path, { headers });
  const head = (path: string, headers: Record<string, string> = {}) =>
    raw(stack.contentUrl, path, { method: 'HEAD', headers });

  beforeAll(async () => {
    stack = await startStack({ worker: false });
    seed = await Seeder.open(stack);
    amd64 = buildNetbootArtifact({ files });
    arm64 = buildNetbootArtifact({
      files: { vmlinuz: makeFile(100 * KiB, 'arm-k'), 'initrd.img': makeFile(200 * KiB, 'arm-i') },
    });
    bare = buildNetbootArtifact({ files: { 'README.txt': Buffer.from('not bootable\n') } });
    repoId = await seed.repository('fedora');
    await seed.version(repoId, {
      tags: {
        '40-amd64': amd64,
        '40': buildIndex([
          { artifact: amd64, architecture: 'amd64', osVersion: 'fedora-40' },
          { artifact: arm64, architecture: 'arm64', osVersion: 'fedora-40' },
        ]),
        notes: bare,
        big: buildNetbootArtifact({ files: { 'boot.iso': makeFile(64 * MiB, 'big') } }),
      },
    });
    await seed.distribution('fedora', repoId, { kernelArgs: 'console=ttyS0' });
    const hiddenRepo = await seed.repository('secret');
    await seed.version(hiddenRepo, { tags: { '1-amd64': arm64 } });
    await seed.distribution('lab/secret', hiddenRepo, { hidden: true });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  describe('URL forms', () => {
    it('serves <tag>/<title> with the file bytes and the HTTP metadata', async () => {
      const res = await get('/pulp/content/fedora/40-amd64/vmlinuz');
      expect(res.status).toBe(200);
      expect(res.body.equals(files.vmlinuz)).toBe(true);
      expect(header(res, 'content-length')).toBe(String(files.vmlinuz.length));
      expect(header(res, 'etag')).toBe(`"${amd64.layers[0].digest}"`);
      expect(header(res, 'accept-ranges')).toBe('bytes');
      expect(header(res, 'cache-control')).toMatch(/max-age=30, must-revalidate/);
      const [version] = await stack.sql<{ pulp_created: Date }>(
        `SELECT pulp_created FROM repository_versions WHERE repository_id = $1 AND number = 1`,
        [repoId],
      );
      expect(header(res, 'last-modified')).toBe(version.pulp_created.toUTCString());
    });

    it('serves small and large files alike (memory cache and FileHandle path)', async () => {
      for (const title of ['pxelinux.0', 'initrd.img', 'pxelinux.0', 'initrd.img'] as const) {
        const res = await get(`/pulp/content/fedora/40-amd64/${title}`);
        expect(res.body.equals(files[title])).toBe(true);
      }
    });

    it('serves <index tag>/<arch>/<title> with OCI and RPM arch names', async () => {
      for (const arch of ['amd64', 'x86_64']) {
        const res = await get(`/pulp/content/fedora/40/${arch}/initrd.img`);
        expect(res.status).toBe(200);
        expect(res.body.equals(files['initrd.img'])).toBe(true);
      }
      for (const arch of ['arm64', 'aarch64']) {
        const res = await get(`/pulp/content/fedora/40/${arch}/vmlinuz`);
        expect(res.body.equals(makeFile(100 * KiB, 'arm-k'))).toBe(true);
      }
      expect((await get('/pulp/content/fedora/40/s390x/vmlinuz')).status).toBe(404);
      expect((await get('/pulp/content/fedora/40/amd64/nothing')).status).toBe(404);
    });

    it('serves the kickstart-tree view and never invents missing files', async () => {
      const tree: Record<string, Buffer> = {
        'images/pxeboot/vmlinuz': files.vmlinuz,
        'images/pxeboot/initrd.img': files['initrd.img'],
        'images/install.img': files['install.img'],
        'images/boot.iso': files['boot.iso'],
        'EFI/BOOT/grubx64.efi': files['grubx64.efi'],
        'EFI/BOOT/BOOTX64.EFI': files['shimx64.efi'],
        'pxelinux.0': files['pxelinux.0'],
      };
      for (const [path, bytes] of Object.entries(tree)) {
        const res = await get(`/pulp/content/fedora/40-amd64/${path}`);
        expect(res.status, path).toBe(200);
        expect(res.body.equals(bytes), path).toBe(true);
      }
      const arm = await get('/pulp/content/fedora/40/aarch64/images/pxeboot/initrd.img');
      expect(arm.status).toBe(200);
      expect((await get('/pulp/content/fedora/40/aarch64/images/boot.iso')).status).toBe(404);
      expect((await get('/pulp/content/fedora/40/aarch64/images/install.img')).status).toBe(404);
      expect((await get('/pulp/content/fedora/notes/images/pxeboot/vmlinuz')).status).toBe(404);
      expect((await get('/pulp/content/fedora/notes/boot.ipxe')).status).toBe(404);
      expect((await get('/pulp/content/fedora/notes/.treeinfo')).status).toBe(404);
    });

    it('pins sha256:<manifest>/… immutably: the bytes survive the tag moving', async () => {
      const pinned = `/pulp/content/fedora/${amd64.digest}/images/pxeboot/vmlinuz`;
      const before = await get(pinned);
      expect(before.status).toBe(200);
      expect(header(before, 'cache-control')).toBe('public, max-age=31536000, immutable');
      const index = await get(`/pulp/content/fedora/40/x86_64/vmlinuz`);
      expect(index.body.equals(files.vmlinuz)).toBe(true);

      const moved = buildNetbootArtifact({ files: { ...files, vmlinuz: makeFile(300 * KiB, 'vmlinuz-2') } });
      const repo2 = await seed.repository('rawhide');
      await seed.version(repo2, { tags: { rawhide: amd64 } });
      await seed.distribution('rawhide', repo2);
      expect((await get('/pulp/content/rawhide/rawhide/vmlinuz')).body.equals(files.vmlinuz)).toBe(true);
      await seed.version(repo2, { tags: { rawhide: moved } });
      // The invalidation published by the seeder reached the content app: the tag now serves the new bytes.
      expect((await get('/pulp/content/rawhide/rawhide/vmlinuz')).body.equals(makeFile(300 * KiB, 'vmlinuz-2'))).toBe(
        true,
      );
      // The old manifest is no longer in the version: pinning it in this distribution is gone too.
      expect((await get(`/pulp/content/rawhide/${amd64.digest}/vmlinuz`)).status).toBe(404);
      expect((await get(`/pulp/content/rawhide/${moved.digest}/vmlinuz`)).status).toBe(200);
      expect((await get(`/pulp/content/fedora/sha256:${'0'.repeat(64)}/vmlinuz`)).status).toBe(404);
    });

    it('generates a .treeinfo that a productmd reader accepts as a bootable tree', async () => {
      const res = await get('/pulp/content/fedora/40/x86_64/.treeinfo');
      expect(res.status).toBe(200);
      const doc = parseTreeinfo(res.body.toString());
      expect(doc.header).toEqual({ type: 'productmd.treeinfo', version: '1.2' });
      expect(doc.tree.arch).toBe('x86_64');
      expect(doc.release.name).toBe('Fedora');
      expect(doc.release.version).toBe('40');
      expect(doc['images-x86_64']).toMatchObject({
        kernel: 'images/pxeboot/vmlinuz',
        initrd: 'images/pxeboot/initrd.img',
        'boot.iso': 'images/boot.iso',
      });
      expect(doc.stage2).toEqual({ mainimage: 'images/install.img' });
      const byTitle = new Map(amd64.layers.map((l) => [l.annotations!['org.opencontainers.image.title'], l.digest]));
      expect(doc.checksums['images/pxeboot/vmlinuz']).toBe(byTitle.get('vmlinuz'));
      expect(doc.checksums['EFI/BOOT/BOOTX64.EFI']).toBe(byTitle.get('shimx64.efi'));
      // Foreman counts a tree as bootable when an image path mentions vmlinuz/pxeboot/initrd.img.
      expect(Object.values(doc['images-x86_64']).some((p) => /vmlinuz|pxeboot|initrd\.img/.test(p))).toBe(true);
      const single = parseTreeinfo((await get('/pulp/content/fedora/40-amd64/.treeinfo')).body.toString());
      expect(single.tree.arch).toBe('x86_64');
      const arm = parseTreeinfo((await get('/pulp/content/fedora/40/arm64/.treeinfo')).body.toString());
      expect(arm.tree.arch).toBe('aarch64');
      expect(arm.stage2).toBeUndefined();
    });

    it('generates boot.ipxe with digest-pinned absolute URLs that boot the same bytes', async () => {
      const res = await get('/pulp/content/fedora/40-amd64/boot.ipxe');
      expect(res.status).toBe(200);
      const script = res.body.toString();
      const tree = `${stack.contentUrl}/pulp/content/fedora/${amd64.digest}/`;
      expect(script).toMatch(/^#!ipxe\n/);
      expect(script).toContain('isset ${net0/ip} || dhcp');
      expect(script).toContain(`kernel ${tree}images/pxeboot/vmlinuz initrd=initrd.img`);
      expect(script).toContain(`inst.stage2=${tree}`);
      expect(script).toContain(`inst.repo=${tree}`);
      expect(script).toContain('console=ttyS0');
      expect(script).toContain(`initrd --name initrd.img ${tree}images/pxeboot/initrd.img`);
      const kernelUrl = /kernel (\S+)/.exec(script)![1];
      const kernel = await fetch(kernelUrl);
      expect(Buffer.from(await kernel.arrayBuffer()).equals(files.vmlinuz)).toBe(true);
      const viaIndex = (await get('/pulp/content/fedora/40/amd64/boot.ipxe')).body.toString();
      expect(viaIndex).toContain(`kernel ${tree}images/pxeboot/vmlinuz`);
    });

    it('appends validated per-host ?args= and refuses script injection', async () => {
      const ok = await get(
        '/pulp/content/fedora/40-amd64/boot.ipxe?args=ip%3Ddhcp%20inst.ks%3Dhttp%3A%2F%2Fks%2Fa.cfg',
      );
      expect(ok.status).toBe(200);
      expect(ok.body.toString()).toMatch(/console=ttyS0 ip=dhcp inst\.ks=http:\/\/ks\/a\.cfg\n/);
      for (const bad of ['%24%7Breboot%7D', 'a%0Aboot', 'x%3Bshell', 'a%22b', 'x'.repeat(1100)]) {
        const res = await get(`/pulp/content/fedora/40-amd64/boot.ipxe?args=${bad}`);
        expect(res.status, bad).toBe(400);
      }
    });

    it('generates grub.cfg for UEFI HTTP boot', async () => {
      const res = await get('/pulp/content/fedora/40-amd64/grub.cfg?args=ip%3Ddhcp');
      expect(res.status).toBe(200);
      const host = new URL(stack.contentUrl).host;
      const cfg = res.body.toString();
      expect(cfg).toContain(`linux (http,${host})/pulp/content/fedora/${amd64.digest}/images/pxeboot/vmlinuz`);
      expect(cfg).toContain(`initrd (http,${host})/pulp/content/fedora/${amd64.digest}/images/pxeboot/initrd.img`);
      expect(cfg).toMatch(/console=ttyS0 ip=dhcp/);
    });
  });

  describe('listings', () => {
    const json = { accept: 'application/json' };
    const names = (body: Buffer) =>
      (JSON.parse(body.toString()) as { entries: { name: string }[] }).entries.map((e) => e.name);

    it('lists distributions at /pulp/content/ without hidden ones', async () => {
      const res = await get('/pulp/content/', json);
      expect(res.status).toBe(200);
      expect(names(res.body)).toEqual(expect.arrayContaining(['fedora']));
      expect(names(res.body)).not.toContain('lab');
      const html = await get('/pulp/content/');
      expect(header(html, 'content-type')).toMatch(/text\/html/);
      expect(html.body.toString()).toContain('href="/pulp/content/fedora/"');
      expect(header(html, 'x-content-type-options')).toBe('nosniff');
      expect(header(html, 'content-security-policy')).toContain("default-src 'none'");
      expect(header(html, 'x-frame-options')).toBe('DENY');
      expect((await get('/pulp/content/lab/')).status).toBe(404);
    });

    it('lists tags, architectures, artifact roots and tree folders', async () => {
      expect(names((await get('/pulp/content/fedora/', json)).body)).toEqual(['40', '40-amd64', 'big', 'notes']);
      expect(names((await get('/pulp/content/fedora/40/', json)).body)).toEqual(['amd64', 'arm64']);
      const root = names((await get('/pulp/content/fedora/40-amd64/', json)).body);
      expect(root).toEqual(
        expect.arrayContaining(['.treeinfo', 'EFI', 'boot.ipxe', 'grub.cfg', 'images', 'vmlinuz', 'pxelinux.0']),
      );
      expect(names((await get('/pulp/content/fedora/40-amd64/images', json)).body)).toEqual([
        'boot.iso',
        'install.img',
        'pxeboot',
      ]);
      expect(names((await get('/pulp/content/fedora/40-amd64/images/pxeboot/', json)).body)).toEqual([
        'initrd.img',
        'vmlinuz',
      ]);
      const html = (await get('/pulp/content/fedora/40-amd64/EFI/BOOT/')).body.toString();
      expect(html).toContain('href="/pulp/content/fedora/40-amd64/EFI/BOOT/BOOTX64.EFI"');
    });

    it('hides a hidden distribution listing but still serves its files', async () => {
      expect((await get('/pulp/content/lab/secret/', json)).status).toBe(404);
      expect((await get('/pulp/content/lab/secret/1-amd64/', json)).status).toBe(404);
      expect((await get('/pulp/content/lab/secret/1-amd64/vmlinuz')).status).toBe(200);
    });
  });

  describe('HTTP rules', () => {
    const iso = '/pulp/content/fedora/40-amd64/images/boot.iso';
    const size = files['boot.iso'].length;

    it('answers HEAD with the GET headers and no body', async () => {
      const res = await head(iso);
      expect(res.status).toBe(200);
      expect(res.body.length).toBe(0);
      expect(header(res, 'content-length')).toBe(String(size));
      expect(header(res, 'accept-ranges')).toBe('bytes');
      expect(header(res, 'etag')).toMatch(/^"sha256:[a-f0-9]{64}"$/);
      expect(header(res, 'last-modified')).toBeDefined();
    });

    it('serves single ranges: closed, open-ended, suffix', async () => {
      for (const [range, start, end] of [
        ['bytes=0-99', 0, 99],
        [`bytes=${size - 10}-`, size - 10, size - 1],
        ['bytes=-500', size - 500, size - 1],
        ['bytes=1000-9999999999', 1000, size - 1],
      ] as const) {
        const res = await get(iso, { range });
        expect(res.status, range).toBe(206);
        expect(header(res, 'content-range')).toBe(`bytes ${start}-${end}/${size}`);
        expect(header(res, 'content-length')).toBe(String(end - start + 1));
        expect(res.body.equals(files['boot.iso'].subarray(start, end + 1))).toBe(true);
      }
      const small = await get('/pulp/content/fedora/40-amd64/pxelinux.0', { range: 'bytes=10-19' });
      expect(small.status).toBe(206);
      expect(small.body.equals(files['pxelinux.0'].subarray(10, 20))).toBe(true);
    });

    it('serves multiple ranges as multipart/byteranges', async () => {
      const res = await get(iso, { range: 'bytes=0-9, 2000000-2000009' });
      expect(res.status).toBe(206);
      const type = header(res, 'content-type')!;
      const boundary = /boundary=(\S+)/.exec(type)![1];
      expect(header(res, 'content-length')).toBe(String(res.body.length));
      const text = res.body.toString('latin1');
      const parts = text.split(`--${boundary}`).slice(1, -1);
      expect(parts).toHaveLength(2);
      expect(parts[0]).toContain(`Content-Range: bytes 0-9/${size}`);
      expect(parts[1]).toContain(`Content-Range: bytes 2000000-2000009/${size}`);
      const body = (part: string) => Buffer.from(part.split('\r\n\r\n')[1].replace(/\r\n$/, ''), 'latin1');
      expect(body(parts[0]).equals(files['boot.iso'].subarray(0, 10))).toBe(true);
      expect(body(parts[1]).equals(files['boot.iso'].subarray(2000000, 2000010))).toBe(true);
      expect(text.endsWith(`--${boundary}--\r\n`)).toBe(true);
    });

    it('has the kernel send stored files (sendfile), multipart parts included, and counts those bytes as served', async () => {
      const counter = async (name: string) => {
        const text = (await get('/metrics')).body.toString();
        // One series each here: the sendfile total ({role}) and the files area's bytes ({area, role}).
        const values = [...text.matchAll(new RegExp(`^${name}\\{(?:area="files",)?role="content"\\} (\\d+)$`, 'gm'))];
        expect(values, name).toHaveLength(1);
        return Number(values[0][1]);
      };
      const big = makeFile(64 * MiB, 'big');
      const servedBefore = await counter('bootdepot_content_bytes_served_total');
      const metricBefore = await counter('bootdepot_content_sendfile_bytes_total');
      let bodies = 0;
      const whole = await sentBySendfile(async () => {
        const res = await get('/pulp/content/fedora/big/boot.iso');
        expect(res.status).toBe(200);
        expect(res.body.equals(big)).toBe(true);
        bodies += res.body.length;
      }, 32 * MiB);
      // All but the first chunk (with the headers) and those written while the socket was full went by sendfile.
      expect(whole).toBeGreaterThan(32 * MiB);
      const parts = await sentBySendfile(async () => {
        const res = await get('/pulp/content/fedora/big/boot.iso', { range: 'bytes=0-1048575, 30000000-39999999' });
        expect(res.status).toBe(206);
        const second = res.body.toString('latin1').split('\r\n\r\n')[2].split('\r\n--')[0];
        expect(Buffer.from(second, 'latin1').equals(big.subarray(30000000, 40000000))).toBe(true);
        bodies += res.body.length;
      }, 5 * MiB);
      expect(parts).toBeGreaterThan(5 * MiB);
      expect((await counter('bootdepot_content_sendfile_bytes_total')) - metricBefore).toBeGreaterThanOrEqual(
        whole + parts,
      );
      // Bytes served count the kernel's bytes too (headers, the small /metrics answers and the copied chunks on top).
      expect((await counter('bootdepot_content_bytes_served_total')) - servedBefore).toBeGreaterThan(bodies);
    });

    it('answers unsatisfiable ranges with 416 and bytes */size', async () => {
      const res = await get(iso, { range: `bytes=${size}-` });
      expect(res.status).toBe(416);
      expect(header(res, 'content-range')).toBe(`bytes */${size}`);
    });

    it('answers conditional requests with 304', async () => {
      const first = await head(iso);
      const etag = header(first, 'etag')!;
      const modified = header(first, 'last-modified')!;
      expect((await get(iso, { 'if-none-match': etag })).status).toBe(304);
      expect((await get(iso, { 'if-modified-since': modified })).status).toBe(304);
      expect((await get(iso, { 'if-modified-since': new Date(0).toUTCString() })).status).toBe(200);
      expect((await get(iso, { 'if-none-match': '"other"' })).status).toBe(200);
      const stale = await get(iso, { range: 'bytes=0-9', 'if-range': '"other"' });
      expect(stale.status).toBe(200);
      expect(stale.body.length).toBe(size);
      const treeinfo = await get('/pulp/content/fedora/40-amd64/.treeinfo');
      expect(
        (await get('/pulp/content/fedora/40-amd64/.treeinfo', { 'if-none-match': header(treeinfo, 'etag')! })).status,
      ).toBe(304);
    });

    it('survives an iPXE sanboot pattern: HEAD then many small range reads', async () => {
      const probe = await head(iso);
      const total = Number(header(probe, 'content-length'));
      for (let i = 0; i < 64; i++) {
        const start = (i * 32771) % (total - 2048);
        const res = await get(iso, { range: `bytes=${start}-${start + 2047}` });
        expect(res.status).toBe(206);
        expect(res.body.equals(files['boot.iso'].subarray(start, start + 2048))).toBe(true);
      }
    });

    it.each([
      '/pulp/content/fedora/../../../etc/passwd',
      '/pulp/content/fedora/40-amd64/../../rawhide/rawhide/vmlinuz',
      '/pulp/content/fedora/%2e%2e/%2e%2e/etc/passwd',
      '/pulp/content/fedora/40-amd64/..%2f..%2fetc%2fpasswd',
      '/pulp/content/fedora/40-amd64/%252e%252e%252fvmlinuz',
      '/pulp/content/fedora/40-amd64/images%2fpxeboot%2fvmlinuz',
      '/pulp/content/fedora/40-amd64/.%00/vmlinuz',
      '/pulp/content/nope/40-amd64/vmlinuz',
      '/pulp/contentfedora/40-amd64/vmlinuz',
    ])('refuses %s with 404', async (path) => {
      expect((await get(path)).status).toBe(404);
    });

    it('answers a small file and .treeinfo asked again and again alike, whole, HEAD, conditional or ranged', async () => {
      for (const path of ['/pulp/content/fedora/40-amd64/pxelinux.0', '/pulp/content/fedora/40-amd64/.treeinfo']) {
        const first = await get(path);
        expect(first.status).toBe(200);
        // Sorted: a kept answer sends Content-Length after its other fields (HeaderBlock); their order means nothing.
        const stable = (res: typeof first) =>
          Object.entries(res.headers)
            .filter(([name]) => !['date', 'connection', 'keep-alive'].includes(name))
            .sort(([a], [b]) => a.localeCompare(b));
        for (let i = 0; i < 3; i++) {
          const again = await get(path);
          expect(again.status).toBe(200);
          expect(again.body.equals(first.body)).toBe(true);
          expect(stable(again)).toEqual(stable(first));
        }
        expect(header(first, 'x-content-type-options')).toBe('nosniff');
        const probe = await head(path);
        expect(probe.body.length).toBe(0);
        expect(stable(probe)).toEqual(stable(first));
        expect((await get(path, { 'if-none-match': header(first, 'etag')! })).status).toBe(304);
        const ranged = await get(path, { range: 'bytes=1-3' });
        expect(ranged.status).toBe(206);
        expect(ranged.body.equals(first.body.subarray(1, 4))).toBe(true);
      }
      expect((await get('/pulp/content/fedora/40-amd64/pxelinux.0')).body.equals(files['pxelinux.0'])).toBe(true);
    });

    it('serves the new bytes of a small file as soon as its tag moves, however often the old ones were asked', async () => {
      const repo = await seed.repository('moving');
      await seed.distribution('moving', repo);
      await seed.version(repo, {
        tags: { '1': buildNetbootArtifact({ files: { 'pxelinux.0': makeFile(2 * KiB, 'a') } }) },
      });
      for (let i = 0; i < 3; i++)
        expect((await get('/pulp/content/moving/1/pxelinux.0')).body.equals(makeFile(2 * KiB, 'a'))).toBe(true);
      await seed.version(repo, {
        tags: { '1': buildNetbootArtifact({ files: { 'pxelinux.0': makeFile(2 * KiB, 'b') } }) },
      });
      // Asked again and again: the first request after the change reloads the snapshot, the later ones must not
      // find the old answer kept in memory.
      for (let i = 0; i < 3; i++)
        expect((await get('/pulp/content/moving/1/pxelinux.0')).body.equals(makeFile(2 * KiB, 'b'))).toBe(true);
    });

    it('refuses methods other than GET and HEAD', async () => {
      const res = await raw(stack.contentUrl, '/pulp/content/fedora/40-amd64/vmlinuz', { method: 'DELETE' });
      expect(res.status).toBe(405);
    });

    it('releases file descriptors when clients abort mid-download', async () => {
      const fds = () => readdirSync('/proc/self/fd').length;
      // Warm up, so lazily opened descriptors (pools, sockets) are already counted.
      await get('/pulp/content/fedora/40-amd64/initrd.img');
      const before = fds();
      let open = 0;
      const url = new URL(stack.contentUrl);
      await Promise.all(
        Array.from(
          { length: 20 },
          (_, i) =>
            new Promise<void>((resolve) => {
              const req = httpRequest(
                {
                  host: url.hostname,
                  port: url.port,
                  path: '/pulp/content/fedora/big/boot.iso',
                  headers: i % 4 === 0 ? { range: 'bytes=100-' } : {},
                },
                (res) => {
                  res.once('data', () => {
                    open = Math.max(open, fds());
                    req.destroy();
                    resolve();
                  });
                },
              );
              req.on('error', () => resolve());
              req.end();
            }),
        ),
      );
      // While transfers ran, files and sockets were open; after the aborts, all of them are released.
      expect(open).toBeGreaterThan(before);
      // Closing is asynchronous (socket close events, FileHandle.close): wait for it, with a bound.
      await expect.poll(fds, { timeout: 5_000 }).toBeLessThanOrEqual(before);
      // The server still works afterwards.
      expect((await get('/pulp/content/fedora/40-amd64/vmlinuz')).status).toBe(200);
    });
  });
});
