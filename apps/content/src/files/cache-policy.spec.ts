import { describe, expect, it } from 'vitest';
import { contentTypeFor } from './cache-policy';

describe('contentTypeFor (what UEFI HTTP boot does with a download)', () => {
  it.each([
    ['shimx64.efi', 'application/efi'],
    ['BOOTX64.EFI', 'application/efi'],
    ['uki.efi', 'application/efi'],
    ['boot.iso', 'application/vnd.efi-iso'],
    ['Fedora-40-netinst.ISO', 'application/vnd.efi-iso'],
    ['efiboot.img', 'application/vnd.efi-img'],
    ['disk.img', 'application/vnd.efi-img'],
  ])('%s → %s', (name, type) => expect(contentTypeFor(name)).toBe(type));

  it.each(['initrd.img', 'initramfs-6.8.img', 'install.img', 'squashfs.img', 'vmlinuz', 'pxelinux.0', 'grub.cfg'])(
    '%s is opaque bytes (no firmware should mount it)',
    (name) => expect(contentTypeFor(name)).toBe('application/octet-stream'),
  );
});
