import { CoreModule, CoreOptions } from '@app/core';
import { DynamicModule, Module } from '@nestjs/common';
import { TaskHandlers } from './tasks/task-handlers';
import { TaskRunner } from './tasks/task-runner';

@Module({})
export class WorkerModule {
  static forRoot(core: Omit<CoreOptions, 'role'>, options: { withCore?: boolean } = {}): DynamicModule {
    return {
      module: WorkerModule,
      imports: options.withCore === false ? [] : [CoreModule.forRoot({ ...core, role: 'worker' })],
      providers: [TaskHandlers, TaskRunner],
    };
  }
}
