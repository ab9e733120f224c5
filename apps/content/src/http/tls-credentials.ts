import { certificatesFromPem } from '@app/security';
import { createPrivateKey } from 'node:crypto';
import { readFileSync, type Stats, unwatchFile, watchFile } from 'node:fs';
import type { Server as HttpsServer, ServerOptions as HttpsServerOptions } from 'node:https';
import { createSecureContext, type SecureContextOptions } from 'node:tls';
import type { Logger } from 'pino';

/**
 * What the HTTPS listener offers: TLS 1.3's AEAD suites, then TLS 1.2 with forward secrecy and AES-GCM only.
 * ECDHE (RSA or ECDSA certificates) for clients with elliptic curves; finite-field DHE with RSA for UEFI
 * firmware built without them: Debian's OVMF 2022.11 (EDK2's TlsLib on an OpenSSL without EC) offers only
 * DHE-RSA and static-RSA suites (seen in its ClientHello: 009f 009e … 009d 009c …), so without DHE it could
 * only use static RSA key exchange, which is not offered. No CBC, no static RSA, nothing below TLS 1.2.
 */
export const TLS_CIPHERS = [
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'DHE-RSA-AES128-GCM-SHA256',
  'DHE-RSA-AES256-GCM-SHA384',
].join(':');

/**
 * A client that opens a connection and never finishes the handshake (or sends plain HTTP, or garbage) holds
 * one socket for at most this long. Firmware on a slow TCG guest needs well under a second.
 */
export const TLS_HANDSHAKE_TIMEOUT_MS = 10_000;

/** How often the certificate and key files are looked at (stat only) for a renewal. */
const WATCH_INTERVAL_MS = 2_000;

export function tlsServerOptions(
  credentials: SecureContextOptions,
  handshakeTimeoutMs = TLS_HANDSHAKE_TIMEOUT_MS,
): HttpsServerOptions {
  return {
    ...credentials,
    minVersion: 'TLSv1.2',
    ciphers: TLS_CIPHERS,
    // Well-known groups sized to the key (RFC 7919/3526, 2048 bits for RSA 2048): DHE works without a dhparam file.
    dhparam: 'auto',
    honorCipherOrder: true,
    handshakeTimeout: handshakeTimeoutMs,
  };
}

/** Reads a PEM certificate (chain allowed) and key, and proves they belong together before anything uses them. */
export function readTlsCredentials(certPath: string, keyPath: string): SecureContextOptions {
  const credentials = { cert: readFileSync(certPath), key: readFileSync(keyPath) };
  const [leaf] = certificatesFromPem(credentials.cert.toString('utf8'));
  if (!leaf) throw new Error(`${certPath} holds no PEM certificate`);
  // OpenSSL itself would quietly drop a key that does not match and then fail every handshake, so a renewal
  // caught between writing the key and writing the certificate must be refused here.
  if (!leaf.checkPrivateKey(createPrivateKey(credentials.key))) {
    throw new Error(`the key in ${keyPath} does not belong to the certificate in ${certPath}`);
  }
  // Throws on PEM OpenSSL cannot use.
  createSecureContext({ ...credentials, minVersion: 'TLSv1.2', ciphers: TLS_CIPHERS, dhparam: 'auto' });
  return credentials;
}

/**
 * Keeps an HTTPS server's certificate current: on SIGHUP (`reload()`) or when either file changes, the new
 * pair is read and handed to `setSecureContext`, which applies to new handshakes only, so transfers in flight
 * continue on the session they began with. A pair that does not load (a renewal caught half-written, a key
 * not matching) is logged and the previous certificate stays in service.
 */
export class TlsCredentialsWatcher {
  private timer: NodeJS.Timeout | undefined;
  private readonly onChange = (current: Stats, previous: Stats) => {
    if (current.mtimeMs === previous.mtimeMs && current.ino === previous.ino && current.size === previous.size) return;
    // Renewal tools write the certificate and the key one after the other: wait for both before loading.
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.reload('file change'), 500);
  };

  constructor(
    private readonly server: HttpsServer,
    private readonly certPath: string,
    private readonly keyPath: string,
    private readonly logger: Logger,
  ) {}

  /** Starts polling the two files (a stat every 2 s; works through symlink swaps such as certbot's). */
  watch(): this {
    watchFile(this.certPath, { interval: WATCH_INTERVAL_MS, persistent: false }, this.onChange);
    watchFile(this.keyPath, { interval: WATCH_INTERVAL_MS, persistent: false }, this.onChange);
    return this;
  }

  /** Loads the files now; returns whether the server now uses them. */
  reload(reason: string): boolean {
    try {
      const credentials = readTlsCredentials(this.certPath, this.keyPath);
      this.server.setSecureContext(tlsServerOptions(credentials));
      this.logger.info({ cert: this.certPath, reason }, 'content TLS certificate loaded');
      return true;
    } catch (error) {
      this.logger.error(
        { err: error, cert: this.certPath, key: this.keyPath, reason },
        'content TLS certificate not reloaded; the previous one stays in use',
      );
      return false;
    }
  }

  close(): void {
    clearTimeout(this.timer);
    unwatchFile(this.certPath, this.onChange);
    unwatchFile(this.keyPath, this.onChange);
  }
}
