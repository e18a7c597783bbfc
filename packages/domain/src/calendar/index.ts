export * from './holidays.ts';
export * from './iso-date.ts';
export * from './stockholm-time.ts';
