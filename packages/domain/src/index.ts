export * from './errors.ts';
export * from './identifiers.ts';
export * from './money.ts';
