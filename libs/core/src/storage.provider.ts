import type { AppConfig } from '@app/config';
import { createS3Client, FilesystemDriver, S3Driver, type StorageDriver } from '@app/storage';
import type { Provider } from '@nestjs/common';
import { APP_CONFIG } from './tokens';

/** The blob store every role shares; `@Inject(STORAGE) storage: StorageDriver`. */
export const STORAGE = Symbol('STORAGE');

export const storageProvider: Provider<Promise<StorageDriver>> = {
  provide: STORAGE,
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig) => openStorage(config),
};

/** STORAGE_BACKEND picks the driver once at start; an S3 bucket that does not answer stops the process here. */
export async function openStorage(config: AppConfig): Promise<StorageDriver> {
  if (config.storageBackend === 'filesystem' || !config.s3) return FilesystemDriver.open({ root: config.storagePath });
  const { endpoint, publicEndpoint, region, forcePathStyle, bucket, prefix, capacityBytes } = config.s3;
  const client = createS3Client({ endpoint, region, forcePathStyle });
  const presignClient = publicEndpoint ? createS3Client({ endpoint: publicEndpoint, region, forcePathStyle }) : client;
  return S3Driver.open({ client, presignClient, bucket, prefix, capacityBytes });
}
