import { execFileSync } from 'node:child_process';
import { randomBytes, X509Certificate } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeSignatureLists, EFI_CERT_X509_GUID } from '@app/security';
import { issueServerCertificate, makeTestCa, type ServerCertificate, type TestCa } from '../support/tls-pki';
import { buildEfiIso, EFI_ISO_COMMANDS } from './support/efi-iso';
import { BOOT_MARKER, buildInitrd, buildUki, type NetbootBinaries, prepareNetbootBinaries } from './support/fixtures';
import { requireNetbootHost } from './support/host-deps';
import { type HttpsLab, httpsLabMissing, LAB_SERVER_ADDRESS, startHttpsLab } from './support/https-lab';
import { bootVm, type BootResult, HARD_TIMEOUT_SECONDS } from './support/qemu';
import { type NetbootScenario, startNetbootScenario } from './support/scenario';

/**
 * Strict HTTPS provisioning, proven: OVMF's own HTTP boot client, given an https:// URL by DHCP and trusting
 * exactly the CA enrolled through fw_cfg (`bootdepot tls firmware-cacerts` output), boots a unified kernel image
 * and a whole boot.iso (mounted as a RAM disk) from an HTTPS-only bootdepot distribution; with another CA
 * enrolled, or a certificate whose SAN does not name the server address, the firmware refuses the server and
 * the test sees it on the serial console within seconds.
 */

const TAG = '12-amd64';
const KERNEL_ARGS = 'console=ttyS0 panic=-1 quiet';
const BOOT_TEST_TIMEOUT_MS = (HARD_TIMEOUT_SECONDS + 30) * 1000;
const CLI_MAIN = resolve(__dirname, '../../dist/apps/cli/src/main.js');
/** A refusal must show on the console this soon after DHCP gave the firmware its address, not at the timeout. */
const REFUSAL_WITHIN_SECONDS = 10;

const nonce = (what: string) => `${what}-${randomBytes(6).toString('hex')}`;

function requireHttpsBootHost(): void {
  requireNetbootHost();
  const missing = [...httpsLabMissing()];
  for (const [command, pkg] of EFI_ISO_COMMANDS) {
    try {
      execFileSync('sh', ['-c', 'command -v "$1"', 'sh', command], { stdio: 'ignore' });
    } catch {
      missing.push(`${pkg} (${command})`);
    }
  }
  if (!existsSync(CLI_MAIN)) missing.push(`a build of the CLI (${CLI_MAIN}: run npm run build)`);
  if (missing.length) {
    throw new Error(
      `the HTTPS boot tests need: ${[...new Set(missing)].join(', ')}. ` +
        'Debian: apt-get install --no-install-recommends dnsmasq-base socat xorriso mtools dosfstools iproute2',
    );
  }
}

/** `bootdepot tls firmware-cacerts` as an operator runs it: the built CLI, offline. */
function firmwareCacerts(ca: TestCa, out: string): string {
  execFileSync(process.execPath, [CLI_MAIN, 'tls', 'firmware-cacerts', '--ca', ca.cert, '-o', out], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return out;
}

describe('UEFI HTTPS boot from bootdepot (OVMF, TCG, test-owned network namespace)', () => {
  let binaries: NetbootBinaries;
  let work: string;
  let scenario: NetbootScenario;
  let lab: HttpsLab;
  let ca: TestCa;
  let goodCerts: string;
  let otherCerts: string;
  let good: ServerCertificate;
  let wrongSan: ServerCertificate;
  const live = { cert: '', key: '' };
  const files: Record<string, Buffer> = {};
  const logDir = join(tmpdir(), 'bootdepot-netboot-logs');
  const timings: string[] = [];
  const tlsFailures: string[] = [];
  let handshakes = 0;
  const nonces = { uki: nonce('https-uki'), iso: nonce('https-iso') };

  beforeAll(async () => {
    requireHttpsBootHost();
    binaries = prepareNetbootBinaries();
    work = mkdtempSync(join(tmpdir(), 'bootdepot-https-boot-'));
    mkdirSync(logDir, { recursive: true });

    ca = makeTestCa(join(work, 'pki'), 'bootdepot-boot-ca');
    const otherCa = makeTestCa(join(work, 'pki'), 'some-other-ca');
    // The firmware matches the URL's host against the SAN: the namespace address, as an IP entry.
    good = issueServerCertificate(join(work, 'good'), ca, 'content', [`IP:${LAB_SERVER_ADDRESS}`, 'IP:127.0.0.1']);
    wrongSan = issueServerCertificate(join(work, 'wrong-san'), ca, 'content', ['IP:10.213.0.2', 'DNS:elsewhere.test']);
    live.cert = join(work, 'live.crt');
    live.key = join(work, 'live.key');
    copyFileSync(good.cert, live.cert);
    copyFileSync(good.key, live.key);
    goodCerts = firmwareCacerts(ca, join(work, 'cacerts.bin'));
    otherCerts = firmwareCacerts(otherCa, join(work, 'other-cacerts.bin'));

    const initrd = buildInitrd(binaries.busybox);
    const uki = (cmdlineNonce: string, out: string) =>
      buildUki({
        stub: binaries.stub,
        vmlinuz: binaries.vmlinuz,
        initrd,
        cmdline: `${KERNEL_ARGS} bootdepot.nonce=${cmdlineNonce}`,
        out: join(work, out),
      });
    files.vmlinuz = readFileSync(binaries.vmlinuz);
    files['initrd.img'] = initrd;
    files['uki.efi'] = uki(nonces.uki, 'uki.efi');
    uki(nonces.iso, 'iso-uki.efi');
    files['boot.iso'] = buildEfiIso(join(work, 'iso-uki.efi'), work);

    scenario = await startNetbootScenario({
      kernelArgs: KERNEL_ARGS,
      env: {
        CONTENT_TLS_CERT: live.cert,
        CONTENT_TLS_KEY: live.key,
        CONTENT_ORIGIN: `https://${LAB_SERVER_ADDRESS}`,
      },
      httpsOnly: true,
    });
    scenario.stack.content.tlsServer!.on('tlsClientError', (error: Error & { code?: string }) =>
      tlsFailures.push(error.code ?? error.message),
    );
    scenario.stack.content.tlsServer!.on('secureConnection', () => handshakes++);
    await scenario.publish(TAG, files);
    lab = await startHttpsLab({ tlsPort: Number(new URL(scenario.stack.contentTlsUrl!).port) });
  }, 600_000);

  afterAll(async () => {
    if (timings.length) console.log(`UEFI HTTPS boot timings (${binaries.kernelPackage}):\n${timings.join('\n')}`);
    await lab?.close();
    await scenario?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const urlOf = (title: string) => `${lab.origin}/pulp/content/${scenario.basePath}/${TAG}/${title}`;

  async function boot(label: string, title: string, caCertsFile: string, expectNonce: string): Promise<BootResult> {
    const url = urlOf(title);
    await lab.offer(url);
    const result = await bootVm({
      mode: 'uefi-http',
      bootUrl: url,
      expectLine: `${BOOT_MARKER} nonce=${expectNonce}`,
      logPath: join(logDir, `${label}.log`),
      https: { netns: lab.netns, tap: lab.tap, caCertsFile },
    });
    const dhcp = result.lines.find((line) => line.text.startsWith('Station IP address is'));
    const fromUri = dhcp ? ` (${(result.seconds - dhcp.seconds).toFixed(1)} s after DHCP)` : '';
    timings.push(
      `  ${label}: ${result.ok ? 'marker' : 'failure recognised'} after ${result.seconds.toFixed(1)} s${fromUri}, ` +
        `qemu gone after ${result.totalSeconds.toFixed(1)} s; TLS handshakes completed ${handshakes}, ` +
        `failed ${tlsFailures.length} (${[...new Set(tlsFailures)].join(', ')}) so far`,
    );
    return result;
  }

  /**
   * Seconds from DHCP done (OVMF prints its address, then connects) to the verdict on the console. (The URI line
   * is no anchor: OVMF ends it only with its next message, so it completes together with the error.)
   */
  function secondsFromDhcp(result: BootResult): number {
    const dhcp = result.lines.find((line) => line.text.startsWith('Station IP address is'));
    expect(dhcp, `the firmware never got an address:\n${result.log.slice(-1500)}`).toBeDefined();
    expect(result.log).toContain(`URI: ${lab.origin}/`);
    return result.seconds - dhcp!.seconds;
  }

  /** The relay passes a reset on as the close of a unix socket, so bootdepot may learn of it a moment later. */
  async function eventually(probe: () => boolean, ms = 5_000): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!probe() && Date.now() < deadline) await new Promise((done) => setTimeout(done, 50));
    return probe();
  }

  /** bootdepot's access-log lines for `title` under the tag since `since`. */
  function served(title: string, since: number) {
    return scenario
      .accessLog()
      .slice(since)
      .filter((line) => line.url.split('?')[0]!.endsWith(`/${TAG}/${title}`));
  }

  it('writes the enrolled CA as one EFI_CERT_X509 signature list', () => {
    const entries = decodeSignatureLists(readFileSync(goodCerts));
    expect(entries).toHaveLength(1);
    expect(entries[0]!.type).toBe(EFI_CERT_X509_GUID);
    expect(entries[0]!.data.equals(new X509Certificate(ca.pem).raw)).toBe(true);
  });

  it(
    "boots a unified kernel image over HTTPS with OVMF's own HTTP boot client and prints this run's nonce",
    async () => {
      const since = scenario.accessLog().length;
      const result = await boot('uefi-https-uki', 'uki.efi', goodCerts, nonces.uki);
      expect(result.ok, `${result.reason}\nDHCP:\n${lab.dhcpLog().slice(-1500)}`).toBe(true);
      const lines = served('uki.efi', since);
      // The firmware asks for the size first, then downloads the whole image, all over TLS.
      expect(lines.map((line) => line.method)).toEqual(expect.arrayContaining(['HEAD', 'GET']));
      const get = lines.find((line) => line.method === 'GET' && line.status === 200 && line.complete);
      expect(get, JSON.stringify(lines)).toBeDefined();
      expect(get!.userAgent).toMatch(/^UefiHttpBoot\//);
      expect(lab.connections()).toBeGreaterThan(0);
    },
    BOOT_TEST_TIMEOUT_MS,
  );

  it(
    'boots a whole boot.iso over HTTPS as a RAM disk (El Torito EFI image) and prints its nonce',
    async () => {
      const since = scenario.accessLog().length;
      const result = await boot('uefi-https-iso', 'boot.iso', goodCerts, nonces.iso);
      expect(result.ok, `${result.reason}\nDHCP:\n${lab.dhcpLog().slice(-1500)}`).toBe(true);
      const get = served('boot.iso', since).find((line) => line.method === 'GET' && line.status === 200);
      expect(get?.complete).toBe(true);
      expect(get?.bytes).toBeGreaterThanOrEqual(files['boot.iso']!.length);
    },
    BOOT_TEST_TIMEOUT_MS,
  );

  it('refuses plain HTTP for the HTTPS-only distribution, naming the https URL', async () => {
    const path = `/pulp/content/${scenario.basePath}/${TAG}/uki.efi`;
    const res = await fetch(`${scenario.stack.contentUrl}${path}`);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain(`https://${LAB_SERVER_ADDRESS}${path}`);
  });

  it(
    'fails within seconds when the firmware trusts another CA (the handshake is aborted, nothing is served)',
    async () => {
      const since = scenario.accessLog().length;
      const failuresBefore = tlsFailures.length;
      const result = await boot('uefi-https-wrong-ca', 'uki.efi', otherCerts, nonces.uki);
      expect(result.ok).toBe(false);
      expect(result.reason).toMatch(/OVMF could not fetch the boot file|OVMF failed to boot from the network/);
      expect(secondsFromDhcp(result)).toBeLessThan(REFUSAL_WITHIN_SECONDS);
      expect(served('uki.efi', since)).toEqual([]);
      // The firmware aborted the handshake: bootdepot saw it fail (and lived on).
      expect(await eventually(() => tlsFailures.length > failuresBefore), 'bootdepot saw no failed handshake').toBe(
        true,
      );
    },
    BOOT_TEST_TIMEOUT_MS,
  );

  it(
    'fails within seconds when the certificate does not name the server address (SAN), though the CA is right',
    async () => {
      copyFileSync(wrongSan.key, live.key);
      copyFileSync(wrongSan.cert, live.cert);
      expect(scenario.stack.content.reloadTls()).toBe(true);
      try {
        const since = scenario.accessLog().length;
        const connectionsBefore = lab.connections();
        const result = await boot('uefi-https-wrong-san', 'uki.efi', goodCerts, nonces.uki);
        expect(result.ok).toBe(false);
        expect(result.reason).toMatch(/OVMF could not fetch the boot file|OVMF failed to boot from the network/);
        expect(secondsFromDhcp(result)).toBeLessThan(REFUSAL_WITHIN_SECONDS);
        // The firmware reached bootdepot's TLS listener, was shown the certificate and sent no request at all.
        expect(lab.connections(), 'the firmware never connected').toBeGreaterThan(connectionsBefore);
        expect(served('uki.efi', since)).toEqual([]);
      } finally {
        copyFileSync(good.key, live.key);
        copyFileSync(good.cert, live.cert);
        scenario.stack.content.reloadTls();
      }
    },
    BOOT_TEST_TIMEOUT_MS,
  );
});
