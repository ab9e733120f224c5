import { ProcessesRepository } from '@app/domain';
import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { AppConfig } from '@app/config';
import { APP_CONFIG, APP_LOGGER, PROCESS_ROLE } from './tokens';

/** Every process records itself and a heartbeat, so `status/` can list what is online. */
@Injectable()
export class HeartbeatService implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly name = `${hostname()}-${process.pid}`;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly processes: ProcessesRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(PROCESS_ROLE) private readonly role: string,
    @Inject(APP_LOGGER) private readonly logger: Logger,
  ) {}

  get processName(): string {
    return `${this.role}@${this.name}`;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.beat();
    this.timer = setInterval(
      () =>
        void this.beat().catch((error: unknown) => this.logger.warn({ err: error }, 'heartbeat failed; will retry')),
      this.config.heartbeatSeconds * 1000,
    );
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.processes.forget(this.processName).catch(() => undefined);
  }

  private async beat(): Promise<void> {
    await this.processes.beat(this.processName, this.role);
  }
}
