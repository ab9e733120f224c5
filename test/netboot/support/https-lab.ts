import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A private network for UEFI HTTPS boot, entirely inside a network namespace this test creates: a tap device
 * for qemu with the server address on it, dnsmasq answering the firmware's DHCP with an https:// boot file,
 * and socat listening on the server address that relays each connection through a unix socket (unix sockets
 * cross namespaces) to the content app's HTTPS port on the host's loopback, where TLS terminates in bootdepot.
 *
 * Why not qemu's user-mode network: its DHCP marks only http:// boot files with the HTTPClient vendor class,
 * so OVMF ignores an offer that names https://. Nothing here touches the host namespace's interfaces,
 * addresses or routes; `close()` kills dnsmasq and socat by PID and deletes the namespace, and an exit hook
 * does the same if the test process dies first.
 */

export const LAB_SERVER_ADDRESS = '10.213.0.1';
const LAB_PREFIX = 24;
const DHCP_RANGE = '10.213.0.50,10.213.0.99,255.255.255.0,10m';

export interface HttpsLab {
  netns: string;
  tap: string;
  /** `https://10.213.0.1` (port 443 inside the namespace). */
  origin: string;
  /** Serves `bootFileUrl` to the next DHCP client (restarts dnsmasq with it). */
  offer(bootFileUrl: string): Promise<void>;
  /** TCP connections the relay carried to the content app so far. */
  connections(): number;
  /** dnsmasq's log (DHCP exchanges) since it was last started. */
  dhcpLog(): string;
  close(): Promise<void>;
}

function ip(args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function inNetns(netns: string, command: string[]): string[] {
  return ['netns', 'exec', netns, ...command];
}

/** Spawns a long-running process inside the namespace; `ip netns exec` execs it, so the PID is its own. */
function spawnIn(netns: string, command: string[], onOutput: (text: string) => void): ChildProcess {
  const child = spawn('ip', inNetns(netns, command), { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (chunk: Buffer) => onOutput(chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => onOutput(chunk.toString()));
  return child;
}

async function killByPid(child: ChildProcess | undefined): Promise<void> {
  if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  try {
    process.kill(child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const killed = await Promise.race([exited.then(() => true), sleep(3000).then(() => false)]);
  if (!killed) {
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
    await exited;
  }
}

async function waitFor(what: string, probe: () => boolean, log: () => string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${ms} ms:\n${log().slice(-2000)}`);
    await sleep(50);
  }
}

/** Creates the namespace, tap, relay and socat; dnsmasq starts with the first `offer()`. */
export async function startHttpsLab(options: { tlsPort: number }): Promise<HttpsLab> {
  const id = randomBytes(3).toString('hex');
  const netns = `bdtls-${id}`;
  const tap = 'bdtap0';
  const dir = mkdtempSync(join(tmpdir(), 'bootdepot-https-lab-'));
  const socketPath = join(dir, 'content-tls.sock');
  let dnsmasq: ChildProcess | undefined;
  let socat: ChildProcess | undefined;
  let dnsmasqLog = '';
  let socatLog = '';
  let connections = 0;
  let closed = false;
  const sockets = new Set<Socket>();

  // Synchronous last resort if the test process ends without close(): nothing may outlive the run.
  const emergency = () => {
    for (const child of [dnsmasq, socat]) if (child?.pid && child.exitCode === null) tryKill(child.pid);
    try {
      execFileSync('ip', ['netns', 'delete', netns], { stdio: 'ignore' });
    } catch {
      // already gone
    }
  };
  process.once('exit', emergency);

  // Host side of the relay: the unix socket socat connects to, piped to the content app's TLS port.
  const relay: Server = createServer((inbound) => {
    connections++;
    const outbound = connect(options.tlsPort, '127.0.0.1');
    for (const socket of [inbound, outbound]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        inbound.destroy();
        outbound.destroy();
      });
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((resolve) => relay.listen(socketPath, resolve));

  const close = async () => {
    if (closed) return;
    closed = true;
    await Promise.all([killByPid(dnsmasq), killByPid(socat)]);
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => relay.close(() => resolve()));
    try {
      ip(inNetns(netns, ['ip', 'tuntap', 'del', 'dev', tap, 'mode', 'tap']));
    } catch {
      // the namespace may never have been made
    }
    try {
      ip(['netns', 'delete', netns]);
    } catch {
      // never made
    }
    process.off('exit', emergency);
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    ip(['netns', 'add', netns]);
    ip(inNetns(netns, ['ip', 'link', 'set', 'lo', 'up']));
    ip(inNetns(netns, ['ip', 'tuntap', 'add', 'dev', tap, 'mode', 'tap']));
    ip(inNetns(netns, ['ip', 'addr', 'add', `${LAB_SERVER_ADDRESS}/${LAB_PREFIX}`, 'dev', tap]));
    ip(inNetns(netns, ['ip', 'link', 'set', tap, 'up']));
    socat = spawnIn(
      netns,
      ['socat', `TCP-LISTEN:443,bind=${LAB_SERVER_ADDRESS},fork,reuseaddr`, `UNIX-CONNECT:${socketPath}`],
      (text) => (socatLog += text),
    );
    // socat is ready when the namespace has a listener on :443.
    await waitFor(
      'socat listening on 10.213.0.1:443',
      () => {
        if (socat!.exitCode !== null) throw new Error(`socat exited with ${socat!.exitCode}: ${socatLog}`);
        try {
          return (
            execFileSync('ip', inNetns(netns, ['ss', '-Hltn', 'sport = :443']), { encoding: 'utf8' }).trim() !== ''
          );
        } catch {
          return false;
        }
      },
      () => socatLog,
    );
  } catch (error) {
    await close();
    throw error;
  }

  return {
    netns,
    tap,
    origin: `https://${LAB_SERVER_ADDRESS}`,
    connections: () => connections,
    dhcpLog: () => dnsmasqLog,
    async offer(bootFileUrl: string) {
      await killByPid(dnsmasq);
      dnsmasqLog = '';
      const leases = join(dir, `leases-${Date.now()}`);
      dnsmasq = spawnIn(
        netns,
        [
          'dnsmasq',
          '--keep-in-foreground',
          '--conf-file=/dev/null',
          '--port=0',
          `--interface=${tap}`,
          '--bind-interfaces',
          `--dhcp-range=${DHCP_RANGE}`,
          `--dhcp-leasefile=${leases}`,
          `--pid-file=${join(dir, 'dnsmasq.pid')}`,
          '--user=root',
          '--log-dhcp',
          '--log-facility=-',
          // The firmware announces vendor class HTTPClient; the answer must carry it back with the https:// URL.
          '--dhcp-vendorclass=set:efihttp,HTTPClient',
          '--dhcp-option-force=tag:efihttp,60,HTTPClient',
          `--dhcp-boot=tag:efihttp,${bootFileUrl}`,
        ],
        (text) => (dnsmasqLog += text),
      );
      const current = dnsmasq;
      await waitFor(
        'dnsmasq started',
        () => {
          if (current.exitCode !== null) throw new Error(`dnsmasq exited with ${current.exitCode}: ${dnsmasqLog}`);
          return /started, version/.test(dnsmasqLog) || existsSync(join(dir, 'dnsmasq.pid'));
        },
        () => dnsmasqLog,
      );
    },
    close,
  };
}

function tryKill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone
  }
}

/** Whether this machine can run the lab (root, iproute2, dnsmasq, socat). Names what is missing. */
export function httpsLabMissing(): string[] {
  const missing: string[] = [];
  if (process.getuid?.() !== 0) missing.push('root (network namespaces)');
  for (const [command, pkg] of [
    ['ip', 'iproute2'],
    ['dnsmasq', 'dnsmasq-base'],
    ['socat', 'socat'],
  ]) {
    try {
      execFileSync('sh', ['-c', 'command -v "$1"', 'sh', command], { stdio: 'ignore' });
    } catch {
      missing.push(`${pkg} (${command})`);
    }
  }
  return missing;
}
