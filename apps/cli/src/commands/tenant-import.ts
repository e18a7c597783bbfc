import { importTenant, loadMigrationSet, schemaNameFor } from '@samverkan/db';
import { HELP_OPTION, parseCommandArgs, requireOption } from '../args.ts';
import type { CliConfig } from '../config.ts';
import { isRegistered, schemaExists, withAdmin } from '../db.ts';
import { CliError } from '../errors.ts';
import { formatCounts, readExportHeader, resolveUserPath } from '../export-file.ts';
import type { Output } from '../output.ts';
import { validMunicipalityCode } from './tenant-create.ts';

export const TENANT_IMPORT_USAGE = `Usage: pnpm cli tenant import --in FILE

Restores a file written by \`tenant export\` into this platform, which must not have that
municipality yet. In one transaction it registers the municipality, creates its schema at the
exported migration level, loads every row with its original keys, checks the row counts
against the file's trailer, continues identity sequences after the highest key and migrates
the schema forward. Any problem (truncated file, wrong counts, code already present) rolls
everything back.

Agreements in the file are restored only when both parties exist on this platform; the
others are listed.

Options:
  --in FILE   an export file                                          required

Example:
  pnpm cli tenant import --in svedala-2026-05-31.ndjson`;

const OPTIONS = { ...HELP_OPTION, in: { type: 'string' } } as const;
const COMMAND = 'tenant import';

export async function tenantImport(config: CliConfig, args: string[], output: Output): Promise<void> {
  const { values } = parseCommandArgs(COMMAND, args, OPTIONS);
  if (values.help) return output.info(TENANT_IMPORT_USAGE);
  const file = resolveUserPath(requireOption(COMMAND, 'in', values.in), config.INIT_CWD);
  const header = await readExportHeader(file, COMMAND);
  const code = validMunicipalityCode(header.code, COMMAND);
  const schema = schemaNameFor(code);

  const started = performance.now();
  const result = await withAdmin(config, async (client) => {
    if (await isRegistered(client, code)) {
      throw new CliError(`Municipality ${code} is already registered on this platform; nothing was imported`);
    }
    if (await schemaExists(client, schema)) {
      throw new CliError(
        `Schema ${schema} already exists but ${code} is not registered; inspect or drop it first. Nothing was imported`,
      );
    }
    try {
      return await importTenant(client, file, loadMigrationSet());
    } catch (error) {
      // importTenant runs in one transaction and has rolled back: the platform is unchanged.
      const reason = error instanceof Error ? error.message : String(error);
      throw new CliError(`Import refused, nothing was written: ${reason}`);
    }
  });

  output.info(`Imported ${header.name} (${result.code}) into ${result.schema} from ${file}`);
  output.info(`  ${Math.round(performance.now() - started)} ms; rows per table:`);
  for (const line of formatCounts(result.tables)) output.info(line);
  for (const a of result.restoredAgreements) {
    output.info(`  agreement ${a.agreementId} (${a.hostCode}→${a.tenantCode}) restored`);
  }
  for (const a of result.skippedAgreements) {
    output.info(`  agreement ${a.agreementId} (${a.hostCode}→${a.tenantCode}) NOT restored: ${a.reason}`);
  }
}
