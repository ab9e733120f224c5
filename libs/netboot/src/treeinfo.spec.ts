import { sha256Digest } from '@app/oci';
import { describe, expect, it } from 'vitest';
import { TreeinfoParseError, UnsafeBootParameterError } from './netboot.errors';
import { treePathsFor } from './tree-paths';
import { parseTreeinfo, splitList } from './treeinfo.parser';
import { renderTreeinfo, type TreeinfoInput } from './treeinfo.renderer';

const files = ['vmlinuz', 'initrd.img', 'install.img', 'boot.iso', 'shimx64.efi'].map((title) => ({
  title,
  digest: sha256Digest(title),
}));
const input: TreeinfoInput = {
  name: 'Fedora',
  version: '40',
  arch: 'amd64',
  platforms: ['x86_64', 'xen'],
  buildTimestamp: 1713225600,
  files: treePathsFor(files).map(({ path, file }) => ({ path, digest: file.digest })),
};

describe('renderTreeinfo / parseTreeinfo', () => {
  it('round-trips the productmd 1.2 sections Foreman and Anaconda read', () => {
    const doc = parseTreeinfo(renderTreeinfo(input));
    expect(doc.header).toEqual({ type: 'productmd.treeinfo', version: '1.2' });
    expect(doc.release).toEqual({ is_layered: 'false', name: 'Fedora', short: 'Fedora', type: 'ga', version: '40' });
    expect(doc.tree).toEqual({
      arch: 'x86_64',
      build_timestamp: '1713225600',
      platforms: 'x86_64,xen',
      variants: 'Fedora',
    });
    expect(doc['images-x86_64']).toEqual({
      'boot.iso': 'images/boot.iso',
      initrd: 'images/pxeboot/initrd.img',
      kernel: 'images/pxeboot/vmlinuz',
    });
    expect(doc['images-xen']).toEqual({ initrd: 'images/pxeboot/initrd.img', kernel: 'images/pxeboot/vmlinuz' });
    expect(doc.stage2).toEqual({ mainimage: 'images/install.img' });
    expect(doc['variant-Fedora']).toEqual({ id: 'Fedora', name: 'Fedora', type: 'variant', uid: 'Fedora' });
    expect(doc.checksums).toEqual({
      'EFI/BOOT/BOOTX64.EFI': sha256Digest('shimx64.efi'),
      'images/boot.iso': sha256Digest('boot.iso'),
      'images/install.img': sha256Digest('install.img'),
      'images/pxeboot/initrd.img': sha256Digest('initrd.img'),
      'images/pxeboot/vmlinuz': sha256Digest('vmlinuz'),
    });
    expect(doc.general).toMatchObject({
      family: 'Fedora',
      name: 'Fedora 40',
      version: '40',
      arch: 'x86_64',
      kernel: 'images/pxeboot/vmlinuz',
      initrd: 'images/pxeboot/initrd.img',
      timestamp: '1713225600',
      variant: 'Fedora',
    });
    expect(splitList(doc.tree.platforms)).toEqual(['x86_64', 'xen']);
  });

  it('is byte-stable and sorted, with the legacy warning comments', () => {
    const text = renderTreeinfo(input);
    expect(renderTreeinfo({ ...input, files: [...input.files].reverse() })).toBe(text);
    const sections = [...text.matchAll(/^\[(.+)\]$/gm)].map((m) => m[1]);
    expect(sections).toEqual([...sections].sort());
    expect(text).toContain(
      '[general]\n; WARNING.0 = This section provides compatibility with pre-productmd treeinfos.\n',
    );
    expect(text.endsWith('\n')).toBe(true);
  });

  it('leaves out images and stage2 that are not in the tree, and keeps variant repositories', () => {
    const doc = parseTreeinfo(
      renderTreeinfo({
        ...input,
        arch: 'aarch64',
        platforms: undefined,
        variants: [{ uid: 'BaseOS', name: 'BaseOS', repository: '.', packages: 'Packages' }],
        files: [{ path: 'images/pxeboot/vmlinuz', digest: sha256Digest('k') }],
      }),
    );
    expect(doc['images-aarch64']).toEqual({ kernel: 'images/pxeboot/vmlinuz' });
    expect(doc.stage2).toBeUndefined();
    expect(doc['variant-BaseOS']).toMatchObject({ repository: '.', packages: 'Packages' });
    expect(doc.general).toMatchObject({ repository: '.', packagedir: 'Packages', variant: 'BaseOS' });
  });

  it('refuses values that would inject INI syntax', () => {
    expect(() => renderTreeinfo({ ...input, version: '40\n[stage2]' })).toThrow(UnsafeBootParameterError);
    expect(() => renderTreeinfo({ ...input, files: [{ path: '../x', digest: sha256Digest('x') }] })).toThrow(
      /relative path/,
    );
    expect(() => renderTreeinfo({ ...input, files: [{ path: 'a = b', digest: sha256Digest('x') }] })).toThrow(
      /relative path/,
    );
    expect(() => renderTreeinfo({ ...input, variants: [{ uid: 'x]' }] })).toThrow(/plain id/);
  });

  it('parses real-world INI details and reports bad lines', () => {
    const doc = parseTreeinfo(
      '# comment\n[general]\nname: Fedora 40\n; note\ndesc = one\n  two\n\n[checksums]\nImages/X = sha256:1\n',
    );
    expect(doc.general).toEqual({ name: 'Fedora 40', desc: 'one\ntwo' });
    expect(doc.checksums).toEqual({ 'Images/X': 'sha256:1' });
    expect(() => parseTreeinfo('key = value\n')).toThrow(TreeinfoParseError);
    expect(() => parseTreeinfo('[a]\n[a]\n')).toThrow(/line 2: duplicate section/);
    expect(() => parseTreeinfo('[a]\nnot a pair\n')).toThrow(/line 2/);
  });
});
