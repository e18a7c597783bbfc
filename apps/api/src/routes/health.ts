import type { RootDb } from '@samverkan/db';
import type { Redis } from 'ioredis';
import { sql } from 'kysely';
import { route } from '../routing.ts';

export function healthRoutes(deps: { db: RootDb; redis: Redis | null }) {
  return {
    getLiveness: route('getLiveness', { guard: 'public', handler: async () => ({ status: 'ok' as const }) }),
    getReadiness: route('getReadiness', {
      guard: 'public',
      handler: async ({ reply }) => {
        const withTimeout = <T>(p: Promise<T>) =>
          Promise.race([
            p,
            new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000)),
          ]);
        const [postgres, redis] = await Promise.all([
          withTimeout(sql`SELECT 1`.execute(deps.db)).then(
            () => 'ok' as const,
            () => 'failed' as const,
          ),
          deps.redis
            ? withTimeout(deps.redis.ping()).then(
                () => 'ok' as const,
                () => 'failed' as const,
              )
            : Promise.resolve('failed' as const),
        ]);
        // PostgreSQL is required to serve. Redis only carries work: without it citizens can still
        // apply and caseworkers decide (jobs wait in the outbox), so it degrades, never fails, readiness.
        reply.code(postgres === 'ok' ? 200 : 503);
        return {
          status: postgres === 'ok' && redis === 'ok' ? ('ok' as const) : ('degraded' as const),
          checks: { postgres, redis },
        };
      },
    }),
  };
}
