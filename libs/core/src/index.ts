export * from './core.module';
export * from './heartbeat.service';
export * from './logger';
export * from './redis';
export * from './task-dispatcher.service';
export * from './tokens';
export * from './bootstrap';
