import type { AppConfig } from '@app/config';
import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { redisOptionsFromUrl } from './redis';
import { APP_CONFIG, APP_LOGGER } from './tokens';

/** Why the content apps must re-read what they serve; only logged, every message reloads the same way. */
export interface ContentInvalidation {
  reason: 'distribution-changed' | 'repository-changed' | 'version-created' | 'version-deleted' | string;
  distributionId?: string;
  repositoryId?: string;
}

/** The pub/sub channel every content app replica of one deployment (one REDIS_PREFIX) listens on. */
export function contentInvalidationChannel(redisPrefix: string): string {
  return `${redisPrefix}:content:invalidate`;
}

export async function publishContentInvalidation(
  redis: Pick<Redis, 'publish'>,
  redisPrefix: string,
  event: ContentInvalidation,
): Promise<void> {
  await redis.publish(contentInvalidationChannel(redisPrefix), JSON.stringify(event));
}

/**
 * Tells the content apps that a distribution, repository or version changed. Call it after the transaction
 * committed. A lost message is not fatal (content apps also re-read every minute), so failures are logged,
 * never thrown into the caller's request or task.
 */
@Injectable()
export class ContentInvalidationPublisher implements OnApplicationShutdown {
  private redis: Redis | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(APP_LOGGER) private readonly logger: Logger,
  ) {}

  async publish(event: ContentInvalidation): Promise<void> {
    try {
      this.redis ??= new Redis({ ...redisOptionsFromUrl(this.config.redisUrl), maxRetriesPerRequest: 1 });
      await publishContentInvalidation(this.redis, this.config.redisPrefix, event);
    } catch (error) {
      this.logger.warn(
        { err: error, event },
        'could not publish a content invalidation; content apps catch up within a minute',
      );
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis?.quit().catch(() => undefined);
  }
}
