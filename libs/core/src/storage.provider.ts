import type { AppConfig } from '@app/config';
import { FilesystemDriver, type StorageDriver } from '@app/storage';
import type { Provider } from '@nestjs/common';
import { APP_CONFIG } from './tokens';

/** The blob store every role shares; `@Inject(STORAGE) storage: StorageDriver`. */
export const STORAGE = Symbol('STORAGE');

export const storageProvider: Provider<Promise<StorageDriver>> = {
  provide: STORAGE,
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig) => FilesystemDriver.open({ root: config.storagePath }),
};
