import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOOT_MARKER, buildInitrd, buildUki, prepareNetbootBinaries } from '../netboot/support/fixtures';
import { requireNetbootHost } from '../netboot/support/host-deps';
import { bootVm, HARD_TIMEOUT_SECONDS } from '../netboot/support/qemu';
import { GUEST_HOST, type NetbootScenario, startNetbootScenario } from '../netboot/support/scenario';
import { rgwEnv, useRgw } from '../support/rgw';

const TAG = '12-amd64';
const UKI_TITLE = 'uki.efi';
const KERNEL_ARGS = 'console=ttyS0 panic=-1 quiet';
const BOOT_TEST_TIMEOUT_MS = (HARD_TIMEOUT_SECONDS + 30) * 1000;

/**
 * Network boots whose kernel, initrd and UKI requests bootdepot may answer with a 302 to a presigned URL of the
 * run's RGW (CONTENT_REDIRECT=presigned). iPXE follows the 302s. OVMF's UEFI HTTP boot client (edk2 2022.11) does
 * not: redirected, it printed "HTTP ERROR: Resource Redirected. … Redirection: 302 Found / Error: Unexpected
 * network error." and failed the boot (measured here, 2026-11-30), so bootdepot streams to it instead.
 * The guest reaches the RGW as 10.0.2.2 (qemu's user network maps it to the host's loopback), so the URLs are
 * signed for that address (S3_PUBLIC_ENDPOINT).
 */
describe('network boot through presigned redirects to Ceph RGW (qemu, TCG)', () => {
  let scenario: NetbootScenario;
  let manifestDigest: string;
  let work: string;
  const logDir = join(tmpdir(), 'bootdepot-netboot-logs');
  const nonces = { bios: `s3-${randomBytes(6).toString('hex')}`, uefi: `s3-${randomBytes(6).toString('hex')}` };

  beforeAll(async () => {
    requireNetbootHost();
    const rgw = await useRgw();
    const env = rgwEnv(rgw, `netboot-${randomUUID()}/`);
    process.env.AWS_ACCESS_KEY_ID = env.AWS_ACCESS_KEY_ID;
    process.env.AWS_SECRET_ACCESS_KEY = env.AWS_SECRET_ACCESS_KEY;
    const binaries = prepareNetbootBinaries();
    work = mkdtempSync(join(tmpdir(), 'bootdepot-s3-netboot-'));
    mkdirSync(logDir, { recursive: true });
    const initrd = buildInitrd(binaries.busybox);
    const uki = buildUki({
      stub: binaries.stub,
      vmlinuz: binaries.vmlinuz,
      initrd,
      cmdline: `${KERNEL_ARGS} bootdepot.nonce=${nonces.uefi}`,
      out: join(work, UKI_TITLE),
    });
    scenario = await startNetbootScenario({
      kernelArgs: KERNEL_ARGS,
      env: {
        ...env,
        CONTENT_REDIRECT: 'presigned',
        S3_PUBLIC_ENDPOINT: rgw.endpoint.replace('127.0.0.1', GUEST_HOST),
      },
    });
    manifestDigest = await scenario.publish(TAG, {
      vmlinuz: readFileSync(binaries.vmlinuz),
      'initrd.img': initrd,
      [UKI_TITLE]: uki,
    });
  }, 600_000);
  afterAll(async () => {
    await scenario?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it(
    'BIOS + iPXE follows the 302s for kernel and initrd and boots',
    async () => {
      const since = scenario.relay.entries.length;
      const result = await bootVm({
        mode: 'bios-ipxe',
        bootUrl: `${scenario.guestRoot}/${TAG}/boot.ipxe?args=bootdepot.nonce=${nonces.bios}`,
        expectLine: `${BOOT_MARKER} nonce=${nonces.bios}`,
        logPath: join(logDir, 's3-bios-ipxe.log'),
      });
      console.log(`bios-ipxe: ${result.ok ? 'booted' : result.reason} after ${result.seconds.toFixed(1)} s`);
      console.log(scenario.relay.format(since));
      expect(result.ok, result.reason).toBe(true);
      const pinned = `/pulp/content/${scenario.basePath}/${manifestDigest}/images/pxeboot`;
      for (const name of ['vmlinuz', 'initrd.img']) {
        expect(scenario.relay.served(`${pinned}/${name}`, since).map((e) => e.status)).toEqual([302]);
      }
    },
    BOOT_TEST_TIMEOUT_MS,
  );

  it(
    "OVMF's UEFI HTTP boot client, which does not follow redirects, gets the UKI streamed and boots",
    async () => {
      const since = scenario.relay.entries.length;
      const path = `/pulp/content/${scenario.basePath}/${manifestDigest}/${UKI_TITLE}`;
      const result = await bootVm({
        mode: 'uefi-http',
        bootUrl: `${scenario.guestOrigin}${path}`,
        expectLine: `${BOOT_MARKER} nonce=${nonces.uefi}`,
        logPath: join(logDir, 's3-uefi-http.log'),
      });
      console.log(`uefi-http: ${result.ok ? 'booted' : result.reason} after ${result.seconds.toFixed(1)} s`);
      console.log(scenario.relay.format(since));
      expect(result.ok, result.reason).toBe(true);
      const served = scenario.relay.served(path, since);
      expect(served.map((e) => `${e.method} ${e.status} ${e.userAgent}`)).toContain('GET 200 UefiHttpBoot/1.0');
      expect(served.map((e) => e.status)).not.toContain(302);
    },
    BOOT_TEST_TIMEOUT_MS,
  );
});
