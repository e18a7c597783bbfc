import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { insertCase, pnr } from './follow-up-fixtures.ts';
import { useTestApp } from './helpers.ts';

const t = useTestApp();
const MANAGER = 'enhetschef.svedala';

// Svedala, all case activity in 2019 unless said otherwise (today is years later):
//   X  born on the 12th                         → disposed
//   Y  born on the 15th                         → kept (research day)
//   Z  samordningsnummer, day 85 = the 25th      → kept
//   W  born on the 12th, partner born on the 5th → kept (the household case names a kept person)
//   V  born on the 12th, also a case in 2024     → not yet eligible
// Trelleborg: Q born on the 12th with a 2019 case → never touched by Svedala's disposal.
const X = pnr('19800312');
const Y = pnr('19800315');
const Z = pnr('19800385');
const W = pnr('19810612');
const WP = pnr('19820705');
const V = pnr('19830812');
const Q = pnr('19840912');
const old = (month: string) => ({
  month,
  submittedAt: `${month}-04T10:00:00+02:00`,
  decision: {
    outcome: 'approved' as const,
    amountOre: 500_000,
    kind: 'robot' as const,
    reference: '4.1.1',
    decidedAt: `${month}-04T11:00:00+02:00`,
  },
  paid: true,
});
const ids: Record<string, { applicationId: string; caseNumber: string; personId: string }> = {};

const tableCounts = (schema: string) =>
  t.admin(async (c) => {
    const tables = (
      await c.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY 1`,
        [schema],
      )
    ).rows.map((r) => r.table_name);
    const result: Record<string, number> = {};
    for (const table of tables) {
      result[table] = Number((await c.query(`SELECT count(*) n FROM ${schema}.${table}`)).rows[0].n);
    }
    return result;
  });

beforeAll(async () => {
  await t.admin(async (c) => {
    await c.query(
      `INSERT INTO platform.staff (username, display_name, title, employer_code, roles)
       VALUES ($1, 'Enhetschef Svedala', 'Enhetschef', '1263', '{unit_manager}')`,
      [MANAGER],
    );
    const s = 'kommun_1263';
    ids.x = await insertCase(c, s, { pnr: X, ...old('2019-05') });
    ids.x2 = await insertCase(c, s, { pnr: X, ...old('2019-06') });
    await c.query(
      `INSERT INTO ${s}.journal_notes (application_id, author, body, created_at) VALUES ($1, 'handlaggare.trelleborg', 'Anteckning', '2019-05-05')`,
      [ids.x.applicationId],
    );
    await c.query(
      `INSERT INTO ${s}.case_events (application_id, kind, actor, occurred_at) VALUES ($1, 'decided', 'robot', '2019-06-04')`,
      [ids.x2.applicationId],
    );
    await c.query(
      `INSERT INTO ${s}.labour_assessments (person_id, available_for_work, plan_from, plan_to, recorded_by, recorded_at)
       VALUES ($1, true, '2019-05-01', '2019-12-31', 'ask.trelleborg', '2019-05-02')`,
      [ids.x.personId],
    );
    await c.query(
      `INSERT INTO ${s}.assistance_exits (person_id, exit_month, reason, recorded_by, recorded_at)
       VALUES ($1, '2019-07', 'work', 'ask.trelleborg', '2019-07-02')`,
      [ids.x.personId],
    );
    // Access to X's case was logged; the log stays.
    await c.query(
      `INSERT INTO ${s}.audit_log (actor_kind, actor_id, acting_for_code, action, outcome, person_id, occurred_at)
       VALUES ('staff', 'handlaggare.trelleborg', '1263', 'case.read', 'allowed', $1, '2019-05-06')`,
      [ids.x.personId],
    );
    ids.y = await insertCase(c, s, { pnr: Y, ...old('2019-05') });
    ids.z = await insertCase(c, s, { pnr: Z, ...old('2019-05') });
    ids.w = await insertCase(c, s, { pnr: W, partner: WP, ...old('2019-05') });
    ids.v = await insertCase(c, s, { pnr: V, ...old('2019-05') });
    ids.v2 = await insertCase(c, s, { pnr: V, ...old('2024-03') });
    ids.q = await insertCase(c, 'kommun_1287', { pnr: Q, ...old('2019-05') });
  });
});

const post = (payload: Record<string, unknown>, as = MANAGER, code = '1263') =>
  t.app.inject({
    method: 'POST',
    url: `/v1/municipalities/${code}/retention/disposals`,
    headers: t.auth(as),
    payload,
  });

describe('disposal (gallring) of case records', () => {
  it('uses the statutory default policy until the municipality sets one', async () => {
    const res = await t.app.inject({
      url: '/v1/municipalities/1263/retention/policy',
      headers: t.auth(MANAGER),
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ retentionYears: 5, keepBirthDays: [5, 15, 25], isDefault: true });
    const short = await t.app.inject({
      method: 'PUT',
      url: '/v1/municipalities/1263/retention/policy',
      headers: t.auth(MANAGER),
      payload: { retentionYears: 4, keepBirthDays: [5, 15, 25] },
    });
    expect(short.statusCode).toBe(400);
  });

  it('reports in a dry run who would go and who is kept, changing nothing', async () => {
    const before = await tableCounts('kommun_1263');
    const res = await post({ dryRun: true });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      kommunkod: '1263',
      dryRun: true,
      eligiblePersons: 4, // X, Y, Z, W (V has a 2024 case)
      keptPersons: 3, // Y (15th), Z (85 − 60 = 25th), W (partner born on the 5th)
      disposedPersons: 1,
      // Last entry 2019 → period ends 2024 → deadline end of 2025: overdue today.
      overduePersons: 4,
      caseNumbers: [ids.x?.caseNumber, ids.x2?.caseNumber].sort(),
      tableCounts: null,
      runId: null,
    });
    expect(await tableCounts('kommun_1263')).toEqual({ ...before, audit_log: (before.audit_log ?? 0) + 1 });
    // A dry run as of 2030 would also take V (last entry 2024): 5 eligible.
    // 29 February five years back is 28 February; a date that does not exist is 400.
    expect((await post({ dryRun: true, asOf: '2028-02-29' })).statusCode).toBe(200);
    expect((await post({ dryRun: true, asOf: '2027-02-29' })).statusCode).toBe(400);
    const later = await post({ dryRun: true, asOf: '2030-06-01' });
    expect(later.json()).toMatchObject({ eligiblePersons: 5, disposedPersons: 2 });
  });

  it('refuses a real run on any other date than today, and anyone but the own unit manager', async () => {
    expect((await post({ dryRun: false, asOf: '2030-06-01' })).statusCode).toBe(400);
    expect((await post({ dryRun: true }, 'enhetschef.trelleborg')).statusCode).toBe(403);
    expect((await post({ dryRun: false }, 'enhetschef.trelleborg')).statusCode).toBe(403);
    expect((await post({ dryRun: false }, 'uppfoljare.svedala')).statusCode).toBe(403);
    expect((await post({ dryRun: false }, 'handlaggare.trelleborg')).statusCode).toBe(403);
  });

  it("disposes of X's records in foreign-key order, logs counts and case numbers only, and keeps the audit log", async () => {
    const before = await tableCounts('kommun_1263');
    const trelleborgBefore = await tableCounts('kommun_1287');
    const res = await post({ dryRun: false });
    expect(res.statusCode, res.body).toBe(200);
    const report = res.json();
    expect(report).toMatchObject({
      dryRun: false,
      disposedPersons: 1,
      caseNumbers: [ids.x?.caseNumber, ids.x2?.caseNumber].sort(),
    });
    // By hand: 2 applications, 2 decisions, 2 payments, 1 note, 1 event, 1 plan, 1 exit, 1 citizen.
    expect(report.tableCounts).toMatchObject({
      applications: 2,
      decisions: 2,
      payments: 2,
      journal_notes: 1,
      case_events: 1,
      labour_assessments: 1,
      assistance_exits: 1,
      citizens: 1,
    });
    const after = await tableCounts('kommun_1263');
    for (const [table, n] of Object.entries(report.tableCounts as Record<string, number>)) {
      expect(after[table], table).toBe((before[table] ?? 0) - n);
    }
    expect(after.disposal_runs).toBe((before.disposal_runs ?? 0) + 1);
    expect(after.audit_log).toBeGreaterThan(before.audit_log ?? 0);
    expect(await tableCounts('kommun_1287')).toEqual(trelleborgBefore);
    const remaining = await t.admin(async (c) => ({
      x: Number(
        (await c.query('SELECT count(*) n FROM kommun_1263.citizens WHERE personnummer = $1', [X])).rows[0].n,
      ),
      kept: Number(
        (
          await c.query('SELECT count(*) n FROM kommun_1263.citizens WHERE personnummer = ANY($1)', [
            [Y, Z, W, V],
          ])
        ).rows[0].n,
      ),
      q: Number(
        (
          await c.query('SELECT count(*) n FROM kommun_1287.applications WHERE case_number = $1', [
            ids.q?.caseNumber,
          ])
        ).rows[0].n,
      ),
      xAudit: Number(
        (
          await c.query(
            `SELECT count(*) n FROM kommun_1263.audit_log WHERE person_id = $1 AND action = 'case.read'`,
            [ids.x?.personId],
          )
        ).rows[0].n,
      ),
      log: (await c.query('SELECT r::text AS r FROM kommun_1263.disposal_runs r')).rows[0].r as string,
    }));
    expect(remaining).toMatchObject({ x: 0, kept: 4, q: 1, xAudit: 1 });
    // The disposal log names cases and counts, never the person.
    expect(remaining.log).toContain(ids.x?.caseNumber);
    expect(remaining.log).not.toContain(X);
    expect(remaining.log).not.toContain(ids.x?.personId);
    const runs = await t.app.inject({
      url: '/v1/municipalities/1263/retention/disposals',
      headers: t.auth(MANAGER),
    });
    expect(runs.json().items).toEqual([
      expect.objectContaining({ personsDisposed: 1, personsKept: 3, executedBy: MANAGER, retentionYears: 5 }),
    ]);
    // A second run finds nothing more to dispose of.
    const again = await post({ dryRun: false });
    expect(again.json()).toMatchObject({ disposedPersons: 0, caseNumbers: [] });
  });

  it("follows the municipality's own policy: without kept days, Y, Z and W go too", async () => {
    const set = await t.app.inject({
      method: 'PUT',
      url: '/v1/municipalities/1263/retention/policy',
      headers: t.auth(MANAGER),
      payload: { retentionYears: 5, keepBirthDays: [] },
    });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json()).toEqual({ retentionYears: 5, keepBirthDays: [], isDefault: false });
    const dry = await post({ dryRun: true });
    expect(dry.json()).toMatchObject({ eligiblePersons: 3, keptPersons: 0, disposedPersons: 3 });
    const longer = await t.app.inject({
      method: 'PUT',
      url: '/v1/municipalities/1263/retention/policy',
      headers: t.auth(MANAGER),
      payload: { retentionYears: 10, keepBirthDays: [5, 15, 25] },
    });
    expect(longer.statusCode).toBe(200);
    expect((await post({ dryRun: true })).json()).toMatchObject({ eligiblePersons: 0, disposedPersons: 0 });
  });

  it('keeps the application role without DELETE, and the database refuses to dispose of young records', async () => {
    const app = new pg.Client({ connectionString: t.database.appUrl });
    await app.connect();
    try {
      await expect(
        app.query('DELETE FROM kommun_1263.applications WHERE person_id = $1', [ids.v?.personId]),
      ).rejects.toThrow(/permission denied/);
      await expect(
        app.query('SELECT kommun_1263.dispose_person_records($1::uuid[], 5)', [[ids.v?.personId]]),
      ).rejects.toThrow(/younger than the retention period/);
      await expect(
        app.query('SELECT kommun_1263.dispose_person_records($1::uuid[], 1)', [[ids.y?.personId]]),
      ).rejects.toThrow(/at least five years/);
      // Svedala's function never reaches Trelleborg's rows: Q's id is unknown in Svedala's schema.
      await expect(
        app.query('SELECT kommun_1263.dispose_person_records($1::uuid[], 5)', [[ids.q?.personId]]),
      ).rejects.toThrow(/younger than the retention period/);
    } finally {
      await app.end();
    }
  });
});
