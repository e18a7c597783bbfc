export * from './age.ts';
export * from './calculate-assistance.ts';
export * from './labels.ts';
export * from './legal-references.ts';
export * from './rounding.ts';
export * from './types.ts';
