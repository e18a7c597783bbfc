import type { RootDb } from '@samverkan/db';

export const followUpRoutes = (_deps: { db: RootDb; now: () => Date }) => ({});
