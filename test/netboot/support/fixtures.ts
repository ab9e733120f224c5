import { execFileSync } from 'node:child_process';
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import { buildInitramfs } from './cpio';

/**
 * Real boot files for the network-boot test, built from Debian packages without installing any of them:
 * `apt-get download` + `dpkg-deb --fsys-tarfile` of a kernel, busybox-static and the systemd-boot EFI stub.
 * Downloads and extracted files are cached outside the repository, keyed by package version, so a second
 * run fetches nothing.
 */

/** Preferred first: the cloud flavour is a 27 MB download against ~70 MB and boots the same under qemu. */
const KERNEL_META_PACKAGES = ['linux-image-cloud-amd64', 'linux-image-amd64'];
const STUB_PATH = './usr/lib/systemd/boot/efi/linuxx64.efi.stub';

export interface NetbootBinaries {
  kernelPackage: string;
  kernelVersion: string;
  vmlinuz: string;
  busybox: string;
  stubPackageVersion: string;
  stub: string;
}

function writable(dir: string): boolean {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** `$BOOTDEPOT_NETBOOT_CACHE`, else /var/cache/bootdepot-netboot when writable (CI runs as root), else ~/.cache. */
export function netbootCacheDir(): string {
  const explicit = process.env.BOOTDEPOT_NETBOOT_CACHE;
  if (explicit) {
    mkdirSync(explicit, { recursive: true });
    return explicit;
  }
  const system = '/var/cache/bootdepot-netboot';
  return writable(system) ? system : join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'bootdepot-netboot');
}

function run(command: string, args: string[], options: { cwd?: string } = {}): string {
  return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options });
}

let listsRefreshed = false;

/** `Field: value` pairs of the candidate version of a package, refreshing empty apt lists once when root. */
function aptShow(pkg: string): Record<string, string> {
  const attempt = () => {
    try {
      return run('apt-cache', ['show', '--no-all-versions', pkg]);
    } catch {
      return '';
    }
  };
  let text = attempt();
  if (!text && !listsRefreshed && process.getuid?.() === 0) {
    listsRefreshed = true;
    run('apt-get', ['update', '-qq']);
    text = attempt();
  }
  if (!text) throw new Error(`apt-cache knows no package ${pkg}: run apt-get update (as root), then retry`);
  const fields: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Za-z-]+): (.*)$/.exec(line);
    if (match && !(match[1] in fields)) fields[match[1]] = match[2];
  }
  return fields;
}

/** The versioned kernel package a meta package depends on, e.g. linux-image-6.1.0-56-cloud-amd64. */
function kernelPackage(): string {
  const errors: string[] = [];
  for (const meta of KERNEL_META_PACKAGES) {
    try {
      const depends = aptShow(meta).Depends ?? '';
      const match = /(linux-image-[0-9][^\s,(]*)/.exec(depends);
      if (match) return match[1];
      errors.push(`${meta}: no linux-image-<version> in Depends "${depends}"`);
    } catch (error) {
      errors.push((error as Error).message);
    }
  }
  throw new Error(`cannot find a kernel package: ${errors.join('; ')}`);
}

/** Downloads the candidate .deb of `pkg` into the cache unless it is already there; returns its path and version. */
function download(cache: string, pkg: string): { deb: string; version: string } {
  const fields = aptShow(pkg);
  const debs = join(cache, 'debs');
  mkdirSync(debs, { recursive: true });
  const deb = join(debs, basename(fields.Filename));
  if (!existsSync(deb)) {
    const scratch = mkdtempSync(join(debs, '.download-'));
    try {
      run('apt-get', ['download', '-qq', `${pkg}=${fields.Version}`], { cwd: scratch });
      const [file] = readdirSync(scratch).filter((name) => name.endsWith('.deb'));
      if (!file) throw new Error(`apt-get download ${pkg} produced no .deb`);
      renameSync(join(scratch, file), deb);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
  return { deb, version: fields.Version };
}

/** Extracts one member of a .deb's data archive (a tar glob) to `target`, atomically. */
function extractMember(deb: string, member: string, target: string): void {
  if (existsSync(target)) return;
  const scratch = mkdtempSync(`${target}.extract-`);
  try {
    execFileSync(
      'sh',
      ['-c', 'dpkg-deb --fsys-tarfile "$1" | tar -x -C "$2" --wildcards "$3"', 'sh', deb, scratch, member],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    const found = execFileSync('find', [scratch, '-type', 'f'], { encoding: 'utf8' }).trim().split('\n')[0];
    if (!found) throw new Error(`${deb} holds no ${member}`);
    renameSync(found, target);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function expectMagic(path: string, offset: number, magic: string, what: string): void {
  const bytes = readFileSync(path)
    .subarray(offset, offset + magic.length)
    .toString('latin1');
  if (bytes !== magic) throw new Error(`${path} is not ${what} (no ${JSON.stringify(magic)} at ${offset})`);
}

/** Kernel, busybox and EFI stub extracted from Debian packages into the cache (downloaded on first use). */
export function prepareNetbootBinaries(cache = netbootCacheDir()): NetbootBinaries {
  const safe = (version: string) => version.replace(/[^A-Za-z0-9.+~-]/g, '_');
  const kernel = kernelPackage();
  const kernelDeb = download(cache, kernel);
  const vmlinuz = join(cache, `vmlinuz-${kernel}_${safe(kernelDeb.version)}`);
  extractMember(kernelDeb.deb, './boot/vmlinuz-*', vmlinuz);
  expectMagic(vmlinuz, 0x202, 'HdrS', 'an x86 bzImage');

  const busyboxDeb = download(cache, 'busybox-static');
  const busybox = join(cache, `busybox-${safe(busyboxDeb.version)}`);
  extractMember(busyboxDeb.deb, './bin/busybox', busybox);
  expectMagic(busybox, 0, '\x7fELF', 'an ELF executable');

  const stubDeb = download(cache, 'systemd-boot-efi');
  const stub = join(cache, `linuxx64.efi.stub-${safe(stubDeb.version)}`);
  extractMember(stubDeb.deb, STUB_PATH, stub);
  expectMagic(stub, 0, 'MZ', 'a PE image');

  return {
    kernelPackage: kernel,
    kernelVersion: kernelDeb.version,
    vmlinuz,
    busybox,
    stubPackageVersion: stubDeb.version,
    stub,
  };
}

/** What /init prints once it runs: the marker a boot test waits for, followed by the nonce it was given. */
export const BOOT_MARKER = 'BOOTDEPOT-NETBOOT-OK';

/**
 * /init reads `bootdepot.nonce=` from the kernel command line, prints the marker with it on the console and
 * powers off (qemu runs with -no-reboot, so it exits). A missing nonce prints a different line, so a test
 * never mistakes it for success.
 */
const INIT = `#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
nonce=$(/bin/busybox sed -n 's/.*bootdepot\\.nonce=\\([^ ]*\\).*/\\1/p' /proc/cmdline)
if [ -n "$nonce" ]; then
  echo "${BOOT_MARKER} nonce=$nonce"
else
  echo "BOOTDEPOT-NETBOOT-NO-NONCE cmdline=$(/bin/busybox cat /proc/cmdline)"
fi
/bin/busybox poweroff -f
`;

/** A gzip'd newc initramfs: busybox, /init and /dev/console (so /init has a console before anything mounts). */
export function buildInitrd(busyboxPath: string): Buffer {
  return buildInitramfs([
    { type: 'dir', path: 'bin' },
    { type: 'dir', path: 'dev' },
    { type: 'dir', path: 'proc' },
    { type: 'dir', path: 'sys' },
    { type: 'char', path: 'dev/console', major: 5, minor: 1 },
    { type: 'file', path: 'bin/busybox', data: readFileSync(busyboxPath), mode: 0o755 },
    { type: 'symlink', path: 'bin/sh', target: 'busybox' },
    { type: 'file', path: 'init', data: Buffer.from(INIT), mode: 0o755 },
  ]);
}

interface PeSection {
  name: string;
  size: number;
  vma: number;
}

function peLayout(stub: string): { alignment: number; sections: PeSection[] } {
  const headers = run('objdump', ['-p', stub]);
  const alignment = parseInt(/SectionAlignment\s+([0-9a-fA-F]+)/.exec(headers)?.[1] ?? '', 16);
  if (!alignment) throw new Error(`objdump -p ${stub}: no SectionAlignment`);
  const sections = run('objdump', ['-h', stub])
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((cols) => cols.length === 7 && /^\d+$/.test(cols[0]))
    .map((cols) => ({ name: cols[1], size: parseInt(cols[2], 16), vma: parseInt(cols[3], 16) }));
  return { alignment, sections };
}

/**
 * A unified kernel image: the systemd-boot stub with `.osrel`, `.cmdline`, `.linux` and `.initrd` added by
 * objcopy, each at a section-aligned address after the stub's own sections (Debian 12 has no ukify). The
 * stub boots `.linux` with `.cmdline` and hands it `.initrd`; with Secure Boot off a loader could override
 * the command line, but UEFI HTTP boot passes none, so what is baked in is what the kernel sees.
 */
export function buildUki(options: {
  stub: string;
  vmlinuz: string;
  initrd: Buffer;
  cmdline: string;
  out: string;
}): Buffer {
  const dir = mkdtempSync(`${options.out}.parts-`);
  try {
    const parts: [string, string][] = [
      ['.osrel', join(dir, 'osrel')],
      ['.cmdline', join(dir, 'cmdline')],
      ['.linux', options.vmlinuz],
      ['.initrd', join(dir, 'initrd')],
    ];
    writeFileSync(parts[0][1], 'ID=bootdepot-test\nNAME="bootdepot netboot test"\nVERSION_ID=1\n');
    writeFileSync(parts[1][1], `${options.cmdline}\0`);
    writeFileSync(parts[3][1], options.initrd);
    const { alignment, sections } = peLayout(options.stub);
    const align = (n: number) => Math.ceil(n / alignment) * alignment;
    let next = align(Math.max(...sections.map((s) => s.vma + s.size)));
    const args: string[] = [];
    for (const [name, path] of parts) {
      const size = readFileSync(path).length;
      args.push('--add-section', `${name}=${path}`, '--change-section-vma', `${name}=0x${next.toString(16)}`);
      next = align(next + size);
    }
    run('objcopy', [...args, options.stub, options.out]);
    const uki = readFileSync(options.out);
    if (uki.subarray(0, 2).toString('latin1') !== 'MZ') throw new Error(`objcopy wrote no PE image to ${options.out}`);
    return uki;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
