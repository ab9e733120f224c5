export interface SniffWarning {
  code:
    | 'iso9660-signature-missing'
    | 'efi-signature-missing'
    | 'kernel-signature-missing'
    | 'initrd-format-unknown'
    | 'stage2-format-unknown';
  message: string;
}

/** How many leading bytes `sniffFile` needs to run every check (the ISO9660 signature ends at 0x8006). */
export const SNIFF_BYTES = 0x8006;

function has(bytes: Buffer, offset: number, magic: string | number[]): boolean {
  const expected = typeof magic === 'string' ? Buffer.from(magic, 'latin1') : Buffer.from(magic);
  return bytes.length >= offset + expected.length && bytes.subarray(offset, offset + expected.length).equals(expected);
}

const INITRD_MAGICS: Array<string | number[]> = [
  '070701', // newc cpio (uncompressed early microcode archive in front, or the whole initramfs)
  '070702',
  [0x1f, 0x8b], // gzip
  [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], // xz
  [0x28, 0xb5, 0x2f, 0xfd], // zstd
  [0x02, 0x21, 0x4c, 0x18], // lz4 legacy
  'BZh',
];

/**
 * Cheap, informational checks of a file's first bytes against what its title promises. A digest match says
 * the bytes are what the publisher pushed, not that they are a bootable image (the 196-byte "boot.iso"
 * Fedora 40 once shipped). Warnings, never rejection: unusual but valid files exist.
 */
export function sniffFile(title: string, firstBytes: Buffer): SniffWarning[] {
  const name = title.toLowerCase();
  const warnings: SniffWarning[] = [];
  const shortNote = firstBytes.length < SNIFF_BYTES ? ` (only ${firstBytes.length} bytes checked)` : '';
  if (name.endsWith('.iso') && !has(firstBytes, 0x8001, 'CD001')) {
    warnings.push({
      code: 'iso9660-signature-missing',
      message: `${title} has no ISO9660 "CD001" signature at 0x8001${shortNote}`,
    });
  }
  if (name.endsWith('.efi') && !has(firstBytes, 0, 'MZ')) {
    warnings.push({
      code: 'efi-signature-missing',
      message: `${title} does not start with the PE/COFF "MZ" signature`,
    });
  }
  // x86 bzImage has "HdrS" at 0x202; arm64 Image has "ARM\x64" at 0x38; EFI zboot kernels start with "MZ".
  if (
    name.startsWith('vmlinuz') &&
    !has(firstBytes, 0x202, 'HdrS') &&
    !has(firstBytes, 0x38, 'ARM\x64') &&
    !has(firstBytes, 0, 'MZ')
  ) {
    warnings.push({
      code: 'kernel-signature-missing',
      message: `${title} has neither the x86 "HdrS" header at 0x202 nor an arm64/EFI kernel signature`,
    });
  }
  if (name.startsWith('initrd') && !INITRD_MAGICS.some((magic) => has(firstBytes, 0, magic))) {
    warnings.push({
      code: 'initrd-format-unknown',
      message: `${title} is neither a cpio archive nor a known compression`,
    });
  }
  // Anaconda's stage2 is squashfs, or EROFS (superblock magic at 1024) in newer Fedora.
  if (name === 'install.img' && !has(firstBytes, 0, 'hsqs') && !has(firstBytes, 1024, [0xe2, 0xe1, 0xf5, 0xe0])) {
    warnings.push({ code: 'stage2-format-unknown', message: `${title} is neither a squashfs nor an EROFS image` });
  }
  return warnings;
}
