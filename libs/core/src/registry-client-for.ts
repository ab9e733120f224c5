import type { RemoteEntity } from '@app/domain';
import { RegistryClient, type RegistryClientOptions, type RegistryLogger } from '@app/registry-client';
import type { SecretBox } from '@app/security';
import type { Logger } from 'pino';

const ms = (seconds: number | null) => (seconds === null ? undefined : Math.round(seconds * 1000));
const smallest = (...values: (number | null)[]) => {
  const set = values.filter((value): value is number => value !== null);
  return set.length ? Math.min(...set) : null;
};

/**
 * Every setting of a remote that shapes how its registry is talked to, in one place, so a sync, a repair and an
 * on-demand fetch all honour the same timeouts, rate limit, TLS and proxy settings. Credentials are unsealed
 * here and live only in the options handed to the client. `overrides` is for a caller with a reason to differ
 * (the content app bounds retries because a booting host is waiting); REMOTE_URL_DENY comes in as
 * `denyAddresses`, from the caller's configuration.
 */
export function registryClientOptions(
  remote: RemoteEntity,
  box: SecretBox,
  logger: Logger,
  overrides: Partial<RegistryClientOptions> = {},
): RegistryClientOptions {
  return {
    url: remote.url,
    username: box.openNullable(remote.usernameEnc) ?? undefined,
    password: box.openNullable(remote.passwordEnc) ?? undefined,
    tlsValidation: remote.tlsValidation,
    caCert: remote.caCert ?? undefined,
    clientCert: remote.clientCert ?? undefined,
    clientKey: box.openNullable(remote.clientKeyEnc) ?? undefined,
    proxyUrl: remote.proxyUrl ?? undefined,
    proxyUsername: box.openNullable(remote.proxyUsernameEnc) ?? undefined,
    proxyPassword: box.openNullable(remote.proxyPasswordEnc) ?? undefined,
    headers: remote.headers,
    // undici has one connect limit (socket + TLS); Pulp's connect_timeout and sock_connect_timeout both bound it.
    connectTimeoutMs: ms(smallest(remote.connectTimeout, remote.sockConnectTimeout)),
    sockReadTimeoutMs: ms(remote.sockReadTimeout),
    totalTimeoutMs: ms(remote.totalTimeout),
    maxRetries: remote.maxRetries,
    rateLimit: remote.rateLimit ?? undefined,
    downloadConcurrency: remote.downloadConcurrency,
    logger: pinoAdapter(logger),
    ...overrides,
  };
}

/** A registry client configured from a remote (see `registryClientOptions`); the caller closes it. */
export function registryClientFor(
  remote: RemoteEntity,
  box: SecretBox,
  logger: Logger,
  overrides?: Partial<RegistryClientOptions>,
): RegistryClient {
  return new RegistryClient(registryClientOptions(remote, box, logger, overrides));
}

function pinoAdapter(logger: Logger): RegistryLogger {
  return {
    debug: (message, context) => logger.debug(context ?? {}, message),
    info: (message, context) => logger.info(context ?? {}, message),
    warn: (message, context) => logger.warn(context ?? {}, message),
  };
}
