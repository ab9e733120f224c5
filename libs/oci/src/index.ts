export * from './digest';
export * from './media-types';
