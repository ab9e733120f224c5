import { validateSync } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { renderGrubCfg, renderIpxeScript, UnsafeBootParameterError } from '@app/netboot';
import { HasNoUserInfo, IsHeaderMap, IsHttpUrl, IsKernelArgs, IsPem } from './validators';

class Sample {
  @IsHttpUrl() url: unknown;
  @IsHeaderMap() headers: unknown;
  @IsPem('CERTIFICATE') cert: unknown;
}

function errorsFor(values: Partial<Sample>): string[] {
  const sample = Object.assign(new Sample(), { url: 'http://x', headers: {}, cert: PEM, ...values });
  return validateSync(sample).map((e) => e.property);
}

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----';

describe('custom validators', () => {
  it('accepts hostnames without dots and ports', () => {
    expect(errorsFor({ url: 'http://registry:5000' })).toEqual([]);
    expect(errorsFor({ url: 'https://127.0.0.1' })).toEqual([]);
  });

  it.each(['ftp://x', 'not a url', 'http://', 'http://x/#frag', 42])('refuses url %s', (url) => {
    expect(errorsFor({ url })).toEqual(['url']);
  });

  it('refuses header maps that could smuggle or override', () => {
    expect(errorsFor({ headers: { 'X-Trace': 'a' } })).toEqual([]);
    expect(errorsFor({ headers: { 'X-Bad': 'a\r\nHost: evil' } })).toEqual(['headers']);
    expect(errorsFor({ headers: { Host: 'evil' } })).toEqual(['headers']);
    expect(errorsFor({ headers: { 'bad name': 'x' } })).toEqual(['headers']);
    expect(errorsFor({ headers: ['x'] })).toEqual(['headers']);
  });

  it('wants PEM text of the right kind', () => {
    expect(errorsFor({ cert: '-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----' })).toEqual(['cert']);
  });
});

describe('IsKernelArgs: the renderers and the API share one rule', () => {
  class Args {
    @IsKernelArgs() kernel_args: unknown;
  }
  const accepted = (value: string) => validateSync(Object.assign(new Args(), { kernel_args: value })).length === 0;
  const renders = (value: string) => {
    const input = { kernelUrl: 'http://boot.example/k', initrdUrl: 'http://boot.example/i', kernelArgs: value };
    try {
      renderIpxeScript(input);
      renderGrubCfg(input);
      return true;
    } catch (error) {
      if (error instanceof UnsafeBootParameterError) return false;
      throw error;
    }
  };

  it('accepts exactly what both boot scripts render, for every character', () => {
    for (let code = 0; code < 0x250; code++) {
      const value = `console=ttyS0 a${String.fromCharCode(code)}b`;
      expect(accepted(value), `U+${code.toString(16)}`).toBe(renders(value));
    }
  });

  it.each(['console=ttyS0 && chain http://evil.example/x', 'a || b', 'console=ttyS0 # rest', 'a\tb', 'x;y'])(
    'refuses %j',
    (value) => expect(accepted(value)).toBe(false),
  );
});

describe('HasNoUserInfo', () => {
  class Remote {
    @HasNoUserInfo('`username` and `password`') url: unknown;
  }
  const errors = (url: string) => validateSync(Object.assign(new Remote(), { url }));

  it('refuses user:password@ and names the fields to use instead', () => {
    const [error] = errors('http://u:S3cr3t@host:5000');
    expect(Object.values(error!.constraints!)[0]).toMatch(/`username` and `password`/);
    expect(errors('http://u@host:5000')).toHaveLength(1);
    expect(errors('https://quay.io')).toHaveLength(0);
  });
});
