export * from './data-source';
export * from './entities';
export * from './repositories';
export * from './returning';
