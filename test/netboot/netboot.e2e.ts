import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOOT_MARKER, buildInitrd, buildUki, type NetbootBinaries, prepareNetbootBinaries } from './support/fixtures';
import { requireNetbootHost } from './support/host-deps';
import { bootVm, type BootMode, type BootResult, HARD_TIMEOUT_SECONDS } from './support/qemu';
import { type NetbootScenario, startNetbootScenario } from './support/scenario';

/**
 * The provisioning proof: a diskless qemu machine network-boots a real Debian kernel and a busybox initrd that
 * bootdepot synced from a registry and serves — under BIOS and UEFI through iPXE and bootdepot's boot.ipxe,
 * and through OVMF's own UEFI HTTP boot client with a unified kernel image. Each boot must print the nonce
 * this run gave it, and the content app must have served the files.
 */

const TAG = '12-amd64';
const UKI_TITLE = 'uki.efi';
const BOOT_TEST_TIMEOUT_MS = (HARD_TIMEOUT_SECONDS + 30) * 1000;
/** Keeps the console short and makes a panic end the run at once (qemu runs with -no-reboot). */
const KERNEL_ARGS = 'console=ttyS0 panic=-1 quiet';

const nonceFor = (mode: BootMode) => `${mode}-${randomBytes(6).toString('hex')}`;

describe('network boot from a bootdepot distribution (qemu, TCG)', () => {
  let scenario: NetbootScenario;
  let binaries: NetbootBinaries;
  let work: string;
  let manifestDigest: string;
  let files: Record<string, Buffer>;
  const logDir = join(tmpdir(), 'bootdepot-netboot-logs');
  const timings: string[] = [];
  // UEFI HTTP boot passes the UKI no command line, so the stub uses the one baked into the image: its nonce
  // is built into this run's UKI. The iPXE boots get theirs through boot.ipxe's ?args= (per-host arguments).
  const nonces: Record<BootMode, string> = {
    'bios-ipxe': nonceFor('bios-ipxe'),
    'uefi-ipxe': nonceFor('uefi-ipxe'),
    'uefi-http': nonceFor('uefi-http'),
  };

  beforeAll(async () => {
    requireNetbootHost();
    binaries = prepareNetbootBinaries();
    work = mkdtempSync(join(tmpdir(), 'bootdepot-netboot-'));
    mkdirSync(logDir, { recursive: true });
    const initrd = buildInitrd(binaries.busybox);
    const uki = buildUki({
      stub: binaries.stub,
      vmlinuz: binaries.vmlinuz,
      initrd,
      cmdline: `${KERNEL_ARGS} bootdepot.nonce=${nonces['uefi-http']}`,
      out: join(work, UKI_TITLE),
    });
    files = { vmlinuz: readFileSync(binaries.vmlinuz), 'initrd.img': initrd, [UKI_TITLE]: uki };
    scenario = await startNetbootScenario({ kernelArgs: KERNEL_ARGS });
    manifestDigest = await scenario.publish(TAG, files);
  }, 600_000);

  afterAll(async () => {
    if (timings.length)
      console.log(`netboot timings (${binaries.kernelPackage} ${binaries.kernelVersion}):\n${timings.join('\n')}`);
    await scenario?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** Boots once and returns the result with what the relay and bootdepot's byte counter saw meanwhile. */
  async function boot(mode: BootMode, bootUrl: string, label: string = mode) {
    const since = scenario.relay.entries.length;
    const bytesBefore = await scenario.filesBytesServed();
    const result: BootResult = await bootVm({
      mode,
      bootUrl,
      expectLine: `${BOOT_MARKER} nonce=${nonces[mode]}`,
      logPath: join(logDir, `${label}.log`),
    });
    const verdict = result.ok ? 'marker' : 'failure recognised';
    timings.push(
      `  ${label}: ${verdict} after ${result.seconds.toFixed(1)} s, qemu gone after ${result.totalSeconds.toFixed(1)} s`,
    );
    console.log(
      `${label}: ${result.ok ? 'booted' : 'no boot'} after ${result.seconds.toFixed(1)} s; served:\n${scenario.relay.format(since)}`,
    );
    const bytesWritten = (await scenario.filesBytesServed()) - bytesBefore;
    return { result, since, bytesWritten, userAgents: scenario.relay.entries.slice(since).map((e) => e.userAgent) };
  }

  /**
   * The relay saw a successful GET of `path` since `since`, with the whole body when `size` is given, and
   * bootdepot's own access log shows it served that path whole.
   */
  function expectServed(since: number, path: string, size?: number): void {
    const logged = scenario
      .accessLog()
      .filter(
        (line) =>
          line.method === 'GET' &&
          line.status === 200 &&
          line.complete &&
          decodeURIComponent(line.url.split('?')[0]!).endsWith(path),
      );
    expect(
      logged.length,
      `bootdepot's access log has no complete 200 GET of ${path}; it has:\n${scenario
        .accessLog()
        .map((line) => `${line.method} ${line.url} ${line.status} ${line.bytes} complete=${line.complete}`)
        .join('\n')}`,
    ).toBeGreaterThan(0);
    const gets = scenario.relay.served(path, since).filter((e) => e.method === 'GET' && e.status === 200);
    expect(gets.length, `no 200 GET of ${path}; served:\n${scenario.relay.format(since)}`).toBeGreaterThan(0);
    if (size !== undefined)
      expect(
        gets.map((e) => e.bytes),
        `${path} not served whole`,
      ).toContain(size);
  }

  it('serves a boot.ipxe that chains the kernel and initrd by digest-pinned URLs with the host arguments', async () => {
    const res = await fetch(`${scenario.hostRoot}/${TAG}/boot.ipxe?args=bootdepot.nonce=probe`);
    expect(res.status).toBe(200);
    const script = await res.text();
    const pinned = `${scenario.guestRoot}/${manifestDigest}/images/pxeboot`;
    expect(script).toContain('isset ${net0/ip} || dhcp');
    const kernel = script.split('\n').find((line) => line.startsWith('kernel '));
    expect(kernel?.split(' ')[1]).toBe(`${pinned}/vmlinuz`);
    expect(kernel?.split(' ')).toEqual(
      expect.arrayContaining(['initrd=initrd.img', 'console=ttyS0', 'bootdepot.nonce=probe']),
    );
    expect(script).toContain(`initrd --name initrd.img ${pinned}/initrd.img`);
  });

  for (const mode of ['bios-ipxe', 'uefi-ipxe'] as const) {
    const firmware = mode === 'bios-ipxe' ? 'BIOS (SeaBIOS)' : 'UEFI (OVMF)';
    it(
      `boots ${firmware} + iPXE from boot.ipxe and prints this run's nonce`,
      async () => {
        const url = `${scenario.guestRoot}/${TAG}/boot.ipxe?args=bootdepot.nonce=${nonces[mode]}`;
        const { result, since, bytesWritten, userAgents } = await boot(mode, url);
        expect(result.ok, result.reason).toBe(true);
        const pinned = `/pulp/content/${scenario.basePath}/${manifestDigest}/images/pxeboot`;
        expectServed(since, `/${TAG}/boot.ipxe`);
        expectServed(since, `${pinned}/vmlinuz`, files.vmlinuz.length);
        expectServed(since, `${pinned}/initrd.img`, files['initrd.img'].length);
        expect(
          userAgents.every((agent) => agent.startsWith('iPXE/')),
          userAgents.join(', '),
        ).toBe(true);
        // bootdepot's own counter agrees that it wrote at least the kernel and the initrd.
        expect(bytesWritten).toBeGreaterThanOrEqual(files.vmlinuz.length + files['initrd.img'].length);
      },
      BOOT_TEST_TIMEOUT_MS,
    );
  }

  it(
    "boots a unified kernel image by OVMF's native UEFI HTTP boot (no iPXE) and prints this run's nonce",
    async () => {
      const path = `/pulp/content/${scenario.basePath}/${manifestDigest}/${UKI_TITLE}`;
      const { result, since, bytesWritten, userAgents } = await boot('uefi-http', `${scenario.guestOrigin}${path}`);
      expect(result.ok, result.reason).toBe(true);
      expectServed(since, path, files[UKI_TITLE].length);
      // The firmware's own HTTP client fetched the image; nothing iPXE took part.
      expect(
        userAgents.some((agent) => agent.includes('iPXE')),
        userAgents.join(', '),
      ).toBe(false);
      expect(bytesWritten).toBeGreaterThanOrEqual(files[UKI_TITLE].length);
    },
    BOOT_TEST_TIMEOUT_MS,
  );

  it(
    'ends a boot that cannot succeed within seconds and says why (missing tag: 404, "No bootable device")',
    async () => {
      const { result, since } = await boot(
        'bios-ipxe',
        `${scenario.guestRoot}/no-such-tag/boot.ipxe`,
        'bios-ipxe-missing',
      );
      expect(result.ok).toBe(false);
      expect(result.reason).toMatch(/No bootable device/);
      expect(scenario.relay.served('/no-such-tag/boot.ipxe', since).map((e) => e.status)).toContain(404);
    },
    BOOT_TEST_TIMEOUT_MS,
  );
});
