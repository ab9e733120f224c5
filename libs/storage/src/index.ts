export * from './blob-sink';
export * from './blob-layout';
export * from './filesystem.driver';
export * from './fs-ops';
export * from './storage.driver';
export * from './storage.errors';
export * from './s3/s3.driver';
export * from './s3/s3-client';
