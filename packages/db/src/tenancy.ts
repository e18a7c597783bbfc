import { MUNICIPALITY_CODE_PATTERN } from '@samverkan/domain';
import type { Kysely } from 'kysely';
import type { PlatformDb, TenantDb } from './connection.ts';

export const PLATFORM_SCHEMA = 'platform';
const SCHEMA_NAME_PATTERN = /^kommun_\d{4}$/;

/** The only way a municipality code becomes a schema identifier. */
export function schemaNameFor(municipalityCode: string): string {
  if (!MUNICIPALITY_CODE_PATTERN.test(municipalityCode)) {
    throw new Error(`Refusing to derive a schema from ${JSON.stringify(municipalityCode)}`);
  }
  return `kommun_${municipalityCode}`;
}

export function assertSchemaName(schema: string): string {
  if (!SCHEMA_NAME_PATTERN.test(schema))
    throw new Error(`Not a tenant schema name: ${JSON.stringify(schema)}`);
  return schema;
}

// The casts below are the single place where the untyped root handle (or a transaction on it)
// gains a table map; withSchema qualifies every table the query names.
// biome-ignore lint/suspicious/noExplicitAny: accepts the root handle or any transaction on it
type AnyKysely = Kysely<any>;

export const platform = (db: AnyKysely): PlatformDb =>
  db.withSchema(PLATFORM_SCHEMA) as unknown as PlatformDb;

/** A handle whose every query is qualified with the tenant's schema (from the registry row). */
export const tenant = (db: AnyKysely, schemaName: string): TenantDb =>
  db.withSchema(assertSchemaName(schemaName)) as unknown as TenantDb;
