import { RemoteEntity } from '@app/domain';
import { SecretBox } from '@app/security';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { registryClientOptions } from './registry-client-for';

const box = new SecretBox('unit-test-secret-key-0123456789');

function remote(fields: Partial<RemoteEntity>): RemoteEntity {
  return Object.assign(new RemoteEntity(), {
    id: '00000000-0000-4000-8000-000000000001',
    url: 'https://registry.example',
    tlsValidation: true,
    caCert: null,
    clientCert: null,
    clientKeyEnc: null,
    usernameEnc: null,
    passwordEnc: null,
    proxyUrl: null,
    proxyUsernameEnc: null,
    proxyPasswordEnc: null,
    headers: {},
    connectTimeout: null,
    sockConnectTimeout: null,
    sockReadTimeout: null,
    totalTimeout: null,
    maxRetries: 5,
    rateLimit: null,
    downloadConcurrency: 5,
    ...fields,
  });
}

describe('registryClientOptions', () => {
  const logger = pino({ level: 'silent' });

  it("carries the remote's timeouts (seconds → ms), rate limit and download concurrency", () => {
    const options = registryClientOptions(
      remote({ connectTimeout: 2.5, sockReadTimeout: 1, totalTimeout: 600, rateLimit: 7, downloadConcurrency: 3 }),
      box,
      logger,
    );
    expect(options).toMatchObject({
      connectTimeoutMs: 2500,
      sockReadTimeoutMs: 1000,
      totalTimeoutMs: 600_000,
      rateLimit: 7,
      downloadConcurrency: 3,
      maxRetries: 5,
    });
    expect(options.logger).toBeDefined();
  });

  it('leaves unset limits to the client defaults and unseals credentials', () => {
    const options = registryClientOptions(
      remote({ usernameEnc: box.seal('robot'), passwordEnc: box.seal('s3cret'), clientKeyEnc: box.seal('KEY') }),
      box,
      logger,
    );
    expect(options.connectTimeoutMs).toBeUndefined();
    expect(options.totalTimeoutMs).toBeUndefined();
    expect(options.rateLimit).toBeUndefined();
    expect(options).toMatchObject({ username: 'robot', password: 's3cret', clientKey: 'KEY' });
  });

  it('lets a caller override a setting it has a reason to bound', () => {
    expect(registryClientOptions(remote({ maxRetries: 10 }), box, logger, { maxRetries: 3 }).maxRetries).toBe(3);
  });
});
