import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import { loadMigrationSet, migrateAll } from '../migrate.ts';

/**
 * Test databases: one template per migration set (migrated once), cloned per test file with
 * CREATE DATABASE … TEMPLATE, which takes a few hundred milliseconds instead of migrating again.
 * Every test then creates its own data, so files run in parallel without truncation.
 */
export const TEST_SERVER_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const withDatabase = (serverUrl: string, database: string, user?: string) => {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  if (user) url.username = user;
  return url.toString();
};

export function templateName(seedKey = ''): string {
  const set = loadMigrationSet();
  const hash = createHash('sha256').update(seedKey);
  for (const f of [...set.platform, ...set.tenant]) hash.update(f.name).update(f.checksum);
  return `samverkan_tpl_${hash.digest('hex').slice(0, 12)}`;
}

async function adminQuery<T extends pg.QueryResultRow>(sqlText: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: TEST_SERVER_URL });
  await client.connect();
  try {
    return await client.query<T>(sqlText, params);
  } finally {
    await client.end();
  }
}

/**
 * Creates the template database if it does not exist yet. Safe to call from several
 * processes at once (an advisory lock on the server serialises creation).
 * `seed` runs once against the template after migration.
 */
export async function ensureTemplate(
  seed?: (adminUrl: string) => Promise<void>,
  seedKey = '',
): Promise<string> {
  const name = templateName(seedKey);
  const client = new pg.Client({ connectionString: TEST_SERVER_URL });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', ['samverkan:test-template']);
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) {
      const building = `${name}_building`;
      await client.query(`DROP DATABASE IF EXISTS ${building}`);
      await client.query(`CREATE DATABASE ${building}`);
      const url = withDatabase(TEST_SERVER_URL, building);
      await migrateAll(url);
      if (seed) await seed(url);
      await client.query(`ALTER DATABASE ${building} RENAME TO ${name}`);
      // Older templates (other migration sets) are dead weight; drop those nobody uses.
      const stale = await client.query<{ datname: string }>(
        `SELECT datname FROM pg_database WHERE datname LIKE 'samverkan_tpl_%' AND datname <> $1`,
        [name],
      );
      for (const { datname } of stale.rows) {
        await client.query(`DROP DATABASE IF EXISTS ${datname}`).catch(() => undefined);
      }
    }
    await client.query('SELECT pg_advisory_unlock(hashtext($1))', ['samverkan:test-template']);
  } finally {
    await client.end();
  }
  return name;
}

export interface TestDatabase {
  name: string;
  /** Connection as the application role (what the API and worker use). */
  appUrl: string;
  /** Connection as the owner (migrations, provisioning, assertions the app role may not make). */
  adminUrl: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(template: string): Promise<TestDatabase> {
  const name = `samverkan_test_${randomBytes(5).toString('hex')}`;
  // The template must have no other connections while being copied; retry briefly if one lingers.
  for (let attempt = 0; ; attempt++) {
    try {
      await adminQuery(`CREATE DATABASE ${name} TEMPLATE ${template}`);
      break;
    } catch (error) {
      if (attempt >= 20 || !String(error).includes('is being accessed by other users')) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    name,
    appUrl: withDatabase(TEST_SERVER_URL, name, 'samverkan_app'),
    adminUrl: withDatabase(TEST_SERVER_URL, name),
    drop: async () => {
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}
