import pg from 'pg';
import { HELP_OPTION, parseCommandArgs } from '../args.ts';
import type { CliConfig } from '../config.ts';
import { databaseName, maintenanceUrl, quoteIdent } from '../db.ts';
import { asEnvironmentError, CliError, describeUrl } from '../errors.ts';
import type { Output } from '../output.ts';
import { reportMigrations, runMigrations } from './migrate.ts';

export const UP_USAGE = `Usage: pnpm cli up [--skip-seed]

Makes the platform ready to run (what \`pnpm start\` does first), idempotently:
  1. creates the database named in DATABASE_URL if it is missing (as the owner in
     ADMIN_DATABASE_URL, through the server's maintenance database "postgres")
  2. migrates the control schema and every tenant schema
  3. seeds the demo platform (Trelleborg 1287, Svedala 1263, staff, norms); never with
     NODE_ENV=production, and not with --skip-seed
  4. checks that the application role in DATABASE_URL can connect and read the registry`;

const UP_OPTIONS = { ...HELP_OPTION, 'skip-seed': { type: 'boolean' } } as const;

async function withClient<T>(connectionString: string, work: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString, application_name: 'samverkan-cli' });
  try {
    await client.connect();
    return await work(client);
  } catch (error) {
    throw asEnvironmentError(error, describeUrl(connectionString)) ?? error;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Creates the database if missing; returns whether it did. Safe when two `up`s race. */
export async function ensureDatabase(config: CliConfig): Promise<boolean> {
  const name = databaseName(config.DATABASE_URL);
  return withClient(maintenanceUrl(config.ADMIN_DATABASE_URL), async (client) => {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if ((exists.rowCount ?? 0) > 0) return false;
    try {
      await client.query(`CREATE DATABASE ${quoteIdent(name)}`);
      return true;
    } catch (error) {
      if (error instanceof Error && 'code' in error && error.code === '42P04') return false; // created meanwhile
      throw error;
    }
  });
}

export async function up(config: CliConfig, args: string[], output: Output): Promise<void> {
  const { values } = parseCommandArgs('up', args, UP_OPTIONS);
  if (values.help) return output.info(UP_USAGE);
  const appDatabase = databaseName(config.DATABASE_URL);
  const adminDatabase = databaseName(config.ADMIN_DATABASE_URL);
  if (appDatabase !== adminDatabase) {
    throw new CliError(
      `DATABASE_URL names database "${appDatabase}" but ADMIN_DATABASE_URL names "${adminDatabase}"; they must be the same database`,
    );
  }
  const started = performance.now();

  const created = await ensureDatabase(config);
  output.info(`Database "${appDatabase}": ${created ? 'created' : 'exists'}`);

  output.info('Migrations:');
  reportMigrations(await runMigrations(config), output);

  if (values['skip-seed']) {
    output.info('Demo seed: skipped (--skip-seed)');
  } else if (config.NODE_ENV === 'production') {
    output.info('Demo seed: skipped (NODE_ENV=production)');
  } else {
    // Loaded on demand: @samverkan/core pulls in much more than the other commands need.
    const { seedDemo } = await import('@samverkan/core');
    await seedDemo(config.ADMIN_DATABASE_URL);
    output.info(
      'Demo seed: Trelleborg (1287), Svedala (1263), agreement, staff, norms present (existing rows kept)',
    );
  }

  const registered = await withClient(config.DATABASE_URL, async (client) => {
    const { rows } = await client.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM platform.municipalities',
    );
    return rows[0]?.n ?? 0;
  });
  output.info(
    `Application role ${describeUrl(config.DATABASE_URL)}: connects, sees ${registered} municipalit${registered === 1 ? 'y' : 'ies'}`,
  );
  output.info(`Ready in ${Math.round(performance.now() - started)} ms`);
}
