import { rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { exportTenant, schemaNameFor } from '@samverkan/db';
import { HELP_OPTION, parseCommandArgs, requireOption } from '../args.ts';
import type { CliConfig } from '../config.ts';
import { isRegistered, withAdmin } from '../db.ts';
import { CliError } from '../errors.ts';
import { formatCounts, resolveUserPath } from '../export-file.ts';
import type { Output } from '../output.ts';
import { validMunicipalityCode } from './tenant-create.ts';

export const TENANT_EXPORT_USAGE = `Usage: pnpm cli tenant export --code KOMMUNKOD --out FILE [--force]

Writes everything the municipality owns — its registry row, its agreements, the migrations
its schema has applied and every row of every table in kommun_KOMMUNKOD — to one NDJSON file,
from one consistent snapshot. This is the municipality's right to take its data back when an
agreement ends; \`tenant import\` restores the file on another platform.

The file holds personal data: store and transfer it accordingly.

Options:
  --code CODE   kommunkod of a registered municipality                 required
  --out FILE    file to write (refuses to overwrite unless --force)    required
  --force       overwrite FILE if it exists

Example:
  pnpm cli tenant export --code 1263 --out svedala-2026-05-31.ndjson`;

const OPTIONS = {
  ...HELP_OPTION,
  code: { type: 'string' },
  out: { type: 'string' },
  force: { type: 'boolean' },
} as const;

const COMMAND = 'tenant export';

export async function tenantExport(config: CliConfig, args: string[], output: Output): Promise<void> {
  const { values } = parseCommandArgs(COMMAND, args, OPTIONS);
  if (values.help) return output.info(TENANT_EXPORT_USAGE);
  const code = validMunicipalityCode(requireOption(COMMAND, 'code', values.code), COMMAND);
  const file = resolveUserPath(requireOption(COMMAND, 'out', values.out), config.INIT_CWD);
  const directory = await stat(dirname(file)).catch(() => undefined);
  if (!directory?.isDirectory()) throw new CliError(`Directory ${dirname(file)} does not exist`, COMMAND);
  if (!values.force && (await stat(file).catch(() => undefined))) {
    throw new CliError(`${file} exists; pass --force to overwrite it`, COMMAND);
  }

  // Written next to the target and renamed at the end, so FILE is never a half-written export.
  const partial = `${file}.partial`;
  const started = performance.now();
  const result = await withAdmin(config, async (client) => {
    if (!(await isRegistered(client, code))) {
      throw new CliError(`Municipality ${code} is not registered on this platform`);
    }
    try {
      return await exportTenant(client, code, partial);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
  });
  await rename(partial, file);
  const { size } = await stat(file);
  output.info(`Exported ${code} (${schemaNameFor(code)}) to ${file}`);
  output.info(`  ${size} bytes in ${Math.round(performance.now() - started)} ms; rows per table:`);
  for (const line of formatCounts(result.tables)) output.info(line);
}
