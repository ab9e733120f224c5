export * from './task-dispatcher.service';
export * from './task-queue.module';
export * from './task-reservations';
