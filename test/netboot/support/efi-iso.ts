import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

function run(command: string, args: string[]): void {
  execFileSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/**
 * A minimal UEFI-bootable ISO, as UEFI HTTP boot mounts a downloaded `boot.iso` as a RAM disk: an El Torito
 * catalog whose one entry (platform EFI, no emulation) is a FAT image holding `efi` as `EFI/BOOT/BOOTX64.EFI`,
 * the removable-media path firmware boots. Made with dosfstools, mtools and xorriso, as distributions do.
 */
export function buildEfiIso(efi: string, workDir: string): Buffer {
  const dir = mkdtempSync(join(workDir, 'iso-'));
  try {
    const root = join(dir, 'root');
    mkdirSync(root);
    const esp = join(root, 'efiboot.img');
    // The FAT image: the application plus room for FAT tables and directories, in KiB.
    const kib = Math.ceil(statSync(efi).size / 1024) + 512;
    run('mkfs.vfat', ['-C', '-n', 'BOOTDEPOT', esp, String(kib)]);
    run('mmd', ['-i', esp, '::/EFI', '::/EFI/BOOT']);
    run('mcopy', ['-i', esp, efi, '::/EFI/BOOT/BOOTX64.EFI']);
    const iso = join(dir, 'boot.iso');
    // -e: an El Torito boot entry with platform ID 0xEF (EFI) pointing at the FAT image.
    run('xorriso', [
      '-as',
      'mkisofs',
      '-quiet',
      '-V',
      'BOOTDEPOT_TEST',
      '-o',
      iso,
      '-e',
      'efiboot.img',
      '-no-emul-boot',
      root,
    ]);
    const bytes = readFileSync(iso);
    if (bytes.subarray(0x8001, 0x8006).toString('latin1') !== 'CD001')
      throw new Error('xorriso wrote no ISO 9660 image');
    return bytes;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const EFI_ISO_COMMANDS: [command: string, pkg: string][] = [
  ['mkfs.vfat', 'dosfstools'],
  ['mmd', 'mtools'],
  ['mcopy', 'mtools'],
  ['xorriso', 'xorriso'],
];
