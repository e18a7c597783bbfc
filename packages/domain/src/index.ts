export * from './access/index.ts';
export * from './assessment/index.ts';
export * from './calculation/index.ts';
export * from './calendar/index.ts';
export * from './errors.ts';
export * from './identifiers.ts';
export * from './money.ts';
export * from './norms/index.ts';
