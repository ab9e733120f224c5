import { prepare } from '@app/core';
import { createWorkerApp } from './create-worker-app';

async function main(): Promise<void> {
  const prepared = await prepare('worker');
  const app = await createWorkerApp(prepared);
  app.enableShutdownHooks();
  prepared.logger.info('worker started');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
