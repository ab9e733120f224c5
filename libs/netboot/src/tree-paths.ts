/** Where a netboot file lives in a kickstart tree, the layout Foreman and Anaconda expect. */
const TREE_PATHS: ReadonlyArray<readonly [title: string, path: string]> = [
  ['vmlinuz', 'images/pxeboot/vmlinuz'],
  ['initrd.img', 'images/pxeboot/initrd.img'],
  ['install.img', 'images/install.img'],
  ['boot.iso', 'images/boot.iso'],
  ['grubx64.efi', 'EFI/BOOT/grubx64.efi'],
  // shim is the removable-media loader UEFI firmware runs first; shimx64.efi wins over the generic name.
  ['shimx64.efi', 'EFI/BOOT/BOOTX64.EFI'],
  ['shim.efi', 'EFI/BOOT/BOOTX64.EFI'],
  ['grubaa64.efi', 'EFI/BOOT/grubaa64.efi'],
  ['shimaa64.efi', 'EFI/BOOT/BOOTAA64.EFI'],
  ['pxelinux.0', 'pxelinux.0'],
];

export interface TreePath<T> {
  path: string;
  file: T;
}

/** Tree paths for the files present, in a stable order; files without a known place are left out. */
export function treePathsFor<T extends { title: string }>(files: readonly T[]): TreePath<T>[] {
  const byTitle = new Map(files.map((file) => [file.title, file]));
  const taken = new Set<string>();
  const result: TreePath<T>[] = [];
  for (const [title, path] of TREE_PATHS) {
    const file = byTitle.get(title);
    if (!file || taken.has(path)) continue;
    taken.add(path);
    result.push({ path, file });
  }
  return result;
}
