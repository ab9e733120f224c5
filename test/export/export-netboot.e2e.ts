import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOOT_MARKER, buildInitrd, prepareNetbootBinaries } from '../netboot/support/fixtures';
import { requireNetbootHost } from '../netboot/support/host-deps';
import { bootVm, HARD_TIMEOUT_SECONDS } from '../netboot/support/qemu';
import { type BootSite, type NetbootScenario, startBootSite, startNetbootScenario } from '../netboot/support/scenario';
import { carry, createExporter, createImporter, runExport, runImport } from './export-helpers';

const TAG = '12-amd64';
const KERNEL_ARGS = 'console=ttyS0 panic=-1 quiet';
const BOOT_TEST_TIMEOUT_MS = (HARD_TIMEOUT_SECONDS + 30) * 1000;

/**
 * The disconnected site boots machines: site A syncs a bootable artifact (a Debian kernel and a busybox
 * initrd) from a registry and exports it; A and the registry are then stopped, so site B (its own database,
 * Redis prefix and storage, no remote) has nothing to reach but the copied files. B imports them, and a qemu
 * guest boots through B's boot.ipxe with kernel and initrd served by B.
 */
describe('network boot from a site that imported an export (qemu, TCG)', () => {
  let a: NetbootScenario | undefined;
  let b: BootSite;
  let root: string;
  let manifestDigest: string;
  let files: Record<string, Buffer>;
  let imported: Awaited<ReturnType<typeof runImport>>;
  const logDir = join(tmpdir(), 'bootdepot-netboot-logs');
  const nonce = `export-${randomBytes(6).toString('hex')}`;

  beforeAll(async () => {
    requireNetbootHost();
    const binaries = prepareNetbootBinaries();
    mkdirSync(logDir, { recursive: true });
    root = mkdtempSync(join(tmpdir(), 'bootdepot-export-netboot-'));
    mkdirSync(join(root, 'exports'));
    mkdirSync(join(root, 'media'));
    files = { vmlinuz: readFileSync(binaries.vmlinuz), 'initrd.img': buildInitrd(binaries.busybox) };
    a = await startNetbootScenario({ env: { ALLOWED_EXPORT_PATHS: join(root, 'exports') } });
    manifestDigest = await a.publish(TAG, files);
    const exporter = await createExporter(a.stack, join(root, 'exports', 'site-b'), [a.repositoryHref]);
    const { tocPath } = await runExport(a.stack, exporter, { versions: [`${a.repositoryHref}versions/1/`] });
    const toc = carry(tocPath, join(root, 'media', 'usb'));
    const repositoryName = a.repositoryName;
    await a.stop();
    a = undefined;

    b = await startBootSite({ kernelArgs: KERNEL_ARGS, env: { ALLOWED_IMPORT_PATHS: join(root, 'media') } });
    const importer = await createImporter(b.stack, { [repositoryName]: b.repositoryHref });
    imported = await runImport(b.stack, importer, toc);
  }, 600_000);

  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it("imports into B, which has no remote, and B's boot.ipxe pins the exported manifest on B's own origin", async () => {
    expect(imported.error).toBeNull();
    expect(imported.created_resources).toEqual([`${b.repositoryHref}versions/1/`]);
    expect(await b.stack.sql('SELECT id FROM remotes')).toEqual([]);
    const res = await fetch(`${b.hostRoot}/${TAG}/boot.ipxe?args=bootdepot.nonce=probe`);
    expect(res.status).toBe(200);
    const kernel = (await res.text()).split('\n').find((line) => line.startsWith('kernel '));
    expect(kernel?.split(' ')[1]).toBe(`${b.guestRoot}/${manifestDigest}/images/pxeboot/vmlinuz`);
  });

  it(
    "boots BIOS + iPXE through B's boot.ipxe, kernel and initrd served whole by B",
    async () => {
      const since = b.relay.entries.length;
      const result = await bootVm({
        mode: 'bios-ipxe',
        bootUrl: `${b.guestRoot}/${TAG}/boot.ipxe?args=bootdepot.nonce=${nonce}`,
        expectLine: `${BOOT_MARKER} nonce=${nonce}`,
        logPath: join(logDir, 'export-bios-ipxe.log'),
      });
      console.log(`export bios-ipxe: ${result.ok ? 'booted' : result.reason} after ${result.seconds.toFixed(1)} s`);
      console.log(b.relay.format(since));
      expect(result.ok, result.reason).toBe(true);
      const pinned = `/pulp/content/${b.basePath}/${manifestDigest}/images/pxeboot`;
      for (const name of ['vmlinuz', 'initrd.img']) {
        const gets = b.relay.served(`${pinned}/${name}`, since).filter((e) => e.method === 'GET' && e.status === 200);
        expect(
          gets.map((e) => e.bytes),
          `${name} not served whole by B`,
        ).toContain(files[name]!.length);
      }
    },
    BOOT_TEST_TIMEOUT_MS,
  );
});
