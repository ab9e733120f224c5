import { NestPinoLogger, Prepared } from '@app/core';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { WorkerModule } from './worker.module';

/** The worker has no HTTP server: an application context running BullMQ processors. */
export async function createWorkerApp(prepared: Prepared): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(prepared), {
    logger: new NestPinoLogger(prepared.logger),
    abortOnError: false,
  });
  await app.init();
  return app;
}
