export * from './config';
export { ConfigError } from './env-schema';
export * from './version';
