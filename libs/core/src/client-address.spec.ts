import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { ClientAddressResolver } from './client-address';

const request = (peer: string, forwarded?: string) =>
  ({ socket: { remoteAddress: peer }, headers: forwarded ? { 'x-forwarded-for': forwarded } : {} }) as IncomingMessage;

describe('ClientAddressResolver', () => {
  const resolver = new ClientAddressResolver(['10.0.0.0/8', '::1/128']);

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', () => {
    expect(resolver.clientOf(request('203.0.113.9', '198.51.100.1'))).toBe('203.0.113.9');
    expect(new ClientAddressResolver([]).clientOf(request('10.0.0.1', '198.51.100.1'))).toBe('10.0.0.1');
  });

  it('takes the nearest untrusted hop behind trusted proxies', () => {
    expect(resolver.clientOf(request('10.0.0.1', '198.51.100.1'))).toBe('198.51.100.1');
    // The client forged a first hop; the proxy appended the address it really saw.
    expect(resolver.clientOf(request('::ffff:10.0.0.1', '1.2.3.4, 198.51.100.7, 10.0.0.2'))).toBe('198.51.100.7');
    expect(resolver.clientOf(request('::1', '198.51.100.1'))).toBe('198.51.100.1');
  });

  it('falls back to the peer when the header is missing or malformed', () => {
    expect(resolver.clientOf(request('10.0.0.1'))).toBe('10.0.0.1');
    expect(resolver.clientOf(request('10.0.0.1', 'not-an-ip'))).toBe('10.0.0.1');
  });
});
