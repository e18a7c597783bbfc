import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportTenant, importTenant, tablesInDependencyOrder, withAdminClient } from '@samverkan/db';
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
  // Real case data in every case table, with the values that are easy to get wrong: jsonb numbers
  // beyond 2^53 and with trailing zeros, nested arrays, bigint beyond 2^53, text arrays with quotes.
  await query(source.adminUrl, CASE_DATA);
});

const P1 = "(SELECT person_id FROM kommun_1263.citizens WHERE personnummer = '198112189876')";
const P2 = "(SELECT person_id FROM kommun_1263.citizens WHERE personnummer = '200002292383')";
const SLOT1 = 'a0000000-0000-4000-8000-000000000001';
const APP1 = 'b0000000-0000-4000-8000-000000000001';
const APP2 = 'b0000000-0000-4000-8000-000000000002';
const FORM = String.raw`{"income": {"salaryOre": 1234567, "normMultiple": 1.50, "bankReference": 12345678901234567890,
  "share": 0.30000000000000001}, "matrix": [[1, 2.50, [3, [4.000, "fyra"]]], [], [[]]], "children": [{"age": 4}, {"age": 12.0}],
  "note": "Åsa \"citat\" \\ snedstreck\nrad två"}`;
const CASE_DATA = `
  SELECT setval('kommun_1263.case_number_seq', 40);
  INSERT INTO kommun_1263.delegation_rules
    (reference, decision_type, delegate, max_amount_ore, max_norm_multiple, valid_from, note, created_by)
  VALUES ('3.5', 'assistance.reject', '{"kind":"role","role":"unit_manager","limits":[1.50, 9007199254740993]}',
          9007199254740993, 1.50, '2026-07-01', NULL, 'admin');
  INSERT INTO kommun_1263.intake_slots
    (slot_id, starts_at, ends_at, place, location_name, officer_username, booked_person_id, booked_at)
  VALUES ('${SLOT1}', '2026-11-03T09:00:00+01', '2026-11-03T10:00:00+01', 'host_office', 'Trelleborg, Stadshuset',
          'arbetsmarknad.trelleborg', ${P1}, '2026-10-28T12:00:00.5+01'),
         ('a0000000-0000-4000-8000-000000000002', '2026-11-04T09:00:00+01', '2026-11-04T09:45:00+01', 'video', 'Video',
          'arbetsmarknad.trelleborg', NULL, NULL);
  INSERT INTO kommun_1263.labour_assessments
    (person_id, slot_id, available_for_work, reason, plan_from, plan_to, track, recorded_by)
  VALUES (${P1}, '${SLOT1}', false, 'Sjukskriven 50 %', '2026-11-01', '2027-01-31', NULL, 'arbetsmarknad.trelleborg');
  INSERT INTO kommun_1263.applications
    (application_id, case_number, person_id, month, channel, status, household_key, form, slot_id, registered_by,
     submitted_at, due_at, processing, manual_reasons, robot_attempts)
  VALUES ('${APP1}', '1263-2026-' || nextval('kommun_1263.case_number_seq'), ${P1}, '2026-11', 'digital', 'completed',
          '198112189876', '${FORM}', '${SLOT1}', NULL, '2026-11-01T10:00:00Z', '2026-11-15T00:00:00Z', 'decided', '[]', 1),
         ('${APP2}', '1263-2026-' || nextval('kommun_1263.case_number_seq'), ${P2}, '2026-11', 'paper', 'in_progress',
          '200002292383', '{"income": {"salaryOre": 0, "rate": 1.10}, "rows": [[], [1.0]]}', NULL, 'handlaggare.trelleborg',
          '2026-11-02T08:00:00Z', NULL, 'manual', '["income.unclear", {"code": 7, "share": 0.333}]', 2);
  INSERT INTO kommun_1263.register_fetches (application_id, personnummer, sources, periods, outcome, response, error)
  VALUES ('${APP1}', '198112189876', '{"Försäkringskassan","CSN, \\"lån\\""}', '{2026-09,2026-10}', 'ok',
          '{"fk": {"amountOre": 450000, "rate": 0.30000000000000001, "ids": [12345678901234567890]}}', NULL),
         ('${APP2}', '200002292383', '{Skatteverket}', '{2026-10}', 'failed', NULL, 'timeout efter 30 s');
  INSERT INTO kommun_1263.robot_assessments (application_id, outcome, reasons, calculation, norm_version)
  VALUES ('${APP1}', 'approve', '["ok"]', '{"normOre": 1234500, "multiple": 1.50}', '2026'),
         ('${APP2}', 'manual', '["income.unclear"]', NULL, '2026');
  INSERT INTO kommun_1263.proposals
    (proposal_id, application_id, decision_type, amount_ore, norm_ore, propose_rule_id, status, closed_at)
  VALUES ('d0000000-0000-4000-8000-000000000001', '${APP2}', 'assistance.approve', 987654, 600000,
          gen_random_uuid(), 'returned', '2026-11-05T14:00:00Z');
  INSERT INTO kommun_1263.decisions
    (decision_id, application_id, outcome, amount_ore, month, calculation, reasons, legal_basis, decided_by_kind,
     decided_by, decided_by_name, decided_by_employer, delegation_rule_id, delegation_reference, proposal_id,
     agreement_id, committee_name, norm_version, letter)
  VALUES ('e0000000-0000-4000-8000-000000000001', '${APP1}', 'approved', 1234500, '2026-11',
          '{"normOre": 1234500, "multiple": 1.50}', '["ok"]', '4 kap. 1 § SoL', 'robot', 'robot', 'Beslutsrobot', NULL,
          (SELECT rule_id FROM kommun_1263.delegation_rules ORDER BY reference, rule_id LIMIT 1), '3.4', NULL,
          (SELECT agreement_id FROM platform.agreements LIMIT 1), 'Socialnämnden i Svedala kommun', '2026',
          '{"lines": ["Beslut", "Du beviljas 12 345 kr"], "amount": 1234500.00}'),
         ('e0000000-0000-4000-8000-000000000002', '${APP2}', 'rejected', 0, '2026-11', NULL, '["income.too_high"]',
          '4 kap. 1 § SoL', 'person', 'chef.trelleborg', 'Chef Chefsson', '1287', gen_random_uuid(), '3.5',
          'd0000000-0000-4000-8000-000000000001', NULL, 'Socialnämnden i Svedala kommun', '2026', '{"lines": []}');
  INSERT INTO kommun_1263.payment_files
    (payment_file_id, payment_date, message_id, format, payment_count, total_ore, content, created_by)
  VALUES ('f0000000-0000-4000-8000-000000000001', '2026-11-25', 'MSG-2026-11-25-1', 'pain.001.001.03', 1, 1234500,
          E'<?xml version="1.0" encoding="UTF-8"?>\n<Document>Åsa</Document>\n', 'ekonomi');
  INSERT INTO kommun_1263.payments
    (decision_id, application_id, amount_ore, payee_name, payee_account, payment_date, status, payment_file_id)
  VALUES ('e0000000-0000-4000-8000-000000000001', '${APP1}', 1234500, 'Åsa Öberg-Ärlig',
          '{"clearing": 8327, "account": 98765432109876543210}', '2026-11-25', 'in_file', 'f0000000-0000-4000-8000-000000000001');
  INSERT INTO kommun_1263.notifications
    (person_id, application_id, kind, title, body, dedupe_key, delivered_via, delivered_at)
  VALUES (${P1}, '${APP1}', 'decision', 'Beslut', 'Du har fått ett beslut', 'decision:${APP1}', 'email', '2026-11-06T07:00:00Z'),
         (${P2}, NULL, 'reminder', 'Påminnelse', 'Komplettera din ansökan', 'reminder:1', NULL, NULL);
  INSERT INTO kommun_1263.journal_notes (application_id, author, body)
  VALUES ('${APP2}', 'handlaggare.trelleborg', E'Ringde sökande; "inkomst" oklar.\nÅterkommer.');
  INSERT INTO kommun_1263.case_events (application_id, kind, actor, detail)
  VALUES ('${APP1}', 'submitted', 'citizen', '{}'), ('${APP1}', 'robot.assessed', 'robot', '{"multiple": 1.50}'),
         ('${APP1}', 'decided', 'robot', '{"amountOre": 1234500}'), ('${APP2}', 'submitted', 'handlaggare.trelleborg', '{}'),
         ('${APP2}', 'proposal.returned', 'chef.trelleborg', '{"reason": "Inkomst \\"oklar\\""}');
  INSERT INTO kommun_1263.sample_draws
    (draw_month, population, blind_population, sample_rate, blind_rate, documents_drawn, blind_drawn, drawn_by)
  VALUES ('2026-11', 10, 8, 0.100, 0.020, 1, 1, 'system');
  INSERT INTO kommun_1263.completion_requests (application_id, message, due_date, requested_by, answer, answered_at)
  VALUES ('${APP2}', E'Skicka hyresavtal för "november".', '2026-12-10', 'handlaggare.trelleborg', 'Bifogat.', '2026-12-02T09:00:00Z');
  INSERT INTO kommun_1263.sample_checks
    (application_id, kind, draw_month, requested_documents, due_date, status, outcome, blind_outcome, blind_amount_ore,
     agrees_with_decision, recorded_by, recorded_at)
  VALUES ('${APP1}', 'documents', '2026-11', '["lönespec", {"months": 3}]', '2026-12-15', 'open', NULL, NULL, NULL, NULL, NULL, NULL),
         ('${APP1}', 'blind_review', '2026-11', '[]', NULL, 'completed', NULL, 'approved', 1234500, true, 'granskare',
          '2026-11-20T10:00:00Z');
  INSERT INTO kommun_1263.daily_summaries (summary_date, body, created_by)
  VALUES ('2026-11-30', '{"date": "2026-11-30", "robotDecisions": {"approved": 1, "amountOre": 1234500}}', 'robot:Beslutsrobot');
  INSERT INTO kommun_1263.population_years (year, residents, source, set_by) VALUES (2026, 21987, 'SCB', 'uppfoljare');
  INSERT INTO kommun_1263.self_support_obstacles (person_id, valid_from, obstacle, recorded_by)
  VALUES (${P1}, '2026-11-01', 'sick_with_certificate', 'handlaggare.trelleborg');
  INSERT INTO kommun_1263.assistance_exits (person_id, exit_month, reason, recorded_by) VALUES (${P2}, '2026-11', 'work', 'ask');
  INSERT INTO kommun_1263.retention_policy (retention_years, keep_birth_days, updated_by) VALUES (5, '{5,15,25}', 'chef');
  INSERT INTO kommun_1263.disposal_runs
    (as_of, retention_years, keep_birth_days, persons_disposed, persons_kept, case_numbers, table_counts, executed_by)
  VALUES ('2026-11-30', 5, '{5,15,25}', 1, 0, '{EB-1263-2019-000001}', '{"applications": 1}', 'chef');
  INSERT INTO kommun_1263.audit_log (actor_kind, actor_id, acting_for_code, action, outcome, person_id, detail)
  VALUES ('system', 'ekonomisystem', '1263', 'payment.reconciled', 'allowed', ${P1},
          '{"normMultiple": 1.50, "bankReference": 12345678901234567890, "nested": [[1.0], [2.50, [3]]]}');
  SELECT setval('kommun_1263.case_number_seq', 57);
`;

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
    const [pk] = await query<{ cols: string }>(
      url,
      `SELECT string_agg('t.' || quote_ident(a.attname), ', ' ORDER BY k.pos) AS cols
         FROM pg_index i
         JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, pos) ON true
         JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
        WHERE i.indrelid = $1::regclass AND i.indisprimary`,
      [`${schema}.${table_name}`],
    );
    const rows = await query<{ r: string }>(
      url,
      `SELECT t::text AS r FROM ${schema}.${table_name} t ORDER BY ${pk?.cols ?? 't::text'}`,
    );
    result[table_name] = rows.map((r) => r.r);
  }
  return result;
}

const sequenceState = (url: string) =>
  query<{ last_value: string; is_called: boolean }>(
    url,
    'SELECT last_value::text AS last_value, is_called FROM kommun_1263.case_number_seq',
  );

/** The table of every row line, in file order. */
const rowTables = (fileLines: string[]) =>
  fileLines.flatMap((l) => {
    const m = /^\{"t":"([a-z_0-9]+)","r":/.exec(l);
    return m?.[1] ? [m[1]] : [];
  });

const lines = async (file: string) => (await readFile(file, 'utf8')).split('\n');

/** The file's lines with only the header's exportedAt cut out of the raw text (no JSON round trip). */
function withoutExportedAt(fileLines: string[]): string[] {
  const [header = '', ...rest] = fileLines;
  const cut = header.replace(/,"exportedAt":"[^"]*"/, '');
  expect(cut).not.toBe(header);
  return [cut, ...rest];
}

describe('tenant export + import', () => {
  it('exports real case data: every tenant table has rows', async () => {
    const rows = await tenantRows(source.adminUrl);
    const empty = Object.entries(rows)
      .filter(([, r]) => r.length === 0)
      .map(([t]) => t);
    expect(empty).toEqual([]);
    expect(Object.keys(rows)).toHaveLength(25);
  });

  it('round-trips Svedala exactly into an empty platform and back out', async () => {
    const fileA = join(dir, 'svedala-a.ndjson');
    const exported = await exportTo(source, fileA);
    expect(exported.text()).toMatch(/audit_log\s+31/);
    expect(exported.text()).toMatch(/applications\s+2/);

    const target = await emptyPlatform();
    const imported = await importFrom(target, fileA);
    expect(imported.text()).toMatch(/citizens\s+5/);
    // The host is not on the empty platform, so the agreement cannot be restored; the command says so.
    expect(imported.text()).toMatch(/agreement .* \(1287→1263\) NOT restored: 1287 is not on this platform/);
    expect(await query(target.adminUrl, 'SELECT * FROM platform.agreements')).toEqual([]);

    expect(await tenantRows(target.adminUrl)).toEqual(await tenantRows(source.adminUrl));
    expect(await catalogSnapshot(target.adminUrl)).toEqual(
      await catalogSnapshot(source.adminUrl, 'kommun_1263'),
    );
    const registry = 'SELECT m::text AS r FROM platform.municipalities m WHERE municipality_code = $1';
    expect(await query(target.adminUrl, registry, ['1263'])).toEqual(
      await query(source.adminUrl, registry, ['1263']),
    );
    expect(await sequenceState(target.adminUrl)).toEqual(await sequenceState(source.adminUrl));

    const fileB = join(dir, 'svedala-b.ndjson');
    await exportTo(target, fileB);
    const [a, b] = [withoutExportedAt(await lines(fileA)), withoutExportedAt(await lines(fileB))];
    const headerA = JSON.parse(a[0] ?? '') as Record<string, unknown>;
    const headerB = JSON.parse(b[0] ?? '') as Record<string, unknown>;
    expect(headerA.agreements).toHaveLength(1);
    expect(headerB.agreements).toEqual([]);
    expect({ ...headerB, agreements: headerA.agreements }).toEqual(headerA);
    // Apart from the agreement, the header is the same text too.
    const dropAgreements = (h: string) =>
      h.replace(/"agreements":\[.*\],"migrations"/, '"agreements":[],"migrations"');
    expect(dropAgreements(b[0] ?? '')).toBe(dropAgreements(a[0] ?? ''));
    expect(b.slice(1)).toEqual(a.slice(1));
  });

  it('is byte-identical apart from exportedAt into a platform that has Trelleborg but not Svedala', async () => {
    const fileA = join(dir, 'svedala-host-a.ndjson');
    await exportTo(source, fileA);
    const target = await emptyPlatform();
    await tenantCreate(target.config, ['--code', '1287', '--name', 'Trelleborgs kommun'], captureOutput());
    const trelleborgBefore = await tenantRows(target.adminUrl, 'kommun_1287');
    const imported = await importFrom(target, fileA);
    expect(imported.text()).toMatch(/agreement .* \(1287→1263\) restored/);
    expect(imported.text()).not.toMatch(/NOT restored/);
    expect(await tenantRows(target.adminUrl)).toEqual(await tenantRows(source.adminUrl));
    expect(await tenantRows(target.adminUrl, 'kommun_1287')).toEqual(trelleborgBefore);
    const agreement = 'SELECT a::text AS r FROM platform.agreements a WHERE tenant_code = $1';
    expect(await query(target.adminUrl, agreement, ['1263'])).toEqual(
      await query(source.adminUrl, agreement, ['1263']),
    );
    const fileB = join(dir, 'svedala-host-b.ndjson');
    await exportTo(target, fileB);
    expect(withoutExportedAt(await lines(fileB))).toEqual(withoutExportedAt(await lines(fileA)));
  });

  it('keeps jsonb numbers exactly (1.50, integers beyond 2^53) in the file and in the database', async () => {
    const file = join(dir, 'svedala-precision.ndjson');
    await exportTo(source, file);
    const text = await readFile(file, 'utf8');
    expect(text).toContain('"bankReference": 12345678901234567890');
    expect(text).toContain('"normMultiple": 1.50');
    expect(text).toContain('"share": 0.30000000000000001');
    expect(text).toContain('"max_amount_ore":9007199254740993');
    const target = await emptyPlatform();
    await importFrom(target, file);
    const detail = "SELECT detail::text AS d FROM kommun_1263.audit_log WHERE action = 'payment.reconciled'";
    const [row] = await query<{ d: string }>(target.adminUrl, detail);
    expect(row?.d).toBe(
      '{"nested": [[1.0], [2.50, [3]]], "normMultiple": 1.50, "bankReference": 12345678901234567890}',
    );
    const form = `SELECT form::text AS f FROM kommun_1263.applications WHERE application_id = '${APP1}'`;
    expect(await query(target.adminUrl, form)).toEqual(await query(source.adminUrl, form));
  });

  it('writes tables in foreign-key order (citizens before applications) and rows in primary-key order', async () => {
    const file = join(dir, 'svedala-order.ndjson');
    await exportTo(source, file);
    const fileLines = await lines(file);
    const order = [...new Set(rowTables(fileLines))];
    const expected = await withAdminClient(source.adminUrl, (c) => tablesInDependencyOrder(c, 'kommun_1263'));
    expect(order).toEqual(expected);
    const edges = await query<{ child: string; parent: string }>(
      source.adminUrl,
      `SELECT c.relname AS child, p.relname AS parent FROM pg_constraint k
         JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class p ON p.oid = k.confrelid
        WHERE k.contype = 'f' AND c.relnamespace = 'kommun_1263'::regnamespace`,
    );
    expect(edges.length).toBeGreaterThan(10);
    for (const { child, parent } of edges) expect(order.indexOf(parent)).toBeLessThan(order.indexOf(child));
    expect(order.indexOf('citizens')).toBeLessThan(order.indexOf('applications'));
    // Rows in primary-key order: audit ids ascend numerically (10 after 9, not after 1).
    const auditIds = fileLines
      .filter((l) => l.startsWith('{"t":"audit_log"'))
      .map((l) => Number(/"audit_id":(\d+)/.exec(l)?.[1]));
    expect(auditIds).toHaveLength(31);
    expect(auditIds).toEqual([...auditIds].sort((x, y) => x - y));
  });

  it('refuses to order tables whose foreign keys form a cycle', async () => {
    const target = await emptyPlatform();
    await query(
      target.adminUrl,
      `CREATE SCHEMA cyclic;
       CREATE TABLE cyclic.a (id int PRIMARY KEY, b_id int);
       CREATE TABLE cyclic.b (id int PRIMARY KEY, a_id int REFERENCES cyclic.a);
       ALTER TABLE cyclic.a ADD FOREIGN KEY (b_id) REFERENCES cyclic.b;
       CREATE TABLE cyclic.c (id int PRIMARY KEY)`,
    );
    await expect(
      withAdminClient(target.adminUrl, (c) => tablesInDependencyOrder(c, 'cyclic')),
    ).rejects.toThrow(/cycle among a, b/);
  });

  it('continues plain sequences (case_number_seq) after the exported value', async () => {
    const file = join(dir, 'svedala-case-seq.ndjson');
    await exportTo(source, file);
    const [state] = await sequenceState(source.adminUrl);
    expect(state).toEqual({ last_value: '57', is_called: true });
    const target = await emptyPlatform();
    await importFrom(target, file);
    const [next] = await query<{ n: string }>(
      target.adminUrl,
      "SELECT nextval('kommun_1263.case_number_seq')::text AS n",
    );
    expect(next?.n).toBe('58');
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
      const auditLine = all.findIndex((l) => l.startsWith('{"t":"audit_log"'));
      await writeFile(dropped, `${all.filter((_, i) => i !== auditLine).join('\n')}\n`);
      await expect(importFrom(target, dropped)).rejects.toThrow(/Row count mismatch for audit_log/);
      expect((await state(target.adminUrl)).registry).toEqual([]);
    });

    it('refuses a file that is not an export, and a missing file', async () => {
      const other = join(dir, 'not-an-export.ndjson');
      await writeFile(other, '{"hello":"world"}\n');
      await expect(importFrom(target, other)).rejects.toThrow(/is not a tenant export/);
      await expect(importFrom(target, join(dir, 'missing.ndjson'))).rejects.toThrow(/No such file/);
    });

    /** The export with its lines changed by `edit` (header, rows and trailer as raw text). */
    async function edited(name: string, edit: (all: string[]) => string[]): Promise<string> {
      const all = (await lines(file)).filter((l) => l !== '');
      const changed = join(dir, `${name}.ndjson`);
      await writeFile(changed, `${edit(all).join('\n')}\n`);
      return changed;
    }
    const withTrailer = (all: string[], change: (counts: Record<string, number>) => void) => {
      const trailer = JSON.parse(all.at(-1) ?? '') as { end: true; counts: Record<string, number> };
      change(trailer.counts);
      return [...all.slice(0, -1), JSON.stringify(trailer)];
    };

    it('refuses rows for a table its trailer does not list, and a trailer that leaves a table out', async () => {
      const before = await state(target.adminUrl);
      const unlisted = await edited('unlisted', (all) =>
        withTrailer(all, (counts) => {
          delete counts.citizens;
        }),
      );
      await expect(importFrom(target, unlisted)).rejects.toThrow(
        /nothing was written: Export has rows for citizens, which its trailer does not list/,
      );
      const extra = await edited('extra-table', (all) =>
        withTrailer(all, (counts) => Object.assign(counts, { ghosts: 0 })),
      );
      await expect(importFrom(target, extra)).rejects.toThrow(
        /Export trailer lists ghosts, which is not a table/,
      );
      const unknownTable = await edited('unknown-table', (all) => [
        ...all.slice(0, -1),
        '{"t":"ghosts","r":{"id":1}}',
        ...all.slice(-1),
      ]);
      await expect(importFrom(target, unknownTable)).rejects.toThrow(
        /rows for ghosts, which is not a table of kommun_1263/,
      );
      const migrations = await edited('migrations-rows', (all) => [
        ...all.slice(0, -1),
        '{"t":"schema_migrations","r":{"name":"9999_evil.sql","checksum":"x"}}',
        ...all.slice(-1),
      ]);
      await expect(importFrom(target, migrations)).rejects.toThrow(
        /rows for schema_migrations, which is not a table/,
      );
      expect(await state(target.adminUrl)).toEqual(before);
    });

    it('refuses rows out of dependency order, and lines after the trailer', async () => {
      const before = await state(target.adminUrl);
      const reordered = await edited('reordered', (all) => {
        const application = all.findIndex((l) => l.startsWith('{"t":"applications"'));
        const moved = all[application] ?? '';
        const rest = all.filter((_, i) => i !== application);
        return [rest[0] ?? '', moved, ...rest.slice(1)];
      });
      await expect(importFrom(target, reordered)).rejects.toThrow(/nothing was written: .*dependency order/);
      const after = await edited('after-trailer', (all) => [...all, all[1] ?? '']);
      await expect(importFrom(target, after)).rejects.toThrow(/lines after its trailer/);
      expect(await state(target.adminUrl)).toEqual(before);
    });

    it('refuses a municipality code that is not a kommunkod', async () => {
      const before = await state(target.adminUrl);
      const bad = await edited('bad-code', (all) => [
        (all[0] ?? '').replace('"municipality_code":"1263"', '"municipality_code":"9963"'),
        ...all.slice(1),
      ]);
      await expect(importFrom(target, bad)).rejects.toThrow(/Invalid kommunkod "9963"/);
      // The library refuses it too, whoever calls it.
      await expect(withAdminClient(target.adminUrl, (c) => importTenant(c, bad))).rejects.toThrow(
        /Refusing to derive a schema from "9963"/,
      );
      expect(await state(target.adminUrl)).toEqual(before);
    });

    it('refuses a leftover schema of an unregistered municipality, writing nothing', async () => {
      await query(target.adminUrl, 'CREATE SCHEMA kommun_1263');
      try {
        const before = await state(target.adminUrl);
        await expect(importFrom(target, file)).rejects.toThrow(
          /Schema kommun_1263 already exists but 1263 is not registered/,
        );
        await expect(withAdminClient(target.adminUrl, (c) => importTenant(c, file))).rejects.toThrow(
          /Schema kommun_1263 already exists on this platform/,
        );
        expect(await state(target.adminUrl)).toEqual(before);
        const tables = await query(
          target.adminUrl,
          "SELECT 1 FROM pg_class WHERE relnamespace = 'kommun_1263'::regnamespace",
        );
        expect(tables).toEqual([]);
      } finally {
        await query(target.adminUrl, 'DROP SCHEMA kommun_1263');
      }
    });

    it('still imports the intact file afterwards (the refusals left no trace)', async () => {
      await importFrom(target, file);
      expect(await tenantRows(target.adminUrl)).toEqual(await tenantRows(source.adminUrl));
    });
  });

  it('derives the schema name from the code, never from the file', async () => {
    const original = join(dir, 'svedala-schema-name.ndjson');
    await exportTo(source, original);
    const all = (await lines(original)).filter((l) => l !== '');
    const header = all[0] ?? '';
    expect(header).toContain('"schema_name":"kommun_1263"');
    const tampered = join(dir, 'tampered-schema-name.ndjson');
    await writeFile(
      tampered,
      `${[header.replace('"schema_name":"kommun_1263"', '"schema_name":"kommun_1287"'), ...all.slice(1)].join('\n')}\n`,
    );
    const target = await emptyPlatform();
    await importFrom(target, tampered);
    expect(
      await query(target.adminUrl, 'SELECT municipality_code, schema_name FROM platform.municipalities'),
    ).toEqual([{ municipality_code: '1263', schema_name: 'kommun_1263' }]);
    expect(
      await query(target.adminUrl, "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'kommun_%'"),
    ).toEqual([{ nspname: 'kommun_1263' }]);
  });

  it('returns the agreements it could not restore', async () => {
    const file = join(dir, 'svedala-agreements.ndjson');
    await exportTo(source, file);
    const [agreement] = await query<{ agreement_id: string }>(
      source.adminUrl,
      'SELECT agreement_id FROM platform.agreements',
    );
    const target = await emptyPlatform();
    const result = await withAdminClient(target.adminUrl, (c) => importTenant(c, file));
    expect(result.code).toBe('1263');
    expect(result.schema).toBe('kommun_1263');
    expect(result.restoredAgreements).toEqual([]);
    expect(result.skippedAgreements).toEqual([
      {
        agreementId: agreement?.agreement_id,
        hostCode: '1287',
        tenantCode: '1263',
        reason: '1287 is not on this platform',
      },
    ]);
    expect(result.tables.applications).toBe(2);
  });

  it('exportTenant checks the municipality before it creates the file', async () => {
    const file = join(dir, 'direct-unknown.ndjson');
    await expect(withAdminClient(source.adminUrl, (c) => exportTenant(c, '1233', file))).rejects.toThrow(
      /1233 is not registered/,
    );
    await expect(readFile(file)).rejects.toThrow(/ENOENT/);
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
