/** Digest-pinned paths name bytes that can never change. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Tag paths move with syncs: cache briefly, then revalidate (cheap: ETag/Last-Modified give a 304). */
export const REVALIDATE = 'public, max-age=30, must-revalidate';

/**
 * `.img` files that are not disk images: initramfs archives and Anaconda's squashfs stage2. UEFI HTTP boot
 * would try to mount an `application/vnd.efi-img` as a RAM disk, so these stay opaque bytes.
 */
const NOT_A_DISK_IMAGE = /^(initrd|initramfs|install|squashfs|stage2)([._-].*)?\.img$/i;

/**
 * The Content-Type UEFI HTTP boot acts on (UEFI 2.10 §24.7): `application/efi` runs the file as an EFI
 * application, `application/vnd.efi-iso` and `application/vnd.efi-img` mount it as a RAM disk and boot its
 * EFI system partition. Everything else (kernels, initrds, stage2) is `application/octet-stream`.
 */
export function contentTypeFor(name: string): string {
  const lower = name.toLowerCase();
  if (lower.endsWith('.efi')) return 'application/efi';
  if (lower.endsWith('.iso')) return 'application/vnd.efi-iso';
  if (lower.endsWith('.img') && !NOT_A_DISK_IMAGE.test(lower)) return 'application/vnd.efi-img';
  return 'application/octet-stream';
}
