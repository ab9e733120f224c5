import type { AppConfig } from '@app/config';
import { createDataSource, DOMAIN_REPOSITORIES } from '@app/domain';
import { SecretBox, UrlSigner } from '@app/security';
import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import { ContentInvalidationPublisher } from './content-invalidation';
import { HeartbeatService } from './heartbeat.service';
import { STORAGE, storageProvider } from './storage.provider';
import { APP_CONFIG, APP_LOGGER, PROCESS_ROLE, SECRET_BOX, URL_SIGNER } from './tokens';

export interface CoreOptions {
  config: AppConfig;
  role: 'api' | 'content' | 'worker';
  logger: Logger;
  secretKey: string;
}

/**
 * What every role shares: configuration, logging, PostgreSQL and the repositories, secrets, storage, the
 * heartbeat and content invalidation. The task queue is not here: the api and worker import `TaskQueueModule`
 * (`@app/dispatch`) beside it, and the content app, which enqueues nothing, does not.
 */
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
      ],
      exports: [
        APP_CONFIG,
        APP_LOGGER,
        PROCESS_ROLE,
        SECRET_BOX,
        URL_SIGNER,
        ContentInvalidationPublisher,
        HeartbeatService,
        ...DOMAIN_REPOSITORIES,
        STORAGE,
      ],
    };
  }
}
