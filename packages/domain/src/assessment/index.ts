export * from './assess-application.ts';
export * from './types.ts';
