import { withAdminClient } from '@samverkan/db';
import type pg from 'pg';
import type { CliConfig } from './config.ts';
import { asEnvironmentError, describeUrl } from './errors.ts';

/** Runs work on a direct owner connection; connection failures become readable CliErrors. */
export async function withAdmin<T>(config: CliConfig, work: (client: pg.Client) => Promise<T>): Promise<T> {
  return withAdminClient(config.ADMIN_DATABASE_URL, work).catch((error: unknown) => {
    throw asEnvironmentError(error, describeUrl(config.ADMIN_DATABASE_URL)) ?? error;
  });
}

export function databaseName(connectionString: string): string {
  return decodeURIComponent(new URL(connectionString).pathname.slice(1));
}

/** The same server and credentials, on the maintenance database `postgres`. */
export function maintenanceUrl(connectionString: string): string {
  const url = new URL(connectionString);
  url.pathname = '/postgres';
  return url.toString();
}

export const quoteIdent = (identifier: string) => `"${identifier.replaceAll('"', '""')}"`;

export async function schemaExists(client: pg.ClientBase, schema: string): Promise<boolean> {
  const { rowCount } = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
  return (rowCount ?? 0) > 0;
}

export async function isRegistered(client: pg.ClientBase, code: string): Promise<boolean> {
  const { rowCount } = await client.query(
    'SELECT 1 FROM platform.municipalities WHERE municipality_code = $1',
    [code],
  );
  return (rowCount ?? 0) > 0;
}
