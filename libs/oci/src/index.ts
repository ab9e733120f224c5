export * from './digest';
export * from './media-types';
export * from './well-known-blobs';
