import { describe, expect, it } from 'vitest';
import { SNIFF_BYTES, sniffFile } from './file-sniff';

function bytesWith(length: number, offset: number, magic: string | number[]): Buffer {
  const buffer = Buffer.alloc(length);
  (typeof magic === 'string' ? Buffer.from(magic, 'latin1') : Buffer.from(magic)).copy(buffer, offset);
  return buffer;
}
const codes = (title: string, bytes: Buffer) => sniffFile(title, bytes).map((w) => w.code);

describe('sniffFile', () => {
  it('flags an ISO without CD001, like the 196-byte boot.iso Fedora once published', () => {
    expect(codes('boot.iso', Buffer.alloc(196))).toEqual(['iso9660-signature-missing']);
    expect(sniffFile('boot.iso', Buffer.alloc(196))[0].message).toContain('only 196 bytes checked');
    expect(codes('boot.iso', bytesWith(SNIFF_BYTES, 0x8001, 'CD001'))).toEqual([]);
  });

  it('flags EFI binaries without MZ, case-insensitively', () => {
    expect(codes('shimx64.efi', Buffer.from('<html>'))).toEqual(['efi-signature-missing']);
    expect(codes('BOOTX64.EFI', Buffer.from('MZ\x90\x00'))).toEqual([]);
  });

  it('accepts x86 bzImage, arm64 Image and EFI zboot kernels, and flags anything else', () => {
    expect(codes('vmlinuz', bytesWith(1024, 0x202, 'HdrS'))).toEqual([]);
    expect(codes('vmlinuz', bytesWith(1024, 0x38, 'ARM\x64'))).toEqual([]);
    expect(codes('vmlinuz', bytesWith(1024, 0, 'MZ'))).toEqual([]);
    expect(codes('vmlinuz', Buffer.alloc(1024))).toEqual(['kernel-signature-missing']);
  });

  it('checks initrd and stage2 formats', () => {
    expect(codes('initrd.img', Buffer.from('070701000000'))).toEqual([]);
    expect(codes('initrd.img', Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0]))).toEqual([]);
    expect(codes('initrd.img', Buffer.from('not an archive'))).toEqual(['initrd-format-unknown']);
    expect(codes('install.img', Buffer.from('hsqs....'))).toEqual([]);
    expect(codes('install.img', bytesWith(2048, 1024, [0xe2, 0xe1, 0xf5, 0xe0]))).toEqual([]);
    expect(codes('install.img', Buffer.alloc(2048))).toEqual(['stage2-format-unknown']);
  });

  it('has no opinion on files it does not know', () => {
    expect(codes('pxelinux.0', Buffer.alloc(10))).toEqual([]);
    expect(codes('README', Buffer.alloc(0))).toEqual([]);
  });
});
