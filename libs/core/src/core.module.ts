import type { AppConfig } from '@app/config';
import { createDataSource, DOMAIN_REPOSITORIES } from '@app/domain';
import { TASK_QUEUE } from '@app/queue';
import { SecretBox, UrlSigner } from '@app/security';
import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import { ContentInvalidationPublisher } from './content-invalidation';
import { HeartbeatService } from './heartbeat.service';
import { redisOptionsFromUrl } from './redis';
import { STORAGE, storageProvider } from './storage.provider';
import { TaskDispatcher } from './task-dispatcher.service';
import { APP_CONFIG, APP_LOGGER, PROCESS_ROLE, SECRET_BOX, URL_SIGNER } from './tokens';

export interface CoreOptions {
  config: AppConfig;
  role: 'api' | 'content' | 'worker';
  logger: Logger;
  secretKey: string;
}

/** What every role shares: configuration, logging, PostgreSQL, the task queue, secrets, the heartbeat. */
@Global()
@Module({})
export class CoreModule {
  static forRoot({ config, role, logger, secretKey }: CoreOptions): DynamicModule {
    return {
      module: CoreModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => ({}),
          dataSourceFactory: async () =>
            createDataSource(config.databaseUrl, { applicationName: `bootdepot-${role}` }).initialize(),
        }),
        BullModule.forRoot({ connection: redisOptionsFromUrl(config.redisUrl), prefix: config.redisPrefix }),
        BullModule.registerQueue({ name: TASK_QUEUE }),
      ],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: APP_LOGGER, useValue: logger },
        { provide: PROCESS_ROLE, useValue: role },
        { provide: SECRET_BOX, useValue: new SecretBox(secretKey) },
        { provide: URL_SIGNER, useValue: new UrlSigner(secretKey) },
        ContentInvalidationPublisher,
        HeartbeatService,
        ...DOMAIN_REPOSITORIES,
        storageProvider,
        TaskDispatcher,
      ],
      exports: [
        APP_CONFIG,
        APP_LOGGER,
        PROCESS_ROLE,
        SECRET_BOX,
        URL_SIGNER,
        BullModule,
        ContentInvalidationPublisher,
        HeartbeatService,
        ...DOMAIN_REPOSITORIES,
        STORAGE,
        TaskDispatcher,
      ],
    };
  }
}
