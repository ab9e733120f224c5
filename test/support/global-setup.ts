import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { PG_ADMIN_URL, REDIS_URL } from './stack';

/** Fails fast, with the fix in the message, when a peer the end-to-end tests need is missing. */
export default async function setup(): Promise<void> {
  const pg = new Client({ connectionString: PG_ADMIN_URL });
  await pg.connect().catch((error: Error) => {
    throw new Error(`PostgreSQL is not reachable at ${PG_ADMIN_URL} (${error.message}); start it or set TEST_PG_URL`);
  });
  await pg.end();
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect().catch((error: Error) => {
    throw new Error(`Redis is not reachable at ${REDIS_URL} (${error.message}); start it or set TEST_REDIS_URL`);
  });
  await redis.quit();
  if (!existsSync('/usr/bin/docker-registry')) {
    throw new Error(
      'docker-registry is missing: npm test installs it (scripts/test-prerequisites.sh); or apt-get install docker-registry',
    );
  }
  execFileSync('/usr/bin/docker-registry', ['--version'], { stdio: 'ignore' });
}
