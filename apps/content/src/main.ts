// First: keeps V8's maps of process.nextTick's tick objects for the life of the process (see the module).
import './keep-tick-maps';
import { loadConfig } from '@app/config';
import { prepare } from '@app/core';
import cluster from 'node:cluster';
import { createContentApp } from './create-content-app';
import { listenContent } from './listen-content';

/**
 * With CONTENT_WORKERS > 1 the content app forks that many processes sharing the port (node:cluster),
 * as nginx runs one worker per core: a single Node process tops out at one core of small requests.
 */
async function main(): Promise<void> {
  if (cluster.isPrimary && configuredWorkers() > 1) {
    // Migrate once in the primary, so the forked workers start on an up-to-date schema.
    const prepared = await prepare('content');
    let stopping = false;
    // Workers accept from the shared socket themselves (as nginx workers do) rather than the primary
    // accepting every connection and passing it over IPC: no extra hop per connection, and a connection is
    // never handed to a worker that is dying (with round-robin it would hang until the client gave up).
    cluster.schedulingPolicy = cluster.SCHED_NONE;
    for (let i = 0; i < prepared.config.contentWorkers; i++) cluster.fork();
    cluster.on('exit', (worker, code, signal) => {
      if (stopping) return;
      prepared.logger.warn({ pid: worker.process.pid, code, signal }, 'content worker exited; starting another');
      cluster.fork();
    });
    const stop = () => {
      stopping = true;
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
      setTimeout(() => process.exit(0), 5000).unref();
      cluster.on('exit', () => Object.keys(cluster.workers ?? {}).length === 0 && process.exit(0));
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    // A renewed certificate: every worker re-reads it (each holds its own TLS context).
    if (prepared.config.contentTlsCert) {
      process.on('SIGHUP', () => {
        for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGHUP');
      });
    }
    return;
  }
  const prepared = await prepare('content');
  const app = await createContentApp(prepared);
  await listenContent(app, prepared.config, prepared.logger);
  const stop = () => void app.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

/** A bad value is reported by `prepare`, with the variable named; here it only means "no cluster". */
function configuredWorkers(): number {
  try {
    return loadConfig().contentWorkers;
  } catch {
    return 1;
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
