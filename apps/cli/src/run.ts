import { migrate } from './commands/migrate.ts';
import { retentionDispose } from './commands/retention-dispose.ts';
import { tenantCreate } from './commands/tenant-create.ts';
import { tenantExport } from './commands/tenant-export.ts';
import { tenantImport } from './commands/tenant-import.ts';
import { tenantList } from './commands/tenant-list.ts';
import { token } from './commands/token.ts';
import { up } from './commands/up.ts';
import type { CliConfig } from './config.ts';
import { CliError } from './errors.ts';
import type { Output } from './output.ts';

export type Command = (config: CliConfig, args: string[], output: Output) => Promise<void>;

export const COMMANDS: Record<string, { run: Command; summary: string }> = {
  up: { run: up, summary: 'create the database if missing, migrate everything, seed the demo' },
  migrate: { run: migrate, summary: 'migrate the control schema and every tenant schema' },
  'tenant create': { run: tenantCreate, summary: 'register a municipality and create its schema' },
  'tenant list': { run: tenantList, summary: 'list municipalities, schemas, migrations, agreements' },
  'tenant export': { run: tenantExport, summary: "write a municipality's data to an NDJSON file" },
  'tenant import': { run: tenantImport, summary: 'restore an export into this platform' },
  token: { run: token, summary: 'print a bearer token from the development issuer' },
  'retention dispose': {
    run: retentionDispose,
    summary: 'disposal (gallring) of old case records; dry run by default',
  },
};

export const USAGE = `Usage: pnpm cli <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(15)} ${c.summary}`)
  .join('\n')}

Run \`pnpm cli <command> --help\` for a command's options.`;

function resolveCommand(argv: string[]): { name: string; run: Command; args: string[] } | undefined {
  const [first, second] = argv;
  const [name, args] =
    first === 'tenant' || first === 'retention'
      ? [`${first} ${second ?? ''}`, argv.slice(2)]
      : [first ?? '', argv.slice(1)];
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  return command ? { name, run: command.run, args } : undefined;
}

/**
 * Runs one command and returns the process exit code: 0 success, 1 for anything the user can
 * fix (message only) or an internal error (message and stack).
 */
export async function runCli(argv: string[], config: CliConfig, output: Output): Promise<number> {
  const [first, second] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    output.info(USAGE);
    return 0;
  }
  const command = resolveCommand(argv);
  if (!command) {
    const attempted = first === 'tenant' || first === 'retention' ? `${first} ${second ?? ''}`.trim() : first;
    output.error(`error: unknown command ${JSON.stringify(attempted)}\n`);
    output.error(USAGE);
    return 1;
  }
  try {
    await command.run(config, command.args, output);
    return 0;
  } catch (error) {
    if (error instanceof CliError) {
      output.error(`error: ${error.message}`);
      if (error.usageOf) output.error(`Run \`pnpm cli ${error.usageOf} --help\` for usage.`);
      return 1;
    }
    output.error(`internal error in \`${command.name}\` (a bug, please report it):`);
    output.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    return 1;
  }
}
