export * from './issues.ts';
export * from './national-norm.ts';
export * from './seed-data.ts';
export * from './tenant-guidelines.ts';
export * from './types.ts';
