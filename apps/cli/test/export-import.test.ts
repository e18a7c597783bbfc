import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantCreate } from '../src/commands/tenant-create.ts';
import { tenantExport } from '../src/commands/tenant-export.ts';
import { tenantImport } from '../src/commands/tenant-import.ts';
import { CliError } from '../src/errors.ts';
import { captureOutput } from '../src/output.ts';
import { catalogSnapshot, createEmptyPlatform, type Platform, query, useSeededPlatform } from './helpers.ts';

const source = useSeededPlatform();
let dir = '';
const empties: Platform[] = [];

async function emptyPlatform(): Promise<Platform> {
  const p = await createEmptyPlatform();
  empties.push(p);
  return p;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'samverkan-cli-export-'));
  // Realistic Svedala data on top of the demo seed, written as the application would (app role).
  await query(
    source.appUrl,
    `INSERT INTO kommun_1263.citizens (personnummer, given_name, family_name, created_at) VALUES
       ('198112189876', 'Åsa', 'Öberg-Ärlig', '2026-03-01T08:15:30.123456+01:00'),
       ('200002292383', 'Ümit', 'Nyström', '2026-03-02T23:59:59.999999Z')`,
  );
  await query(
    source.appUrl,
    `INSERT INTO kommun_1263.delegation_rules
       (reference, decision_type, delegate, max_amount_ore, max_norm_multiple, valid_from, valid_to, note, created_by)
     VALUES ('3.4', 'assistance.approve', '{"kind":"role","role":"caseworker","employerCode":"1287"}',
             1250000, 2.50, '2025-01-01', '2026-06-30', 'Upphör vid halvårsskiftet', 'admin')`,
  );
  await query(
    source.appUrl,
    `INSERT INTO kommun_1263.guideline_versions (effective_from, body, created_by)
     VALUES ('2027-01-01', '{"effectiveFrom":"2027-01-01","items":[{"code":"hemutrustning","maxOre":1500000}],"note":"Riktlinjer 2027 — beslutade av SN §12"}', 'admin')`,
  );
  for (let i = 0; i < 30; i++) {
    await query(
      source.appUrl,
      `INSERT INTO kommun_1263.audit_log
         (actor_kind, actor_id, actor_employer_code, acting_for_code, access_basis, action, outcome, object_type, object_id, request_id, detail)
       VALUES ('staff', 'handlaggare.trelleborg', '1287', '1263', 'agreement', 'citizen.read', $1, 'citizen', $2, $3, $4)`,
      [
        i % 7 === 0 ? 'refused' : 'allowed',
        String(i),
        `req-${i}`,
        JSON.stringify({
          fields: ['given_name', 'family_name'],
          reason: 'Utredning, "nysamtal"',
          index: i,
          nested: { ok: i % 2 === 0 },
        }),
      ],
    );
  }
});

afterAll(async () => {
  for (const p of empties) await p.drop();
  await rm(dir, { recursive: true, force: true });
});

async function exportTo(platform: Platform, file: string, code = '1263') {
  const out = captureOutput();
  await tenantExport(platform.config, ['--code', code, '--out', file], out);
  return out;
}

async function importFrom(platform: Platform, file: string) {
  const out = captureOutput();
  await tenantImport(platform.config, ['--in', file], out);
  return out;
}

/** Every row of every tenant table as Postgres prints it, so "exact" means exact. */
async function tenantRows(url: string, schema = 'kommun_1263'): Promise<Record<string, string[]>> {
  const tables = await query<{ table_name: string }>(
    url,
    `SELECT table_name FROM information_schema.tables
      WHERE table_schema = $1 AND table_type = 'BASE TABLE' AND table_name <> 'schema_migrations' ORDER BY 1`,
    [schema],
  );
  const result: Record<string, string[]> = {};
  for (const { table_name } of tables) {
    const rows = await query<{ r: string }>(
      url,
      `SELECT t::text AS r FROM ${schema}.${table_name} t ORDER BY 1`,
    );
    result[table_name] = rows.map((r) => r.r);
  }
  return result;
}

const lines = async (file: string) => (await readFile(file, 'utf8')).split('\n');

function withoutExportedAt(fileLines: string[]): string[] {
  const [header = '', ...rest] = fileLines;
  const { exportedAt: _ignored, ...kept } = JSON.parse(header) as Record<string, unknown>;
  return [JSON.stringify(kept), ...rest];
}

describe('tenant export + import', () => {
  it('round-trips Svedala exactly into an empty platform and back out', async () => {
    const fileA = join(dir, 'svedala-a.ndjson');
    const exported = await exportTo(source, fileA);
    expect(exported.text()).toMatch(/audit_log\s+30/);

    const target = await emptyPlatform();
    const imported = await importFrom(target, fileA);
    expect(imported.text()).toMatch(/citizens\s+\d+/);
    // The host is not on the empty platform, so the agreement cannot be restored; the command says so.
    expect(imported.text()).toMatch(/agreement .* \(1287→1263\) NOT restored: 1287 is not on this platform/);

    expect(await tenantRows(target.adminUrl)).toEqual(await tenantRows(source.adminUrl));
    expect(await catalogSnapshot(target.adminUrl)).toEqual(
      await catalogSnapshot(source.adminUrl, 'kommun_1263'),
    );
    const registry = 'SELECT m::text AS r FROM platform.municipalities m WHERE municipality_code = $1';
    expect(await query(target.adminUrl, registry, ['1263'])).toEqual(
      await query(source.adminUrl, registry, ['1263']),
    );

    const fileB = join(dir, 'svedala-b.ndjson');
    await exportTo(target, fileB);
    const [a, b] = [withoutExportedAt(await lines(fileA)), withoutExportedAt(await lines(fileB))];
    const headerA = JSON.parse(a[0] ?? '') as Record<string, unknown>;
    const headerB = JSON.parse(b[0] ?? '') as Record<string, unknown>;
    expect(headerA.agreements).toHaveLength(1);
    expect(headerB.agreements).toEqual([]);
    expect({ ...headerB, agreements: headerA.agreements }).toEqual(headerA);
    expect(b.slice(1)).toEqual(a.slice(1));
  });

  it('is byte-identical apart from exportedAt when the host is on the target platform', async () => {
    const fileA = join(dir, 'svedala-host-a.ndjson');
    await exportTo(source, fileA);
    const target = await emptyPlatform();
    await tenantCreate(target.config, ['--code', '1287', '--name', 'Trelleborgs kommun'], captureOutput());
    const imported = await importFrom(target, fileA);
    expect(imported.text()).toMatch(/agreement .* \(1287→1263\) restored/);
    const fileB = join(dir, 'svedala-host-b.ndjson');
    await exportTo(target, fileB);
    expect(withoutExportedAt(await lines(fileB))).toEqual(withoutExportedAt(await lines(fileA)));
  });

  it('continues identity sequences after the imported keys', async () => {
    const file = join(dir, 'svedala-seq.ndjson');
    await exportTo(source, file);
    const target = await emptyPlatform();
    await importFrom(target, file);
    const [max] = await query<{ max: number }>(
      target.adminUrl,
      'SELECT max(audit_id)::int AS max FROM kommun_1263.audit_log',
    );
    const [inserted] = await query<{ audit_id: number }>(
      target.appUrl,
      `INSERT INTO kommun_1263.audit_log (actor_kind, actor_id, acting_for_code, action, outcome)
       VALUES ('system', 'cli-test', '1263', 'import.check', 'allowed') RETURNING audit_id::int`,
    );
    expect(max?.max).toBeGreaterThanOrEqual(30);
    expect(inserted?.audit_id).toBe((max?.max ?? 0) + 1);
  });

  describe('refusals write nothing', () => {
    let file = '';
    let target: Platform;
    const state = async (url: string) => ({
      registry: await query(url, 'SELECT municipality_code FROM platform.municipalities ORDER BY 1'),
      agreements: await query(url, 'SELECT agreement_id FROM platform.agreements ORDER BY 1'),
      schemas: await query(url, "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'kommun_%' ORDER BY 1"),
      rows: await tenantRows(url),
    });

    beforeAll(async () => {
      file = join(dir, 'svedala-refusals.ndjson');
      await exportTo(source, file);
      target = await emptyPlatform();
    });

    it('refuses a platform that already has the municipality', async () => {
      const before = await state(source.adminUrl);
      const error = await importFrom(source, file).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CliError);
      expect(String(error)).toMatch(/1263 is already registered on this platform; nothing was imported/);
      expect(await state(source.adminUrl)).toEqual(before);
    });

    it('refuses a truncated file (no trailer)', async () => {
      const all = await lines(file);
      const truncated = join(dir, 'truncated.ndjson');
      await writeFile(truncated, `${all.slice(0, -2).join('\n')}\n`); // drops the trailer (last line before the final \n)
      const before = await state(target.adminUrl);
      await expect(importFrom(target, truncated)).rejects.toThrow(
        /nothing was written: Export file is truncated/,
      );
      expect(await state(target.adminUrl)).toEqual(before);
      expect(before.registry).toEqual([]);
    });

    it('refuses a file whose trailer counts disagree with its rows', async () => {
      const all = (await lines(file)).filter((l) => l !== '');
      const trailer = JSON.parse(all.at(-1) ?? '') as { end: true; counts: Record<string, number> };
      trailer.counts.citizens = (trailer.counts.citizens ?? 0) + 1;
      const changed = join(dir, 'changed-count.ndjson');
      await writeFile(changed, `${[...all.slice(0, -1), JSON.stringify(trailer)].join('\n')}\n`);
      await expect(importFrom(target, changed)).rejects.toThrow(
        /nothing was written: Row count mismatch for citizens/,
      );
      // A dropped row line is caught the same way.
      const dropped = join(dir, 'dropped-row.ndjson');
      const citizenLine = all.findIndex((l) => l.startsWith('{"t":"citizens"'));
      await writeFile(dropped, `${all.filter((_, i) => i !== citizenLine).join('\n')}\n`);
      await expect(importFrom(target, dropped)).rejects.toThrow(/Row count mismatch for citizens/);
      expect((await state(target.adminUrl)).registry).toEqual([]);
    });

    it('refuses a file that is not an export, and a missing file', async () => {
      const other = join(dir, 'not-an-export.ndjson');
      await writeFile(other, '{"hello":"world"}\n');
      await expect(importFrom(target, other)).rejects.toThrow(/is not a tenant export/);
      await expect(importFrom(target, join(dir, 'missing.ndjson'))).rejects.toThrow(/No such file/);
    });

    it('still imports the intact file afterwards (the refusals left no trace)', async () => {
      await importFrom(target, file);
      expect(await tenantRows(target.adminUrl)).toEqual(await tenantRows(source.adminUrl));
    });
  });

  it('refuses to export an unknown municipality or overwrite a file, leaving no file behind', async () => {
    const file = join(dir, 'unknown.ndjson');
    await expect(exportTo(source, file, '1233')).rejects.toThrow(/1233 is not registered/);
    await expect(readFile(file)).rejects.toThrow(/ENOENT/);
    await expect(readFile(`${file}.partial`)).rejects.toThrow(/ENOENT/);
    const existing = join(dir, 'existing.ndjson');
    await writeFile(existing, 'keep me');
    await expect(exportTo(source, existing)).rejects.toThrow(/exists; pass --force/);
    expect(await readFile(existing, 'utf8')).toBe('keep me');
  });
});
