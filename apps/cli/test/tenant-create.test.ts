import { loadMigrationSet } from '@samverkan/db';
import { describe, expect, it } from 'vitest';
import { tenantCreate } from '../src/commands/tenant-create.ts';
import { tenantList } from '../src/commands/tenant-list.ts';
import { CliError } from '../src/errors.ts';
import { captureOutput } from '../src/output.ts';
import { catalogSnapshot, query, useSeededPlatform } from './helpers.ts';

const platform = useSeededPlatform();

const VELLINGE = ['--code', '1233', '--name', 'Vellinge kommun', '--org-number', '212000-1165'];

async function registryState(url: string) {
  const [registry] = await query<{ n: number }>(
    url,
    'SELECT count(*)::int AS n FROM platform.municipalities',
  );
  const schemas = await query<{ nspname: string }>(
    url,
    "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'kommun_%' ORDER BY 1",
  );
  return { registered: registry?.n, schemas: schemas.map((s) => s.nspname) };
}

describe('tenant create', () => {
  it('creates a schema with every tenant table, column, constraint, index and grant that kommun_1287 has', async () => {
    const out = captureOutput();
    await tenantCreate(platform.config, [...VELLINGE, '--address', 'Vellinge kommun, 235 81 Vellinge'], out);
    expect(out.text()).toContain('Created Vellinge kommun (1233)');

    const [row] = await query(
      platform.adminUrl,
      'SELECT name, organisation_number, schema_name, committee_name, postal_address, status FROM platform.municipalities WHERE municipality_code = $1',
      ['1233'],
    );
    expect(row).toEqual({
      name: 'Vellinge kommun',
      organisation_number: '2120001165',
      schema_name: 'kommun_1233',
      committee_name: 'Socialnämnden i Vellinge kommun',
      postal_address: 'Vellinge kommun, 235 81 Vellinge',
      status: 'active',
    });
    const vellinge = await catalogSnapshot(platform.adminUrl, 'kommun_1233', true);
    const trelleborg = await catalogSnapshot(platform.adminUrl, 'kommun_1287', true);
    expect(vellinge.filter((l) => l.startsWith('column ')).length).toBeGreaterThan(20);
    expect(vellinge).toEqual(trelleborg);
    const migrations = await query(platform.adminUrl, 'SELECT name FROM kommun_1233.schema_migrations');
    const reference = await query(platform.adminUrl, 'SELECT name FROM kommun_1287.schema_migrations');
    expect(migrations).toEqual(reference);
  });

  it('grants the app role read/insert on the new tables but never update or delete on audit_log', async () => {
    const rows = await query(platform.appUrl, 'SELECT count(*)::int AS n FROM kommun_1233.citizens');
    expect(rows).toEqual([{ n: 0 }]);
    await query(
      platform.appUrl,
      `INSERT INTO kommun_1233.audit_log (actor_kind, actor_id, acting_for_code, action, outcome)
       VALUES ('system', 'cli-test', '1233', 'test.insert', 'allowed')`,
    );
    await expect(query(platform.appUrl, "UPDATE kommun_1233.audit_log SET action = 'x'")).rejects.toThrow(
      /permission denied/,
    );
    await expect(query(platform.appUrl, 'DELETE FROM kommun_1233.audit_log')).rejects.toThrow(
      /permission denied/,
    );
    await expect(query(platform.appUrl, 'TRUNCATE kommun_1233.audit_log')).rejects.toThrow(
      /permission denied/,
    );
    await expect(query(platform.appUrl, 'DROP TABLE kommun_1233.citizens')).rejects.toThrow(/must be owner/);
  });

  it('lists the new municipality with its migrations', async () => {
    const out = captureOutput();
    await tenantList(platform.config, [], out);
    const lines = out.stdout;
    const n = loadMigrationSet().tenant.length;
    expect(lines[0]).toMatch(/^CODE\s+NAME\s+SCHEMA\s+STATUS\s+MIGRATIONS\s+AGREEMENTS$/);
    expect(lines.find((l) => l.startsWith('1233'))).toMatch(
      new RegExp(`Vellinge kommun\\s+kommun_1233\\s+active\\s+${n}/${n}\\s+–`),
    );
    expect(lines.find((l) => l.startsWith('1263'))).toMatch(/1287→1263 active 2025-01-01–/);
    const json = captureOutput();
    await tenantList(platform.config, ['--json'], json);
    const parsed: { code: string; appliedMigrations: number }[] = JSON.parse(json.text());
    expect(parsed.map((t) => [t.code, t.appliedMigrations])).toEqual([
      ['1233', n],
      ['1263', n],
      ['1287', n],
    ]);
  });

  it('refuses an existing code with nothing written', async () => {
    const before = await registryState(platform.adminUrl);
    const error = await tenantCreate(
      platform.config,
      ['--code', '1263', '--name', 'Svedala igen'],
      captureOutput(),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect(String(error)).toMatch(/1263 is already registered/);
    expect(await registryState(platform.adminUrl)).toEqual(before);
  });

  it('refuses an orphan schema (left from an earlier tenant) instead of adopting it', async () => {
    await query(platform.adminUrl, 'CREATE SCHEMA kommun_1214');
    await expect(
      tenantCreate(platform.config, ['--code', '1214', '--name', 'Svalövs kommun'], captureOutput()),
    ).rejects.toThrow(/kommun_1214 already exists but 1214 is not registered/);
    await query(platform.adminUrl, 'DROP SCHEMA kommun_1214');
  });

  it.each([
    [['--code', '12a3', '--name', 'Vellinge kommun'], /Invalid kommunkod "12a3"/],
    [['--code', '2999', '--name', 'Nowhere'], /Invalid kommunkod "2999"/],
    [
      ['--code', '1231', '--name', 'Burlövs kommun', '--org-number', '212000-1166'],
      /Invalid organisation number/,
    ],
    [['--code', '1231', '--name', 'B'], /--name must be 2–100 characters/],
    [['--code', '1231'], /--name is required/],
    [['--name', 'Burlövs kommun'], /--code is required/],
    [['--code', '1231', '--name', 'Burlövs kommun', '--mayor', 'x'], /Unknown option '--mayor'/],
  ])('refuses invalid input %j with nothing written', async (args, message) => {
    const before = await registryState(platform.adminUrl);
    const error = await tenantCreate(platform.config, args, captureOutput()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect(String(error)).toMatch(message);
    expect(await registryState(platform.adminUrl)).toEqual(before);
  });
});
