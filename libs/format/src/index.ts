export * from './human-units';
