import type { RemoteEntity } from '@app/domain';
import type { SecretBox } from '@app/security';
import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { registryClientFor } from './registry-client-for';

// vi.mock is hoisted above the imports, so the factory gets this stand-in.
const constructed: Record<string, unknown>[] = vi.hoisted(() => []);
vi.mock('@app/registry-client', () => ({
  RegistryClient: class {
    constructor(options: Record<string, unknown>) {
      constructed.push(options);
    }
  },
}));

const box = { openNullable: () => null } as unknown as SecretBox;
const remote = (timeouts: Partial<RemoteEntity>) =>
  ({
    url: 'http://127.0.0.1:9',
    tlsValidation: true,
    caCert: null,
    clientCert: null,
    proxyUrl: null,
    headers: {},
    connectTimeout: null,
    sockConnectTimeout: null,
    sockReadTimeout: null,
    totalTimeout: null,
    maxRetries: 1,
    rateLimit: null,
    downloadConcurrency: 1,
    ...timeouts,
  }) as RemoteEntity;

describe('registryClientFor timeouts', () => {
  it.each([
    [{ connectTimeout: 10, sockConnectTimeout: 2.5 }, 2500],
    [{ connectTimeout: 1, sockConnectTimeout: 30 }, 1000],
    [{ sockConnectTimeout: 4 }, 4000],
    [{ connectTimeout: 7 }, 7000],
    [{}, undefined],
  ])('ends the connect phase at the smaller of connect_timeout and sock_connect_timeout: %j', (timeouts, ms) => {
    registryClientFor(remote(timeouts), box, pino({ level: 'silent' }));
    expect(constructed.at(-1)!.connectTimeoutMs).toBe(ms);
  });
});
