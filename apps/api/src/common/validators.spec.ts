import { validateSync } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { IsHeaderMap, IsHttpUrl, IsPem } from './validators';

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
