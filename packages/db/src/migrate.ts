import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { assertSchemaName, PLATFORM_SCHEMA, schemaNameFor } from './tenancy.ts';

/**
 * Forward-only SQL migrations: `migrations/platform/*.sql` for the control schema and
 * `migrations/tenant/*.sql` for every tenant schema. Each schema records what it has applied
 * in its own `schema_migrations` table (with a checksum, so an edited file is caught), so
 * tenants can be migrated one by one or all at once. Runs over a direct admin connection;
 * the application role never runs DDL.
 */
export const DEFAULT_MIGRATIONS_DIR = fileURLToPath(new URL('../../../migrations', import.meta.url));
export const APP_ROLE = 'samverkan_app';

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export function readMigrations(dir: string): MigrationFile[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

export interface MigrationSet {
  platform: MigrationFile[];
  tenant: MigrationFile[];
}

export function loadMigrationSet(dir = DEFAULT_MIGRATIONS_DIR): MigrationSet {
  return { platform: readMigrations(join(dir, 'platform')), tenant: readMigrations(join(dir, 'tenant')) };
}

const q = (identifier: string) => `"${identifier.replaceAll('"', '""')}"`;

export async function ensureAppRole(client: pg.ClientBase): Promise<void> {
  // Roles are cluster-wide; several databases (tests) may race to create it.
  await client.query(`DO $$ BEGIN
      IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${APP_ROLE}') THEN CREATE ROLE ${APP_ROLE} LOGIN; END IF;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`);
}

/**
 * Applies pending migrations to one schema inside the caller's transaction. Takes a
 * transaction-scoped advisory lock per schema so concurrent runners wait instead of racing.
 * Returns the names applied.
 */
export async function migrateSchema(
  client: pg.ClientBase,
  schema: string,
  files: MigrationFile[],
  options: { upTo?: string } = {},
): Promise<string[]> {
  await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`samverkan:migrate:${schema}`]);
  await client.query(`CREATE SCHEMA IF NOT EXISTS ${q(schema)}`);
  await client.query(`GRANT USAGE ON SCHEMA ${q(schema)} TO ${APP_ROLE}`);
  await client.query(`CREATE TABLE IF NOT EXISTS ${q(schema)}.schema_migrations (
      name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
  await client.query(`GRANT SELECT ON ${q(schema)}.schema_migrations TO ${APP_ROLE}`);
  const { rows } = await client.query<{ name: string; checksum: string }>(
    `SELECT name, checksum FROM ${q(schema)}.schema_migrations`,
  );
  const applied = new Map(rows.map((r) => [r.name, r.checksum]));
  const done: string[] = [];
  for (const file of files) {
    if (options.upTo && file.name > options.upTo) break;
    const previous = applied.get(file.name);
    if (previous !== undefined) {
      if (previous !== file.checksum) {
        throw new Error(`Migration ${file.name} in ${schema} was changed after it was applied`);
      }
      continue;
    }
    // Unqualified names in a migration file resolve to this schema only (pg_catalog is implicit).
    await client.query(`SET LOCAL search_path TO ${q(schema)}`);
    await client.query(file.sql);
    await client.query('RESET search_path');
    await client.query(`INSERT INTO ${q(schema)}.schema_migrations (name, checksum) VALUES ($1, $2)`, [
      file.name,
      file.checksum,
    ]);
    done.push(file.name);
  }
  return done;
}

async function inTransaction<T>(client: pg.ClientBase, work: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    const result = await work();
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}

export interface MigrateAllResult {
  platform: string[];
  tenants: { code: string; schema: string; applied: string[] }[];
}

/** Migrates the control schema, then every registered tenant schema (each in its own transaction). */
export async function migrateAll(
  adminConnectionString: string,
  set: MigrationSet = loadMigrationSet(),
): Promise<MigrateAllResult> {
  const client = new pg.Client({
    connectionString: adminConnectionString,
    application_name: 'samverkan-migrate',
  });
  await client.connect();
  try {
    await ensureAppRole(client);
    const platformApplied = await inTransaction(client, () =>
      migrateSchema(client, PLATFORM_SCHEMA, set.platform),
    );
    const { rows } = await client.query<{ municipality_code: string; schema_name: string }>(
      'SELECT municipality_code, schema_name FROM platform.municipalities ORDER BY municipality_code',
    );
    const tenants: MigrateAllResult['tenants'] = [];
    for (const row of rows) {
      const schema = assertSchemaName(row.schema_name);
      const applied = await inTransaction(client, () => migrateSchema(client, schema, set.tenant));
      tenants.push({ code: row.municipality_code, schema, applied });
    }
    return { platform: platformApplied, tenants };
  } finally {
    await client.end();
  }
}

export interface NewMunicipality {
  code: string;
  name: string;
  organisationNumber?: string | null;
  committeeName: string;
  postalAddress?: string | null;
}

/**
 * Registers a municipality and creates + migrates its schema in ONE transaction: either the
 * registry row and a complete schema exist afterwards, or neither does.
 */
export async function provisionTenant(
  client: pg.ClientBase,
  input: NewMunicipality,
  set: MigrationSet = loadMigrationSet(),
  options: { upTo?: string } = {},
): Promise<{ schema: string; applied: string[] }> {
  const schema = schemaNameFor(input.code);
  return inTransaction(client, async () => {
    await client.query(
      `INSERT INTO platform.municipalities
         (municipality_code, name, organisation_number, schema_name, committee_name, postal_address)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        input.code,
        input.name,
        input.organisationNumber ?? null,
        schema,
        input.committeeName,
        input.postalAddress ?? null,
      ],
    );
    const applied = await migrateSchema(client, schema, set.tenant, options);
    return { schema, applied };
  });
}

export async function withAdminClient<T>(
  connectionString: string,
  work: (c: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString, application_name: 'samverkan-admin' });
  await client.connect();
  try {
    await ensureAppRole(client);
    return await work(client);
  } finally {
    await client.end();
  }
}
