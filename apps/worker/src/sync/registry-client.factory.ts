import type { RemoteEntity } from '@app/domain';
import { RegistryClient, type RegistryLogger } from '@app/registry-client';
import type { SecretBox } from '@app/security';
import type { Logger } from 'pino';

const ms = (seconds: number | null) => (seconds === null ? undefined : Math.round(seconds * 1000));
const smallest = (...values: (number | null)[]) => {
  const set = values.filter((value): value is number => value !== null);
  return set.length ? Math.min(...set) : null;
};

/**
 * A registry client configured from a remote; credentials are unsealed here and live only in the client.
 * `denyAddresses` is REMOTE_URL_DENY: addresses no connection of this client may reach.
 */
export function registryClientFor(
  remote: RemoteEntity,
  box: SecretBox,
  logger: Logger,
  denyAddresses: readonly string[] = [],
): RegistryClient {
  return new RegistryClient({
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
    denyAddresses,
    headers: remote.headers,
    // undici has one connect limit (socket + TLS); Pulp's connect_timeout and sock_connect_timeout both bound it.
    connectTimeoutMs: ms(smallest(remote.connectTimeout, remote.sockConnectTimeout)),
    sockReadTimeoutMs: ms(remote.sockReadTimeout),
    totalTimeoutMs: ms(remote.totalTimeout),
    maxRetries: remote.maxRetries,
    rateLimit: remote.rateLimit ?? undefined,
    downloadConcurrency: remote.downloadConcurrency,
    logger: pinoAdapter(logger),
  });
}

function pinoAdapter(logger: Logger): RegistryLogger {
  return {
    debug: (message, context) => logger.debug(context ?? {}, message),
    info: (message, context) => logger.info(context ?? {}, message),
    warn: (message, context) => logger.warn(context ?? {}, message),
  };
}
