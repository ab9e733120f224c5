import { Redis } from 'ioredis';

/** Removes every Redis key a benchmark's processes created under their prefix (SCAN: never blocks Redis). */
export async function dropRedisPrefix(url, prefix) {
  const redis = new Redis(url);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    if (keys.length) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  await redis.quit();
}
