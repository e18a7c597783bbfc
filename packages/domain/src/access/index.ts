export * from './access.ts';
export * from './actor.ts';
export * from './delegation.ts';
export * from './roles.ts';
