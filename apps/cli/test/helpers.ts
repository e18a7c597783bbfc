import { randomBytes } from 'node:crypto';
import type {} from '@samverkan/core/testing/global-setup';
import { migrateAll, withAdminClient } from '@samverkan/db';
import { createTestDatabase, TEST_SERVER_URL, type TestDatabase } from '@samverkan/db/testing';
import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';
import { type CliConfig, loadConfig } from '../src/config.ts';

export interface Platform {
  name: string;
  appUrl: string;
  adminUrl: string;
  config: CliConfig;
  drop(): Promise<void>;
}

const urlFor = (database: string, user?: string) => {
  const url = new URL(TEST_SERVER_URL);
  url.pathname = `/${database}`;
  if (user) url.username = user;
  return url.toString();
};

export function configFor(
  db: { appUrl: string; adminUrl: string },
  env: Record<string, string> = {},
): CliConfig {
  return loadConfig({ NODE_ENV: 'test', DATABASE_URL: db.appUrl, ADMIN_DATABASE_URL: db.adminUrl, ...env });
}

export async function serverQuery(sqlText: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_SERVER_URL });
  await client.connect();
  try {
    await client.query(sqlText);
  } finally {
    await client.end();
  }
}

/** A fresh database with the control schema migrated and no municipality at all. */
export async function createEmptyPlatform(): Promise<Platform> {
  const name = `samverkan_cli_${randomBytes(5).toString('hex')}`;
  await serverQuery(`CREATE DATABASE ${name}`);
  const platform = { name, appUrl: urlFor(name, 'samverkan_app'), adminUrl: urlFor(name) };
  await migrateAll(platform.adminUrl);
  return {
    ...platform,
    config: configFor(platform),
    drop: () => serverQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

/** The seeded demo platform (Trelleborg 1287 + Svedala 1263), cloned from the template, one per test file. */
export function useSeededPlatform(): Platform {
  const ctx = {} as Platform;
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    database = await createTestDatabase(inject('templateDatabase'));
    Object.assign(ctx, {
      name: database.name,
      appUrl: database.appUrl,
      adminUrl: database.adminUrl,
      config: configFor(database),
      drop: database.drop,
    });
  });
  afterAll(async () => {
    await database?.drop();
  });
  return ctx;
}

export function query<T extends pg.QueryResultRow>(
  url: string,
  sqlText: string,
  params: unknown[] = [],
): Promise<T[]> {
  return withAdminClient(url, async (c) => (await c.query<T>(sqlText, params)).rows);
}

/**
 * Everything about the tenant schemas that a migration can change: tables and columns,
 * constraints, indexes, table and schema grants. Sorted lines, so two snapshots compare with toEqual.
 * `rename` maps a schema name to a placeholder to compare two tenants with each other.
 */
export async function catalogSnapshot(url: string, schemas = 'kommun_%', rename = false): Promise<string[]> {
  const rows = await query<{ line: string }>(
    url,
    `SELECT 'column ' || table_schema || '.' || table_name || '.' || column_name || ' ' || ordinal_position || ' ' ||
            data_type || ' ' || coalesce(character_maximum_length::text, '') || ' ' || coalesce(numeric_precision::text, '') ||
            ',' || coalesce(numeric_scale::text, '') || ' null=' || is_nullable || ' identity=' || is_identity ||
            ' default=' || coalesce(column_default, '') AS line
       FROM information_schema.columns WHERE table_schema LIKE $1
     UNION ALL
     SELECT 'constraint ' || n.nspname || '.' || c.relname || ' ' || k.conname || ' ' || pg_get_constraintdef(k.oid)
       FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname LIKE $1
     UNION ALL
     SELECT 'index ' || schemaname || '.' || tablename || ' ' || indexname || ' ' || indexdef
       FROM pg_indexes WHERE schemaname LIKE $1
     UNION ALL
     SELECT 'grant ' || table_schema || '.' || table_name || ' ' || grantee || ' ' || privilege_type
       FROM information_schema.role_table_grants WHERE table_schema LIKE $1
     UNION ALL
     SELECT 'schema ' || nspname || ' ' || coalesce(array_to_string(nspacl, ','), '')
       FROM pg_namespace WHERE nspname LIKE $1`,
    [schemas],
  );
  const lines = rows.map((r) => (rename ? r.line.replace(/kommun_\d{4}/g, 'kommun_XXXX') : r.line));
  return lines.sort();
}
