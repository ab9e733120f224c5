import type { AppConfig } from '@app/config';
import { redisOptionsFromUrl } from '@app/core';
import { TASK_QUEUE } from '@app/queue';
import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Global, Module } from '@nestjs/common';
import { TaskDispatcher } from './task-dispatcher.service';

/**
 * The task queue, for the roles that dispatch or run tasks (api, worker): BullMQ on Redis and the dispatcher.
 * The content role does not import it, so the serving path never loads a queue client.
 */
@Global()
@Module({})
export class TaskQueueModule {
  static forRoot(config: Pick<AppConfig, 'redisUrl' | 'redisPrefix'>): DynamicModule {
    return {
      module: TaskQueueModule,
      imports: [
        BullModule.forRoot({ connection: redisOptionsFromUrl(config.redisUrl), prefix: config.redisPrefix }),
        BullModule.registerQueue({ name: TASK_QUEUE }),
      ],
      providers: [TaskDispatcher],
      exports: [BullModule, TaskDispatcher],
    };
  }
}
