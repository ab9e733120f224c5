import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Debian packages the network-boot tests run (installed by scripts/test-prerequisites.sh); the rest is apt-get download'ed. */
export const NETBOOT_PACKAGES = ['qemu-system-x86', 'ipxe-qemu', 'ovmf', 'binutils', 'curl'];

const COMMANDS: [command: string, pkg: string][] = [
  ['qemu-system-x86_64', 'qemu-system-x86'],
  ['objcopy', 'binutils'],
  ['objdump', 'binutils'],
  ['curl', 'curl'],
  ['dpkg-deb', 'dpkg'],
  ['apt-get', 'apt'],
  ['timeout', 'coreutils'],
];
const FILES: [path: string, pkg: string][] = [
  ['/usr/share/ovmf/OVMF.fd', 'ovmf'],
  ['/usr/lib/ipxe/qemu/efi-virtio.rom', 'ipxe-qemu'],
];

function hasCommand(command: string): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v "$1"', 'sh', command], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Throws (so the test fails rather than skips: CI must boot on every change) when this machine lacks what
 * the network-boot tests run, naming the packages and the command that installs them. `only` limits the
 * check to some commands (the curl-only test needs no qemu).
 */
export function requireNetbootHost(only?: readonly string[]): void {
  const missing = new Set<string>();
  for (const [command, pkg] of COMMANDS) {
    if ((!only || only.includes(command)) && !hasCommand(command)) missing.add(`${pkg} (${command})`);
  }
  for (const [path, pkg] of FILES) if (!only && !existsSync(path)) missing.add(`${pkg} (${path})`);
  if (missing.size > 0) {
    throw new Error(
      `the network-boot tests need Debian packages that are missing: ${[...missing].join(', ')}. ` +
        `npm test installs them (scripts/test-prerequisites.sh, as root), or: apt-get install --no-install-recommends ${NETBOOT_PACKAGES.join(' ')}`,
    );
  }
}
