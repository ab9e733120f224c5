import { API_ROOT, prepare } from '@app/core';
import { createApiApp } from '../../api/src/create-api-app';
import { createContentApp } from '../../content/src/create-content-app';
import { listenContent } from '../../content/src/listen-content';
import { createWorkerApp } from '../../worker/src/create-worker-app';

/** `npm start`: the API, the content app and a worker in one process, with the embedded defaults. */
async function main(): Promise<void> {
  const prepared = await prepare('all');
  const { config, logger } = prepared;
  const worker = await createWorkerApp(prepared);
  const content = await createContentApp(prepared);
  await listenContent(content, config, logger);
  const api = await createApiApp(prepared);
  await api.listen(config.apiPort, config.bindHost);
  logger.info(
    { api: `http://${config.bindHost}:${config.apiPort}${API_ROOT}/`, content: config.contentOrigin },
    'bootdepot is running: API, content app and worker',
  );
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await Promise.allSettled([api.close(), content.close(), worker.close()]);
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
