export * from './hrefs';
export * from './references';
