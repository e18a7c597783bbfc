import { createDb, type DbOptions, type RootDb } from './connection.ts';

/**
 * Which of `shards` pools serves a municipality: FNV-1a of its code, so the same code always
 * lands in the same pool, in every process.
 */
export function shardOf(municipalityCode: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < municipalityCode.length; i++) {
    hash ^= municipalityCode.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % shards;
}

export interface TenantPools {
  /** The pool that serves this municipality's schema. */
  forTenant(municipalityCode: string): RootDb;
  readonly pools: readonly RootDb[];
  destroy(): Promise<void>;
}

/**
 * Connection pools with tenant affinity. Schema per tenant has a cost per *connection*: each
 * PostgreSQL backend loads a tenant's tables, indexes, row types, trigger functions and prepared
 * statements into its own caches on first touch, and with one pool every connection ends up
 * holding every tenant. With `shards` pools, a tenant's work goes to its shard's connections
 * only, so each backend warms and keeps about 1/shards of the tenants. `maxConnections` is the
 * total, divided between the shards (at least two each).
 */
export function createTenantPools(options: DbOptions & { shards: number }): TenantPools {
  const shards = Math.max(1, Math.floor(options.shards));
  const perShard = Math.max(2, Math.ceil((options.maxConnections ?? 10) / shards));
  const pools = Array.from({ length: shards }, (_, i) =>
    createDb({
      ...options,
      maxConnections: perShard,
      applicationName: `${options.applicationName ?? 'samverkan'}-shard${i}`,
    }),
  );
  return {
    pools,
    forTenant: (code) => pools[shardOf(code, shards)] as RootDb,
    destroy: async () => {
      await Promise.all(pools.map((p) => p.destroy()));
    },
  };
}
