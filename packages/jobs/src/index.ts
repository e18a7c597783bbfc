export * from './catalogue.ts';
export * from './connection.ts';
export * from './queues.ts';
