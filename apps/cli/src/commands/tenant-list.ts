import { assertSchemaName, loadMigrationSet } from '@samverkan/db';
import { HELP_OPTION, parseCommandArgs } from '../args.ts';
import type { CliConfig } from '../config.ts';
import { quoteIdent, withAdmin } from '../db.ts';
import { formatTable, type Output } from '../output.ts';

export const TENANT_LIST_USAGE = `Usage: pnpm cli tenant list [--json]

Lists every registered municipality: code, name, schema, status, how many of the tenant
migrations its schema has applied, and its agreements (as host → tenant).

Options:
  --json   one JSON document instead of a table`;

const OPTIONS = { ...HELP_OPTION, json: { type: 'boolean' } } as const;

export interface TenantListEntry {
  code: string;
  name: string;
  schema: string;
  status: string;
  /** Tenant migrations recorded in the schema; null when the schema does not exist. */
  appliedMigrations: number | null;
  availableMigrations: number;
  agreements: {
    agreementId: string;
    hostCode: string;
    tenantCode: string;
    status: string;
    validFrom: string;
    validTo: string | null;
  }[];
}

export async function listTenants(config: CliConfig): Promise<TenantListEntry[]> {
  const available = loadMigrationSet().tenant.length;
  return withAdmin(config, async (client) => {
    const municipalities = await client.query<{ code: string; name: string; schema: string; status: string }>(
      `SELECT municipality_code AS code, name, schema_name AS schema, status
         FROM platform.municipalities ORDER BY municipality_code`,
    );
    const agreements = await client.query<TenantListEntry['agreements'][number]>(
      `SELECT agreement_id AS "agreementId", host_code AS "hostCode", tenant_code AS "tenantCode", status,
              to_char(valid_from, 'YYYY-MM-DD') AS "validFrom", to_char(valid_to, 'YYYY-MM-DD') AS "validTo"
         FROM platform.agreements ORDER BY valid_from, host_code, tenant_code`,
    );
    const entries: TenantListEntry[] = [];
    for (const m of municipalities.rows) {
      const schema = assertSchemaName(m.schema);
      const table = await client.query<{ present: boolean }>(
        'SELECT to_regclass($1) IS NOT NULL AS present',
        [`${quoteIdent(schema)}.schema_migrations`],
      );
      let applied: number | null = null;
      if (table.rows[0]?.present) {
        const counted = await client.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM ${quoteIdent(schema)}.schema_migrations`,
        );
        applied = counted.rows[0]?.n ?? 0;
      }
      entries.push({
        ...m,
        schema,
        appliedMigrations: applied,
        availableMigrations: available,
        agreements: agreements.rows.filter((a) => a.hostCode === m.code || a.tenantCode === m.code),
      });
    }
    return entries;
  });
}

const describeAgreement = (a: TenantListEntry['agreements'][number]) =>
  `${a.hostCode}→${a.tenantCode} ${a.status} ${a.validFrom}–${a.validTo ?? ''}`;

export async function tenantList(config: CliConfig, args: string[], output: Output): Promise<void> {
  const { values } = parseCommandArgs('tenant list', args, OPTIONS);
  if (values.help) return output.info(TENANT_LIST_USAGE);
  const tenants = await listTenants(config);
  if (values.json) return output.info(JSON.stringify(tenants, null, 2));
  if (tenants.length === 0)
    return output.info('No municipalities registered. Create one with `pnpm cli tenant create`.');
  const rows = tenants.map((t) => [
    t.code,
    t.name,
    t.schema,
    t.status,
    t.appliedMigrations === null
      ? 'schema missing'
      : `${t.appliedMigrations}/${t.availableMigrations}${t.appliedMigrations < t.availableMigrations ? ' (pending)' : ''}`,
    t.agreements.length === 0 ? '–' : t.agreements.map(describeAgreement).join('; '),
  ]);
  for (const line of formatTable(['CODE', 'NAME', 'SCHEMA', 'STATUS', 'MIGRATIONS', 'AGREEMENTS'], rows)) {
    output.info(line);
  }
}
