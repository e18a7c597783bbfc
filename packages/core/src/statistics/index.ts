// Statistics, official reporting and retention per municipality (own schema only).
export * from './compute.ts';
export * from './csv.ts';
export * from './follow-up.ts';
export * from './host.ts';
export * from './metrics.ts';
export * from './reporting/socialstyrelsen.ts';
export * from './retention/retention.ts';
