import { CamelCasePlugin, Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { MAX_PREPARED_PER_CONNECTION, preparingClient } from './prepared.ts';
import type { PlatformTables, TenantTables } from './schema.ts';

// int8 (counts, öre, identity keys) as JS numbers: every amount we store is far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number.parseInt(v, 10));
// date stays 'YYYY-MM-DD': parsing it into a JS Date would shift it by the process time zone.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);

/**
 * The root handle. It deliberately has no tables in its type: code reaches a table only
 * through `platform(db)` or `tenant(db, schema)`, so there is no query without a schema.
 */
// biome-ignore lint/complexity/noBannedTypes: an empty table map is the point
export type RootDb = Kysely<{}>;
export type PlatformDb = Kysely<PlatformTables>;
export type TenantDb = Kysely<TenantTables>;

export interface DbOptions {
  connectionString: string;
  maxConnections?: number;
  applicationName?: string;
  statementTimeoutMs?: number;
  /** Prepared statements kept per connection (see prepared.ts); default MAX_PREPARED_PER_CONNECTION. */
  maxPreparedPerConnection?: number;
  /**
   * PostgreSQL's `plan_cache_mode` for these connections. `force_generic_plan`: a prepared
   * statement is planned once, at its first run, instead of five custom plans first — worth it
   * where each connection runs each of many tenants' statements only a few times.
   */
  planCacheMode?: 'auto' | 'force_generic_plan';
}

export function createDb(options: DbOptions): RootDb {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.maxConnections ?? 10,
    application_name: options.applicationName ?? 'samverkan',
    statement_timeout: options.statementTimeoutMs ?? 15_000,
    idleTimeoutMillis: 30_000,
    ...(options.planCacheMode && options.planCacheMode !== 'auto'
      ? { options: `-c plan_cache_mode=${options.planCacheMode}` }
      : {}),
    // Runs statements marked with PREPARED_MARK as prepared statements (see prepared.ts).
    Client: preparingClient(options.maxPreparedPerConnection ?? MAX_PREPARED_PER_CONNECTION),
  });
  // Without a listener an idle client's network error would crash the process.
  pool.on('error', () => {});
  return new Kysely({ dialect: new PostgresDialect({ pool }), plugins: [new CamelCasePlugin()] });
}
