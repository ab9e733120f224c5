export * from './data-source';
export * from './entities';
export * from './repositories/repository-versions.repository';
export * from './returning';
