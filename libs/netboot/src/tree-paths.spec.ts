import { describe, expect, it } from 'vitest';
import { treePathsFor } from './tree-paths';

describe('treePathsFor', () => {
  it('maps the Fedora artifact files to kickstart tree paths', () => {
    const titles = [
      'initrd.img',
      'boot.iso',
      'grubx64.efi',
      'pxelinux.0',
      'shimx64.efi',
      'vmlinuz',
      'install.img',
      'README',
    ];
    const mapped = treePathsFor(titles.map((title) => ({ title })));
    expect(Object.fromEntries(mapped.map(({ path, file }) => [file.title, path]))).toEqual({
      vmlinuz: 'images/pxeboot/vmlinuz',
      'initrd.img': 'images/pxeboot/initrd.img',
      'install.img': 'images/install.img',
      'boot.iso': 'images/boot.iso',
      'grubx64.efi': 'EFI/BOOT/grubx64.efi',
      'shimx64.efi': 'EFI/BOOT/BOOTX64.EFI',
      'pxelinux.0': 'pxelinux.0',
    });
  });

  it('only maps files that are present, and prefers shimx64.efi over shim.efi', () => {
    expect(treePathsFor([{ title: 'shim.efi' }]).map((p) => p.path)).toEqual(['EFI/BOOT/BOOTX64.EFI']);
    const both = treePathsFor([{ title: 'shim.efi' }, { title: 'shimx64.efi' }]);
    expect(both.map((p) => p.file.title)).toEqual(['shimx64.efi']);
    expect(treePathsFor([])).toEqual([]);
  });
});
