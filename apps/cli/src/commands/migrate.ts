import { loadMigrationSet, type MigrateAllResult, migrateAll } from '@samverkan/db';
import { HELP_OPTION, parseCommandArgs } from '../args.ts';
import type { CliConfig } from '../config.ts';
import { asEnvironmentError, describeUrl } from '../errors.ts';
import type { Output } from '../output.ts';

export const MIGRATE_USAGE = `Usage: pnpm cli migrate

Applies pending migrations to the control schema (platform), then to every registered
tenant schema, each in its own transaction. Prints per schema what was applied.
Connects with ADMIN_DATABASE_URL.`;

export async function runMigrations(config: CliConfig): Promise<MigrateAllResult> {
  return migrateAll(config.ADMIN_DATABASE_URL, loadMigrationSet()).catch((error: unknown) => {
    throw asEnvironmentError(error, describeUrl(config.ADMIN_DATABASE_URL)) ?? error;
  });
}

export function reportMigrations(result: MigrateAllResult, output: Output): void {
  const line = (label: string, applied: string[]) =>
    output.info(
      `  ${label.padEnd(22)} ${applied.length === 0 ? 'up to date' : `applied ${applied.join(', ')}`}`,
    );
  line('platform', result.platform);
  for (const t of result.tenants) line(`${t.schema} (${t.code})`, t.applied);
  const total = result.platform.length + result.tenants.reduce((n, t) => n + t.applied.length, 0);
  output.info(
    `  ${1 + result.tenants.length} schema(s), ${total} migration(s) applied${total === 0 ? ' — everything up to date' : ''}`,
  );
}

export async function migrate(config: CliConfig, args: string[], output: Output): Promise<void> {
  const { values } = parseCommandArgs('migrate', args, HELP_OPTION);
  if (values.help) return output.info(MIGRATE_USAGE);
  const started = performance.now();
  output.info(`Migrating ${describeUrl(config.ADMIN_DATABASE_URL)}`);
  reportMigrations(await runMigrations(config), output);
  output.info(`Done in ${Math.round(performance.now() - started)} ms`);
}
