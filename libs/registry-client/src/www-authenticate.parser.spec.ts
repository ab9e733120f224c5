import { describe, expect, it } from 'vitest';
import { parseWwwAuthenticate } from './www-authenticate.parser';

describe('parseWwwAuthenticate', () => {
  it('parses a distribution Bearer challenge with a comma inside the quoted scope', () => {
    const header =
      'Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:a/b:pull,push"';
    expect(parseWwwAuthenticate(header)).toEqual([
      {
        scheme: 'bearer',
        params: {
          realm: 'https://auth.example.com/token',
          service: 'registry.example.com',
          scope: 'repository:a/b:pull,push',
        },
      },
    ]);
  });

  it('accepts unquoted values, odd spacing and upper-case names', () => {
    expect(parseWwwAuthenticate('bearer  Realm = https://q.io/v2/auth , Service=quay.io')).toEqual([
      { scheme: 'bearer', params: { realm: 'https://q.io/v2/auth', service: 'quay.io' } },
    ]);
  });

  it('parses Basic and escaped quotes', () => {
    expect(parseWwwAuthenticate('Basic realm="say \\"hi\\", please"')).toEqual([
      { scheme: 'basic', params: { realm: 'say "hi", please' } },
    ]);
  });

  it('splits several challenges in one header and across header lines', () => {
    const parsed = parseWwwAuthenticate(['Basic realm="r1", Bearer realm="r2",error="invalid_token"', 'Negotiate']);
    expect(parsed.map((c) => c.scheme)).toEqual(['basic', 'bearer', 'negotiate']);
    expect(parsed[1].params).toEqual({ realm: 'r2', error: 'invalid_token' });
  });

  it('skips token68 credentials and survives garbage', () => {
    expect(parseWwwAuthenticate('Negotiate abc123==, Basic realm=x')).toEqual([
      { scheme: 'negotiate', params: {} },
      { scheme: 'basic', params: { realm: 'x' } },
    ]);
    expect(parseWwwAuthenticate('')).toEqual([]);
    expect(parseWwwAuthenticate(undefined)).toEqual([]);
    expect(parseWwwAuthenticate('Bearer realm="unterminated')).toEqual([
      { scheme: 'bearer', params: { realm: 'unterminated' } },
    ]);
  });
});
