import type { AppConfig } from '@app/config';
import type { Server } from 'node:net';
import type { Logger } from 'pino';
import type { ContentApp } from './create-content-app';

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/**
 * Opens the content app's listeners: plain HTTP on CONTENT_PORT unless it is 0, HTTPS on CONTENT_TLS_PORT when
 * a certificate is configured; and makes SIGHUP re-read the certificate (renewals need no restart).
 */
export async function listenContent(app: ContentApp, config: AppConfig, logger: Logger): Promise<void> {
  if (config.contentPort !== 0) {
    await listen(app.server, config.contentPort, config.bindHost);
    logger.info({ port: config.contentPort, scheme: 'http' }, 'content app listening');
  }
  if (app.tlsServer) {
    await listen(app.tlsServer, config.contentTlsPort, config.bindHost);
    logger.info({ port: config.contentTlsPort, scheme: 'https' }, 'content app listening');
    process.on('SIGHUP', () => void app.reloadTls());
  }
}
