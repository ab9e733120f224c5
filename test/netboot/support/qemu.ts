import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Network-boots a qemu guest (TCG, user-mode networking only: the guest reaches the host's loopback at
 * 10.0.2.2 and nothing else) and watches its serial console. A boot that fails never ends by itself (SeaBIOS
 * waits at "No bootable device", OVMF at its shell), so the runner kills qemu by its PID as soon as the
 * console shows a failure, and `timeout 180` bounds whatever is not recognised.
 */

export type BootMode = 'bios-ipxe' | 'uefi-ipxe' | 'uefi-http';

/**
 * UEFI HTTPS boot (mode `uefi-http` with this network) runs qemu inside a test-owned network namespace on a tap device (dnsmasq there hands out the
 * https:// URL), with the CA list enrolled through fw_cfg as OVMF reads it.
 */
export interface HttpsNetwork {
  netns: string;
  tap: string;
  /** EFI_SIGNATURE_LIST of trusted CAs (`bootdepot tls firmware-cacerts`). */
  caCertsFile: string;
}

export const OVMF = '/usr/share/ovmf/OVMF.fd';
const QEMU = 'qemu-system-x86_64';
export const HARD_TIMEOUT_SECONDS = 180;

/**
 * Console lines after which the guest can no longer succeed. `prompt` patterns may match a line still being
 * written (a shell prompt is not followed by a newline); the others wait for the whole line.
 */
const FAILURES: { pattern: RegExp; why: string; prompt?: boolean }[] = [
  { pattern: /No bootable device/, why: 'SeaBIOS found nothing to boot', prompt: true },
  { pattern: /^Shell> |UEFI Interactive Shell/, why: 'OVMF gave up and started its shell', prompt: true },
  // OVMF tries the empty DVD drive first (harmless), then the network: once that fails, only slower failures
  // (HTTPv6 waits ~60 s for DHCPv6) and the shell remain.
  { pattern: /BdsDxe: failed to load Boot\w+ "UEFI (PXE|HTTP)v4/, why: 'OVMF failed to boot from the network' },
  { pattern: /Kernel panic/, why: 'the kernel panicked' },
  // OVMF's HTTP boot client says this when the HEAD for the size fails, e.g. when the TLS handshake is refused.
  { pattern: /Error: Could not retrieve NBP file size/, why: 'OVMF could not fetch the boot file' },
  { pattern: /BOOTDEPOT-NETBOOT-NO-NONCE/, why: 'the initrd ran, but the kernel command line had no bootdepot.nonce=' },
];

/** Lines worth keeping in a failure message (iPXE and OVMF say why a download or boot failed). */
const HINTS =
  /(URI: |Could not|No more network|Connection|Error|error|failed|not found|Not Found|Operation not permitted|Permission denied|http:\/\/[^\s]+)/;

export interface BootOptions {
  mode: BootMode;
  /** DHCP boot file handed to the firmware: boot.ipxe for iPXE modes, a `.efi` URL for UEFI HTTP boot. */
  bootUrl: string;
  /**
   * The console line that means success. A line that ends with it counts: when the kernel takes over the emulated
   * UART, the firmware's last characters (iPXE's "ok" and its newline) can be lost or land in front of it.
   */
  expectLine: string;
  /** Where the serial log is written (kept for diagnosis). */
  logPath: string;
  timeoutSeconds?: number;
  /** UEFI HTTPS boot (`uefi-http` only): the namespace, tap and CA list; the boot URL then comes from its DHCP. */
  https?: HttpsNetwork;
}

export interface BootResult {
  mode: BootMode;
  ok: boolean;
  reason: string;
  /** From starting qemu to the success (or failure) line. */
  seconds: number;
  /** From starting qemu to its exit. */
  totalSeconds: number;
  log: string;
  logPath: string;
  /** Complete console lines with the second (since qemu started) each was seen. */
  lines: { seconds: number; text: string }[];
}

export function qemuArgs(mode: BootMode, bootUrl: string, https?: HttpsNetwork): string[] {
  if (https) {
    if (mode !== 'uefi-http') throw new Error(`HTTPS boot is OVMF's own HTTP boot client (uefi-http), not ${mode}`);
    return [
      ...['-accel', 'tcg', '-m', '512', '-smp', '1', '-nographic', '-serial', 'mon:stdio', '-no-reboot'],
      ...['-bios', OVMF],
      ...['-fw_cfg', 'name=opt/org.tianocore/IPv4PXESupport,string=n'],
      ...['-fw_cfg', 'name=opt/org.tianocore/IPv6PXESupport,string=n'],
      ...['-fw_cfg', `name=etc/edk2/https/cacerts,file=${https.caCertsFile}`],
      ...['-netdev', `tap,id=n0,ifname=${https.tap},script=no,downscript=no`],
      ...['-device', 'virtio-net-pci,netdev=n0,romfile='],
    ];
  }
  if (/[,\s]/.test(bootUrl))
    throw new Error(`boot URL must not contain commas or spaces (qemu option syntax): ${bootUrl}`);
  // qemu's DHCP server sends the boot file in the 128-byte BOOTP file field and refuses anything longer.
  if (Buffer.byteLength(bootUrl) > 127) throw new Error(`boot URL is over the 127 bytes BOOTP allows: ${bootUrl}`);
  const netdev = ['-netdev', `user,id=n0,bootfile=${bootUrl}`];
  const common = ['-accel', 'tcg', '-m', '512', '-smp', '1', '-nographic', '-serial', 'mon:stdio', '-no-reboot'];
  // OVMF would otherwise spend about a minute on its own PXE retries after a failed boot.
  const noOvmfPxe = [
    '-fw_cfg',
    'name=opt/org.tianocore/IPv4PXESupport,string=n',
    '-fw_cfg',
    'name=opt/org.tianocore/IPv6PXESupport,string=n',
  ];
  switch (mode) {
    case 'bios-ipxe':
      // SeaBIOS runs the NIC's iPXE option ROM (qemu's default efi-virtio.rom carries BIOS and EFI iPXE).
      return [...common, ...netdev, '-device', 'virtio-net-pci,netdev=n0', '-boot', 'n'];
    case 'uefi-ipxe':
      // The same ROM's EFI driver; `-boot n` means nothing to OVMF, which tries network boot with no disks.
      return [...common, '-bios', OVMF, ...noOvmfPxe, ...netdev, '-device', 'virtio-net-pci,netdev=n0'];
    case 'uefi-http':
      // No option ROM: OVMF's own virtio-net driver and HTTP boot client fetch the .efi named by DHCP.
      return [...common, '-bios', OVMF, ...noOvmfPxe, ...netdev, '-device', 'virtio-net-pci,netdev=n0,romfile='];
  }
}

// ANSI/VT100 sequences (OVMF paints its screen with them, the kernel resets the terminal with ESC c) and
// iPXE's backspaces; removed before matching and in logs shown to humans.
const stripTerminal = (text: string) =>
  text.replace(/\x1b\[[0-9;?=]*[A-Za-z]|\x1b[()][A-Z0-9]|\x1b[@-Z\\-_a-z]|[\r\x08]/g, '');

function hintLines(log: string): string {
  const lines = log.split('\n').filter((line) => HINTS.test(line));
  return lines.slice(-8).join('\n');
}

export async function bootVm(options: BootOptions): Promise<BootResult> {
  const timeoutSeconds = options.timeoutSeconds ?? HARD_TIMEOUT_SECONDS;
  const dir = mkdtempSync(join(tmpdir(), 'bootdepot-qemu-'));
  const pidFile = join(dir, 'qemu.pid');
  const started = Date.now();
  const elapsed = () => (Date.now() - started) / 1000;
  // coreutils timeout is the hard bound even if this process dies; qemu itself is killed by its pid file.
  const command = [
    'timeout',
    ...['--kill-after=5', String(timeoutSeconds), QEMU, ...qemuArgs(options.mode, options.bootUrl, options.https)],
    ...['-pidfile', pidFile],
  ];
  // Inside the test's namespace for HTTPS boot: the tap lives there (the PID namespace is shared, so the pid
  // file still names qemu for the kill below).
  const inNetns = options.https ? ['ip', 'netns', 'exec', options.https.netns] : [];
  const [program, ...args] = [...inNetns, ...command];
  const child = spawn(program!, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let raw = '';
  let verdict: { ok: boolean; reason: string; seconds: number } | null = null;
  const killQemu = () => {
    const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) : NaN;
    if (Number.isInteger(pid) && pid > 0) {
      try {
        process.kill(pid, 'SIGKILL');
        return;
      } catch {
        // already gone
      }
    }
    child.kill('SIGTERM'); // timeout relays it to qemu
  };
  const decide = (ok: boolean, reason: string) => {
    if (verdict) return;
    verdict = { ok, reason, seconds: elapsed() };
    // On success give the guest a moment to power off by itself, which also proves /init finished.
    if (ok) setTimeout(killQemu, 15_000).unref();
    else killQemu();
  };
  const lines: { seconds: number; text: string }[] = [];
  const consider = (line: string, complete: boolean) => {
    const clean = stripTerminal(line).trim();
    if (complete && clean) lines.push({ seconds: elapsed(), text: clean });
    if (complete && clean.endsWith(options.expectLine)) return decide(true, 'marker seen');
    const failure = FAILURES.find(({ pattern, prompt }) => (complete || prompt) && pattern.test(clean));
    if (failure) decide(false, `${failure.why}: ${clean}`);
  };
  let pending = '';
  const watch = (chunk: Buffer) => {
    const text = chunk.toString('latin1');
    raw += text;
    const lines = (pending + text).split('\n');
    pending = lines.pop()!;
    for (const line of lines) consider(line, true);
    if (pending) consider(pending, false);
  };
  child.stdout.on('data', watch);
  child.stderr.on('data', watch);
  const exit = await new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const totalSeconds = elapsed();
  const log = stripTerminal(raw);
  writeFileSync(options.logPath, log);
  rmSync(dir, { recursive: true, force: true });
  const final: { ok: boolean; reason: string; seconds: number } =
    verdict ??
    (exit === 124 || exit === 137
      ? { ok: false, reason: `no verdict within the ${timeoutSeconds} s hard timeout`, seconds: totalSeconds }
      : { ok: false, reason: `qemu exited with ${exit} before the marker`, seconds: totalSeconds });
  const reason = final.ok
    ? final.reason
    : `${final.reason}\n--- console hints ---\n${hintLines(log)}\n--- full log: ${options.logPath}`;
  return {
    mode: options.mode,
    ok: final.ok,
    reason,
    seconds: final.seconds,
    totalSeconds,
    log,
    logPath: options.logPath,
    lines,
  };
}
