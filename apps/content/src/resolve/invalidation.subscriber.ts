import { contentInvalidationChannel, redisOptionsFromUrl } from '@app/core';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';

/**
 * Listens for invalidations published by the API and the worker. Pub/sub is fire-and-forget, so after any
 * (re)connect the cache is dropped too: messages sent while we were disconnected are lost.
 */
export async function subscribeToInvalidations(
  options: { redisUrl: string; redisPrefix: string; logger: Logger },
  invalidate: () => void,
): Promise<{ close(): Promise<void> }> {
  const redis = new Redis({ ...redisOptionsFromUrl(options.redisUrl), lazyConnect: true });
  const channel = contentInvalidationChannel(options.redisPrefix);
  redis.on('message', (received: string, message: string) => {
    if (received !== channel) return;
    options.logger.debug({ message }, 'content invalidated');
    invalidate();
  });
  redis.on('ready', () => invalidate());
  redis.on('error', (error: Error) => options.logger.warn({ err: error }, 'content invalidation subscriber error'));
  await redis.connect();
  await redis.subscribe(channel);
  return {
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
