import type { RootDb } from '@samverkan/db';

export const billingRoutes = (_deps: { db: RootDb; now: () => Date }) => ({});
