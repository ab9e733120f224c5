import { prepare } from '@app/core';
import { createContentApp } from './create-content-app';

async function main(): Promise<void> {
  const prepared = await prepare('content');
  const app = await createContentApp(prepared);
  app.server.listen(prepared.config.contentPort, prepared.config.bindHost);
  prepared.logger.info({ port: prepared.config.contentPort }, 'content app listening');
  const stop = () => void app.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
