import type { AppConfig } from '@app/config';
import { APP_CONFIG, APP_LOGGER, Readiness, STORAGE } from '@app/core';
import type { StorageDriver } from '@app/storage';
import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { createServer, Server } from 'node:http';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';

/**
 * The worker serves no content, but orchestrators still want to probe it: with WORKER_HEALTH_PORT set it
 * answers `/healthz` and `/readyz` there (off by default, so several workers can share a host).
 */
@Injectable()
export class WorkerHealthServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private server: Server | undefined;
  private readonly readiness: Readiness;

  constructor(
    dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(APP_LOGGER) private readonly logger: Logger,
    @Inject(STORAGE) storage: StorageDriver,
  ) {
    this.readiness = new Readiness(dataSource, config, storage);
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.workerHealthPort) return;
    this.server = createServer((req, res) => {
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, {
          'Content-Type': 'application/json',
          'Cache-Control': 'no-store',
          'X-Content-Type-Options': 'nosniff',
        });
        res.end(JSON.stringify(body));
      };
      if (req.url === '/healthz') return reply(200, { status: 'ok' });
      if (req.url === '/readyz') {
        void this.readiness.check().then((checks) => reply(Object.values(checks).every(Boolean) ? 200 : 503, checks));
        return;
      }
      reply(404, { detail: 'not found' });
    });
    await new Promise<void>((resolve) =>
      this.server!.listen(this.config.workerHealthPort, this.config.bindHost, resolve),
    );
    this.logger.info({ port: this.config.workerHealthPort }, 'worker health endpoints listening');
  }

  async onApplicationShutdown(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    await this.readiness.close();
  }
}
