import { APP_CONFIG, Readiness, STORAGE } from '@app/core';
import type { StorageDriver } from '@app/storage';
import type { AppConfig } from '@app/config';
import { TASK_QUEUE } from '@app/queue';
import { InjectQueue } from '@nestjs/bullmq';
import { Controller, Get, Header, HttpCode, Inject, OnApplicationShutdown, Res } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiExcludeController } from '@nestjs/swagger';
import { Queue } from 'bullmq';
import type { Response } from 'express';
import { Public } from '../auth/auth.guard';
import { MetricsService } from './metrics.service';

/** Liveness, readiness and Prometheus metrics: for orchestrators and scrapers, not in the API document. */
@ApiExcludeController()
@Controller()
export class HealthController implements OnApplicationShutdown {
  private readonly readiness: Readiness;

  constructor(
    private readonly metrics: MetricsService,
    @InjectQueue(TASK_QUEUE) private readonly queue: Queue,
    dataSource: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(STORAGE) storage: StorageDriver,
  ) {
    this.readiness = new Readiness(dataSource, config, storage);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.readiness.close();
  }

  @Get('healthz')
  @Public()
  @HttpCode(200)
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('readyz')
  @Public()
  async ready(@Res() res: Response): Promise<void> {
    const checks = await this.readiness.check();
    res.status(Object.values(checks).every(Boolean) ? 200 : 503).json(checks);
  }

  @Get('metrics')
  @Public()
  @Header('Cache-Control', 'no-store')
  async scrape(@Res() res: Response): Promise<void> {
    res.setHeader('Content-Type', this.metrics.registry.contentType);
    res.send(await this.metrics.render(this.queue));
  }
}
