export * from './boot.ts';
export * from './config.ts';
export * from './logger.ts';
export * from './processors/index.ts';
export * from './queues.ts';
export * from './relay.ts';
export * from './schedules.ts';
export * from './workers.ts';
