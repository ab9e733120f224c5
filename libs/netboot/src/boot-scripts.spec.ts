import { describe, expect, it } from 'vitest';
import { renderGrubCfg } from './grub.renderer';
import { renderIpxeScript } from './ipxe.renderer';
import { sanitizeKernelArgs } from './kernel-args';
import { UnsafeBootParameterError } from './netboot.errors';

const base = 'http://boot.example:24816/pulp/content/fedora/40/images';

describe('renderIpxeScript', () => {
  it('writes a script that keeps DHCP state, names the initrd and passes Anaconda arguments', () => {
    expect(
      renderIpxeScript({
        kernelUrl: `${base}/pxeboot/vmlinuz`,
        initrdUrl: `${base}/pxeboot/initrd.img`,
        stage2Url: 'http://boot.example:24816/pulp/content/fedora/40/',
        kernelArgs: 'ip=dhcp console=ttyS0,115200n8',
      }),
    ).toBe(
      [
        '#!ipxe',
        'isset ${net0/ip} || dhcp',
        `kernel ${base}/pxeboot/vmlinuz initrd=initrd.img inst.stage2=http://boot.example:24816/pulp/content/fedora/40/ ip=dhcp console=ttyS0,115200n8`,
        `initrd --name initrd.img ${base}/pxeboot/initrd.img`,
        'boot',
        '',
      ].join('\n'),
    );
  });

  it('adds inst.repo when given', () => {
    const script = renderIpxeScript({
      kernelUrl: `${base}/k`,
      initrdUrl: `${base}/i`,
      repoUrl: 'https://mirror.example/os/',
    });
    expect(script).toContain('initrd=initrd.img inst.repo=https://mirror.example/os/\n');
  });

  it.each([
    'quiet\nchain http://evil/',
    'inst.ks=${evil}',
    'a;b',
    'a || shell',
    'a && b',
    'x "quoted"',
    "x 'quoted'",
    'x # comment',
    'x\\',
    'x`y`',
    'x {y}',
    'tab\there',
  ])('rejects kernel arguments that would break the script: %j', (kernelArgs) => {
    expect(() => renderIpxeScript({ kernelUrl: `${base}/k`, initrdUrl: `${base}/i`, kernelArgs })).toThrow(
      UnsafeBootParameterError,
    );
    expect(() => renderGrubCfg({ kernelUrl: `${base}/k`, initrdUrl: `${base}/i`, kernelArgs })).toThrow(
      UnsafeBootParameterError,
    );
  });

  it('rejects unsafe or non-network URLs', () => {
    expect(() => renderIpxeScript({ kernelUrl: 'file:///etc/passwd', initrdUrl: `${base}/i` })).toThrow(
      /http, https or tftp/,
    );
    expect(() => renderIpxeScript({ kernelUrl: `${base}/k\nshell`, initrdUrl: `${base}/i` })).toThrow(/unsafe/);
    expect(() => renderIpxeScript({ kernelUrl: `${base}/k`, initrdUrl: `${base}/i?a=1&b=2` })).toThrow(/"&"/);
    expect(() => renderIpxeScript({ kernelUrl: 'vmlinuz', initrdUrl: `${base}/i` })).toThrow(/absolute URL/);
  });
});

describe('sanitizeKernelArgs', () => {
  it('splits strings and arrays into tokens', () => {
    expect(sanitizeKernelArgs(['ip=dhcp  rd.debug', 'inst.ks=http://h/ks.cfg'])).toEqual([
      'ip=dhcp',
      'rd.debug',
      'inst.ks=http://h/ks.cfg',
    ]);
    expect(sanitizeKernelArgs(undefined)).toEqual([]);
  });
});

describe('renderGrubCfg', () => {
  it('writes linux/initrd lines with GRUB network paths', () => {
    expect(
      renderGrubCfg({
        kernelUrl: `${base}/pxeboot/vmlinuz`,
        initrdUrl: `${base}/pxeboot/initrd.img`,
        stage2Url: 'http://boot.example:24816/pulp/content/fedora/40/',
        kernelArgs: 'ip=dhcp',
        title: 'Install Fedora 40',
      }),
    ).toBe(
      [
        'set timeout=5',
        'set default=0',
        '',
        "menuentry 'Install Fedora 40' {",
        '  linux (http,boot.example:24816)/pulp/content/fedora/40/images/pxeboot/vmlinuz inst.stage2=http://boot.example:24816/pulp/content/fedora/40/ ip=dhcp',
        '  initrd (http,boot.example:24816)/pulp/content/fedora/40/images/pxeboot/initrd.img',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('rejects titles that would escape the quotes', () => {
    expect(() => renderGrubCfg({ kernelUrl: `${base}/k`, initrdUrl: `${base}/i`, title: "x' { shell }" })).toThrow(
      UnsafeBootParameterError,
    );
  });
});
