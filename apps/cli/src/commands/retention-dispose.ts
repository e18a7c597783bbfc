import { randomUUID } from 'node:crypto';
import { authorizeMunicipality, type Ctx, resolveActor, runDisposal } from '@samverkan/core';
import { createDb } from '@samverkan/db';
import { isDomainError } from '@samverkan/domain';
import { HELP_OPTION, parseCommandArgs, requireOption } from '../args.ts';
import type { CliConfig } from '../config.ts';
import { CliError } from '../errors.ts';
import type { Output } from '../output.ts';
import { validMunicipalityCode } from './tenant-create.ts';

export const RETENTION_DISPOSE_USAGE = `Usage: pnpm cli retention dispose --code KOMMUNKOD --as USERNAME [--execute] [--as-of DATE] [--json]

Disposal (gallring) of case records past the municipality's retention period (default: five
years after the last entry, keeping persons born on the 5th, 15th or 25th). Without --execute it
is a dry run: it reports how many persons would be disposed of, kept and overdue, and the case
numbers, and changes nothing. With --execute it disposes as of today and writes the disposal log.

It acts exactly as the API does, as the named staff member, who must be the municipality's own
unit manager (action records.dispose); the run is in the municipality's audit log under that name.

Options:
  --code CODE     kommunkod of the municipality                         required
  --as USERNAME   the municipality's own staff member running it        required
  --execute       dispose (as of today) instead of a dry run
  --as-of DATE    dry run as of another date (YYYY-MM-DD)
  --json          print the report as JSON

Example:
  pnpm cli retention dispose --code 1263 --as enhetschef.svedala
  pnpm cli retention dispose --code 1263 --as enhetschef.svedala --execute`;

const OPTIONS = {
  ...HELP_OPTION,
  code: { type: 'string' },
  as: { type: 'string' },
  execute: { type: 'boolean' },
  'as-of': { type: 'string' },
  json: { type: 'boolean' },
} as const;

const COMMAND = 'retention dispose';

export async function retentionDispose(config: CliConfig, args: string[], output: Output): Promise<void> {
  const { values } = parseCommandArgs(COMMAND, args, OPTIONS);
  if (values.help) return output.info(RETENTION_DISPOSE_USAGE);
  const code = validMunicipalityCode(requireOption(COMMAND, 'code', values.code), COMMAND);
  const username = requireOption(COMMAND, 'as', values.as);
  if (values.execute && values['as-of'] !== undefined) {
    throw new CliError('--as-of is for dry runs; --execute always disposes as of today', COMMAND);
  }
  // The application role, as the API: it has no DELETE on case tables; the disposal goes through
  // the schema's own disposal function, which re-checks the retention period.
  const db = createDb({
    connectionString: config.DATABASE_URL,
    maxConnections: 2,
    applicationName: 'samverkan-cli',
  });
  try {
    const requestId = `cli:${randomUUID()}`;
    const now = () => new Date();
    const actor = await resolveActor(db, { kind: 'staff', username });
    const { tenant, access } = await authorizeMunicipality(db, {
      actor,
      code,
      action: 'records.dispose',
      requestId,
      now: now(),
    });
    const quiet = { info() {}, warn() {}, error() {} };
    const ctx: Ctx = { db, tenant, actor, access, requestId, log: quiet, now };
    const report = await runDisposal(ctx, {
      dryRun: !values.execute,
      ...(values['as-of'] ? { asOf: values['as-of'] } : {}),
    });
    if (values.json) return output.info(JSON.stringify(report, null, 2));
    output.info(
      `${report.dryRun ? 'Dry run' : 'Disposal'} for ${tenant.code} (${tenant.name}) as of ${report.asOf}: ` +
        `retention ${report.policy.retentionYears} years, keeping persons born on day ${report.policy.keepBirthDays.join(', ') || '—'}`,
    );
    output.info(`  eligible persons: ${report.eligiblePersons} (overdue: ${report.overduePersons})`);
    output.info(`  kept persons:     ${report.keptPersons}`);
    output.info(
      `  ${report.dryRun ? 'would dispose of' : 'disposed of'}: ${report.disposedPersons} persons, ${report.caseNumbers.length} cases`,
    );
    for (const n of report.caseNumbers) output.info(`    ${n}`);
    if (report.tableCounts) {
      output.info('  rows deleted per table:');
      for (const [table, n] of Object.entries(report.tableCounts))
        output.info(`    ${table.padEnd(24)} ${n}`);
      output.info(`  disposal log entry: ${report.runId}`);
    }
  } catch (error) {
    if (isDomainError(error)) throw new CliError(error.message, COMMAND);
    throw error;
  } finally {
    await db.destroy();
  }
}
