export * from './allowed-path';
export * from './chunked-file.writer';
export * from './export-toc';
export * from './tar-member';
