import { prepare } from '@app/core';
import { createApiApp } from './create-api-app';

async function main(): Promise<void> {
  const prepared = await prepare('api');
  const app = await createApiApp(prepared);
  app.enableShutdownHooks();
  await app.listen(prepared.config.apiPort, prepared.config.bindHost);
  prepared.logger.info({ port: prepared.config.apiPort }, 'API listening');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
