import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureCitizen, insertCase, pnr } from './follow-up-fixtures.ts';
import { useTestApp } from './helpers.ts';

const t = useTestApp();
const SVEDALA_OFFICER = 'uppfoljare.svedala';

// Svedala: a robot approval and a delegate's rejection in May 2026, a couple with a child in
// May (partially approved), a June case. Trelleborg: one approval whose resident must never show.
const S1 = pnr('19850412');
const S2 = pnr('19870222');
const S2P = pnr('19880330');
const S3 = pnr('19920707');
const T1 = pnr('19790919');
const ids: Record<string, { applicationId: string; caseNumber: string; personId: string }> = {};
let inForceVersion = '';

beforeAll(async () => {
  await t.admin(async (c) => {
    inForceVersion = (
      await c.query<{ version_id: string }>(
        'SELECT version_id FROM kommun_1263.guideline_versions ORDER BY effective_from DESC LIMIT 1',
      )
    ).rows[0]?.version_id as string;
    const s = 'kommun_1263';
    ids.s1 = await insertCase(c, s, {
      pnr: S1,
      month: '2026-05',
      submittedAt: '2026-05-04T09:00:00+02:00',
      decision: {
        outcome: 'approved',
        amountOre: 1_234_500,
        kind: 'robot',
        reference: '4.1.1',
        decidedAt: '2026-05-04T09:10:00+02:00',
        guidelinesVersionId: inForceVersion,
      },
      paid: true,
    });
    ids.s2 = await insertCase(c, s, {
      pnr: S2,
      partner: S2P,
      children: [{ givenName: 'Barn', birthDate: '2019-01-15' }],
      month: '2026-05',
      channel: 'paper',
      submittedAt: '2026-05-05T09:00:00+02:00',
      decision: {
        outcome: 'partially_approved',
        amountOre: 987_600,
        kind: 'person',
        by: 'enhetschef.trelleborg',
        reference: '4.1.3',
        decidedAt: '2026-05-06T14:00:00+02:00',
      },
      paid: false,
    });
    ids.s3 = await insertCase(c, s, {
      pnr: S3,
      month: '2026-05',
      submittedAt: '2026-05-07T09:00:00+02:00',
      decision: {
        outcome: 'rejected',
        amountOre: 0,
        kind: 'person',
        reference: '4.2.1',
        decidedAt: '2026-05-08T10:00:00+02:00',
      },
    });
    ids.s1june = await insertCase(c, s, {
      pnr: S1,
      month: '2026-06',
      submittedAt: '2026-06-02T09:00:00+02:00',
      decision: {
        outcome: 'approved',
        amountOre: 1_100_000,
        kind: 'robot',
        reference: '4.1.1',
        decidedAt: '2026-06-02T09:05:00+02:00',
      },
      paid: true,
    });
    // S1: plan (available for work) covering May; S2 recorded as sick with a certificate; S1 leaves for studies in May.
    const p1 = ids.s1.personId;
    await c.query(
      `INSERT INTO ${s}.labour_assessments (person_id, available_for_work, plan_from, plan_to, track, recorded_by)
       VALUES ($1, true, '2026-04-01', '2026-09-30', 'Vård och omsorg', 'ask.trelleborg')`,
      [p1],
    );
    await c.query(
      `INSERT INTO ${s}.self_support_obstacles (person_id, valid_from, obstacle, recorded_by)
       VALUES ($1, '2026-04-15', 'sick_with_certificate', 'handlaggare.trelleborg')`,
      [ids.s2.personId],
    );
    await c.query(
      `INSERT INTO ${s}.assistance_exits (person_id, exit_month, reason, recorded_by) VALUES ($1, '2026-05', 'studies', 'ask.trelleborg')`,
      [p1],
    );
    ids.t1 = await insertCase(c, 'kommun_1287', {
      pnr: T1,
      month: '2026-05',
      submittedAt: '2026-05-04T09:00:00+02:00',
      decision: {
        outcome: 'approved',
        amountOre: 555_500,
        kind: 'robot',
        reference: '4.1.1',
        decidedAt: '2026-05-04T09:05:00+02:00',
      },
      paid: true,
    });
    await ensureCitizen(c, 'kommun_1287', T1, '2026-05-01T00:00:00Z');
  });
});

const get = (url: string, as = SVEDALA_OFFICER) => t.app.inject({ url, headers: t.auth(as) });
const auditCount = (schema: string, where: string, params: unknown[] = []) =>
  t.admin(async (c) =>
    Number((await c.query(`SELECT count(*) n FROM ${schema}.audit_log WHERE ${where}`, params)).rows[0].n),
  );

describe("Socialstyrelsen's person-month export", () => {
  it('matches the cases decided for the month: every member of every household granted assistance', async () => {
    const res = await get('/v1/municipalities/1263/reporting/socialstyrelsen?month=2026-05');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { rows: Record<string, unknown>[]; variables: { key: string }[] };
    // What was decided for May with assistance (the rejection is no assistance):
    const decided = await t.admin(
      async (c) =>
        (
          await c.query<{ case_number: string; amount_ore: number }>(
            `SELECT a.case_number, d.amount_ore FROM kommun_1263.decisions d
               JOIN kommun_1263.applications a USING (application_id)
              WHERE d.month = '2026-05' AND d.outcome <> 'rejected' ORDER BY 1`,
          )
        ).rows,
    );
    expect(decided.map((d) => d.case_number)).toEqual([ids.s1?.caseNumber, ids.s2?.caseNumber].sort());
    expect([...new Set(body.rows.map((r) => r.caseNumber))].sort()).toEqual(
      decided.map((d) => d.case_number),
    );
    for (const d of decided) {
      expect(
        new Set(body.rows.filter((r) => r.caseNumber === d.case_number).map((r) => r.decidedAmountOre)),
      ).toEqual(new Set([Number(d.amount_ore)]));
    }
    // 1 (S1) + 2 adults + 1 child (S2) = 4 person rows.
    expect(body.rows).toHaveLength(4);
    expect(body.rows.find((r) => r.personnummer === S1)).toMatchObject({
      personRole: 'applicant',
      householdType: 'single',
      householdSize: 1,
      decisionOutcome: 'approved',
      decidedAmountOre: 1_234_500,
      paidAmountOre: 1_234_500,
      paymentDate: '2026-05-04',
      obstacle: 'unemployed',
      obstacleSource: 'labour_assessment',
      labourMeasure: true,
      labourTrack: 'Vård och omsorg',
      exitReason: 'studies',
      birthDate: '1985-04-12',
    });
    expect(body.rows.find((r) => r.personnummer === S2)).toMatchObject({
      personRole: 'applicant',
      householdType: 'couple_with_children',
      householdSize: 3,
      childrenCount: 1,
      decisionOutcome: 'partially_approved',
      decidedAmountOre: 987_600,
      paidAmountOre: 0,
      paymentDate: null,
      obstacle: 'sick_with_certificate',
      obstacleSource: 'recorded',
      labourMeasure: false,
    });
    expect(body.rows.find((r) => r.personnummer === S2P)).toMatchObject({
      personRole: 'partner',
      obstacle: null,
    });
    expect(body.rows.find((r) => r.personRole === 'child')).toMatchObject({
      personnummer: null,
      birthDate: '2019-01-15',
      caseNumber: ids.s2?.caseNumber,
    });
    expect(body.variables.map((v) => v.key)).toEqual(Object.keys(body.rows[0] ?? {}));
    expect(JSON.stringify(body)).not.toContain(T1);
    expect(
      await auditCount('kommun_1263', `action = 'reporting.socialstyrelsen' AND actor_id = $1`, [
        SVEDALA_OFFICER,
      ]),
    ).toBe(1);
  });

  it('has no rows for a month with only other months decided, and a CSV of the same rows', async () => {
    const empty = await get('/v1/municipalities/1263/reporting/socialstyrelsen?month=2026-04');
    expect(empty.json().rows).toEqual([]);
    const res = await get('/v1/municipalities/1263/reporting/socialstyrelsen.csv?month=2026-06');
    expect(res.statusCode, res.body).toBe(200);
    const lines = res.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]?.split(';').slice(0, 3)).toEqual(['kommunkod', 'period', 'caseNumber']);
    expect(lines[1]).toContain(`1263;2026-06;${ids.s1june?.caseNumber};applicant;${S1}`);
  });

  it('is for the municipality itself: the host is refused, and so is a bad month', async () => {
    expect(
      (await get('/v1/municipalities/1263/reporting/socialstyrelsen?month=2026-05', 'enhetschef.trelleborg'))
        .statusCode,
    ).toBe(403);
    expect((await get('/v1/municipalities/1263/reporting/socialstyrelsen?month=2026-5')).statusCode).toBe(
      400,
    );
  });
});

describe("the huvudman's follow-up officer", () => {
  it('lists its decisions filtered by decider, outcome, delegation and period, and the listing is audited', async () => {
    const all = await get('/v1/municipalities/1263/decisions?fromMonth=2026-05&toMonth=2026-06');
    expect(all.statusCode, all.body).toBe(200);
    expect(all.json().items.map((d: { caseNumber: string }) => d.caseNumber)).toEqual([
      ids.s1june?.caseNumber,
      ids.s3?.caseNumber,
      ids.s2?.caseNumber,
      ids.s1?.caseNumber,
    ]);
    const robot = await get('/v1/municipalities/1263/decisions?decidedByKind=robot&toMonth=2026-05');
    expect(robot.json().items.map((d: { caseNumber: string }) => d.caseNumber)).toEqual([ids.s1?.caseNumber]);
    const byDelegate = await get(
      '/v1/municipalities/1263/decisions?decidedByKind=person&outcome=partially_approved',
    );
    expect(byDelegate.json().items).toEqual([
      expect.objectContaining({
        caseNumber: ids.s2?.caseNumber,
        decidedBy: 'enhetschef.trelleborg',
        decidedByEmployer: '1287',
        delegationReference: '4.1.3',
        amountOre: 987_600,
      }),
    ]);
    const byRule = await get('/v1/municipalities/1263/decisions?delegationReference=4.2.1');
    expect(byRule.json().items.map((d: { outcome: string }) => d.outcome)).toEqual(['rejected']);
    const period = await get('/v1/municipalities/1263/decisions?decidedFrom=2026-05-06&decidedTo=2026-05-08');
    expect(period.json().items.map((d: { caseNumber: string }) => d.caseNumber)).toEqual([
      ids.s3?.caseNumber,
      ids.s2?.caseNumber,
    ]);
    // Paging: two pages of two cover the same four decisions.
    const p1 = (await get('/v1/municipalities/1263/decisions?limit=2')).json();
    const p2 = (
      await get(`/v1/municipalities/1263/decisions?limit=2&before=${encodeURIComponent(p1.nextBefore)}`)
    ).json();
    expect([...p1.items, ...p2.items].map((d: { caseNumber: string }) => d.caseNumber)).toEqual(
      all.json().items.map((d: { caseNumber: string }) => d.caseNumber),
    );
    expect((await get('/v1/municipalities/1263/decisions?before=garbage')).statusCode).toBe(400);
    expect(
      await auditCount('kommun_1263', `action = 'decisions.list' AND actor_id = $1`, [SVEDALA_OFFICER]),
    ).toBeGreaterThanOrEqual(6);
  });

  it('opens any of its cases read-only, and the read is in its audit log', async () => {
    const res = await get(`/v1/municipalities/1263/cases/${ids.s2?.applicationId}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().decision).toMatchObject({ amountOre: 987_600 });
    const note = await t.app.inject({
      method: 'POST',
      url: `/v1/municipalities/1263/cases/${ids.s2?.applicationId}/notes`,
      headers: t.auth(SVEDALA_OFFICER),
      payload: { body: 'Uppföljaren skriver' },
    });
    expect(note.statusCode).toBe(403);
    const log = await get(`/v1/municipalities/1263/audit-log?personId=${ids.s2?.personId}&action=case.read`);
    expect(log.statusCode, log.body).toBe(200);
    expect(log.json().items[0]).toMatchObject({
      actorId: SVEDALA_OFFICER,
      actingForCode: '1263',
      accessBasis: 'own',
    });
  });

  it("sees who of the host's staff read which person's case, and under which agreement", async () => {
    const read = await get(
      `/v1/municipalities/1263/cases/${ids.s1?.applicationId}`,
      'handlaggare.trelleborg',
    );
    expect(read.statusCode).toBe(200);
    const log = await get(
      `/v1/municipalities/1263/audit-log?personId=${ids.s1?.personId}&actorId=handlaggare.trelleborg`,
    );
    const [entry] = log.json().items;
    const agreementId = await t.admin(
      async (c) =>
        (await c.query(`SELECT agreement_id FROM platform.agreements WHERE tenant_code = '1263'`)).rows[0]
          .agreement_id,
    );
    expect(entry).toMatchObject({
      action: 'case.read',
      actorEmployerCode: '1287',
      actingForCode: '1263',
      accessBasis: 'agreement',
      agreementId,
      objectId: ids.s1?.applicationId,
    });
  });

  it('downloads the whole schema as NDJSON: Svedala only, complete, and audited', async () => {
    const res = await get('/v1/municipalities/1263/export');
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    expect(res.headers['content-type']).toContain('application/x-ndjson');
    expect(res.headers['content-disposition']).toMatch(/attachment; filename="export-1263-/);
    const lines = res.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({
      format: 'samverkan-tenant-export/1',
      municipality: { municipality_code: '1263' },
    });
    const trailer = lines.at(-1) as { end: boolean; counts: Record<string, number> };
    expect(trailer.end).toBe(true);
    const rows = lines.slice(1, -1) as { t: string; r: Record<string, unknown> }[];
    const tables = await t.admin(async (c) =>
      (
        await c.query<{ table_name: string }>(
          `SELECT table_name FROM information_schema.tables WHERE table_schema = 'kommun_1263'
               AND table_type = 'BASE TABLE' AND table_name <> 'schema_migrations' ORDER BY 1`,
        )
      ).rows.map((r) => r.table_name),
    );
    expect(Object.keys(trailer.counts).sort()).toEqual(tables);
    const inDb = await t.admin(async (c) => {
      const result: Record<string, number> = {};
      for (const table of tables)
        result[table] = Number((await c.query(`SELECT count(*) n FROM kommun_1263.${table}`)).rows[0].n);
      return result;
    });
    for (const table of tables) {
      const n = inDb[table] ?? -1;
      // The export's own audit entry is written before the snapshot, so it is in the file.
      expect(trailer.counts[table], table).toBe(n);
      expect(rows.filter((r) => r.t === table)).toHaveLength(n);
    }
    expect(rows.some((r) => r.t === 'applications' && r.r.case_number === ids.s2?.caseNumber)).toBe(true);
    expect(res.body).not.toContain(T1);
    expect(res.body).not.toContain(ids.t1?.caseNumber);
    expect(
      await auditCount('kommun_1263', `action = 'tenant.export' AND actor_id = $1`, [SVEDALA_OFFICER]),
    ).toBe(1);
    // The temporary file with personal data is gone once the download has ended.
    const leftovers = () => readdirSync(tmpdir()).filter((f) => f.startsWith('samverkan-export-1263-'));
    for (let i = 0; i < 50 && leftovers().length > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(leftovers()).toEqual([]);
  });

  it('records försörjningshinder and exits, never retroactively and never twice', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const month = today.slice(0, 7);
    const post = (url: string, payload: Record<string, unknown>, as = 'handlaggare.trelleborg') =>
      t.app.inject({ method: 'POST', url, headers: t.auth(as), payload });
    const ok = await post('/v1/municipalities/1263/support-obstacles', {
      personnummer: S3,
      validFrom: today,
      obstacle: 'social_reasons',
    });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json()).toMatchObject({ obstacle: 'social_reasons', recordedBy: 'handlaggare.trelleborg' });
    const again = await post('/v1/municipalities/1263/support-obstacles', {
      personnummer: S3,
      validFrom: today,
      obstacle: 'other',
    });
    expect(again.statusCode).toBe(409);
    const old = await post('/v1/municipalities/1263/support-obstacles', {
      personnummer: S3,
      validFrom: '2020-01-01',
      obstacle: 'other',
    });
    expect(old.statusCode).toBe(400);
    const stranger = await post('/v1/municipalities/1263/support-obstacles', {
      personnummer: T1,
      validFrom: today,
      obstacle: 'other',
    });
    expect(stranger.statusCode).toBe(404);
    const exit = await post(
      '/v1/municipalities/1263/assistance-exits',
      { personnummer: S3, exitMonth: month, reason: 'work' },
      'ask.trelleborg',
    );
    expect(exit.statusCode, exit.body).toBe(201);
    const twice = await post(
      '/v1/municipalities/1263/assistance-exits',
      { personnummer: S3, exitMonth: month, reason: 'studies' },
      'ask.trelleborg',
    );
    expect(twice.statusCode).toBe(409);
    const future = await post(
      '/v1/municipalities/1263/assistance-exits',
      { personnummer: S3, exitMonth: '2099-01', reason: 'work' },
      'ask.trelleborg',
    );
    expect(future.statusCode).toBe(400);
    expect(
      await auditCount('kommun_1263', `action IN ('obstacle.record', 'exit.record') AND person_id = $1`, [
        ids.s3?.personId,
      ]),
    ).toBe(2);
  });
});

describe("nobody at Svedala can obtain a figure or a row about Trelleborg's residents", () => {
  const refusedForSvedala = [
    '/v1/municipalities/1287/statistics?from=2026-01&to=2026-12',
    '/v1/municipalities/1287/statistics.csv?from=2026-01&to=2026-12',
    '/v1/statistics?from=2026-01&to=2026-12&kommunkod=1287',
    '/v1/statistics.csv?from=2026-01&to=2026-12&kommunkod=1287',
    '/v1/municipalities/1287/decisions',
    '/v1/municipalities/1287/reporting/socialstyrelsen?month=2026-05',
    '/v1/municipalities/1287/reporting/socialstyrelsen.csv?month=2026-05',
    '/v1/municipalities/1287/export',
    '/v1/municipalities/1287/audit-log',
    '/v1/municipalities/1287/population',
    '/v1/municipalities/1287/retention/disposals',
  ];
  it.each(refusedForSvedala)('refuses %s with 403', async (url) => {
    const res = await get(url);
    expect(res.statusCode, res.body).toBe(403);
    expect(res.body).not.toContain(T1);
  });

  it("records the host-view attempt in Trelleborg's own audit log", async () => {
    const before = await auditCount('kommun_1287', `action = 'statistics.read' AND outcome = 'refused'`);
    expect((await get('/v1/statistics?from=2026-01&to=2026-12&kommunkod=1287')).statusCode).toBe(403);
    expect(await auditCount('kommun_1287', `action = 'statistics.read' AND outcome = 'refused'`)).toBe(
      before + 1,
    );
  });

  it("answers 404 for a Trelleborg case id under Svedala's path, and 400 for a smuggled kommunkod", async () => {
    expect((await get(`/v1/municipalities/1263/cases/${ids.t1?.applicationId}`)).statusCode).toBe(404);
    const smuggled = await get('/v1/municipalities/1263/statistics?from=2026-05&to=2026-05&kommunkod=1287');
    expect(smuggled.statusCode).toBe(400);
    const smuggledList = await get('/v1/municipalities/1263/decisions?kommunkod=1287');
    expect(smuggledList.statusCode).toBe(400);
  });

  it('gives the host view only Svedala, for any range, as JSON and CSV', async () => {
    const host = await get('/v1/statistics?from=2026-05&to=2026-05');
    expect(host.statusCode, host.body).toBe(200);
    expect(host.json().municipalities.map((m: { kommunkod: string }) => m.kommunkod)).toEqual(['1263']);
    const paid = host.json().totals.series.find((s: { key: string }) => s.key === 'amounts.paidOre').values;
    expect(paid).toEqual([1_234_500]);
    expect(host.json().workload.perMunicipality.map((m: { kommunkod: string }) => m.kommunkod)).toEqual([
      '1263',
    ]);
    const file = await get('/v1/statistics.csv?from=2026-05&to=2026-05');
    const codes = file.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n')
      .slice(1)
      .map((l) => l.split(';')[0]);
    expect(codes).toEqual(['1263', '']);
    expect(
      await t.admin(async (c) =>
        Number(
          (
            await c.query(
              `SELECT count(*) n FROM platform.audit_log WHERE action = 'statistics.read' AND actor_id = $1 AND outcome = 'refused'`,
              [SVEDALA_OFFICER],
            )
          ).rows[0].n,
        ),
      ),
    ).toBeGreaterThanOrEqual(2);
  });
});

describe("norms and delegation stay the huvudman's, and never change a decided case", () => {
  const svedalaGuidelines = JSON.parse(
    readFileSync(
      new URL('../../../packages/domain/data/guidelines-1263-svedala.json', import.meta.url),
      'utf8',
    ),
  ) as Record<string, unknown>;
  const future = new Date(Date.now() + 86_400_000 * 3).toISOString().slice(0, 10);

  it('refuses every host write to Svedala: guidelines, delegation, population, retention — nothing written', async () => {
    const counts = () =>
      t.admin(
        async (c) =>
          (
            await c.query(
              `SELECT (SELECT count(*) FROM kommun_1263.guideline_versions) g, (SELECT count(*) FROM kommun_1263.delegation_rules) d,
                    (SELECT count(*) FILTER (WHERE valid_to IS NOT NULL) FROM kommun_1263.delegation_rules) e,
                    (SELECT count(*) FROM kommun_1263.population_years) p, (SELECT count(*) FROM kommun_1263.retention_policy) r`,
            )
          ).rows[0],
      );
    const before = await counts();
    const ruleId = await t.admin(
      async (c) =>
        (await c.query('SELECT rule_id FROM kommun_1263.delegation_rules WHERE valid_to IS NULL LIMIT 1'))
          .rows[0].rule_id,
    );
    for (const as of ['enhetschef.trelleborg', 'handlaggare.trelleborg', 'ekonomi.trelleborg']) {
      const writes = [
        {
          method: 'POST',
          url: '/v1/municipalities/1263/guidelines',
          payload: { guidelines: { ...svedalaGuidelines, effectiveFrom: future } },
        },
        {
          method: 'POST',
          url: '/v1/municipalities/1263/delegation-rules',
          payload: {
            reference: '9.9',
            decisionType: 'assistance.approve',
            delegate: { kind: 'robot', mode: 'decide' },
            maxAmountOre: 100,
            validFrom: future,
          },
        },
        {
          method: 'POST',
          url: `/v1/municipalities/1263/delegation-rules/${ruleId}/end`,
          payload: { validTo: future },
        },
        { method: 'PUT', url: '/v1/municipalities/1263/population/2026', payload: { residents: 1 } },
        {
          method: 'PUT',
          url: '/v1/municipalities/1263/retention/policy',
          payload: { retentionYears: 5, keepBirthDays: [] },
        },
      ] as const;
      for (const w of writes) {
        const res = await t.app.inject({
          method: w.method,
          url: w.url,
          headers: t.auth(as),
          payload: w.payload,
        });
        expect(res.statusCode, `${as} ${w.method} ${w.url}: ${res.body}`).toBe(403);
      }
    }
    expect(await counts()).toEqual(before);
  });

  it('lets Svedala change its guidelines from a future date while its decided cases keep the version they used', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/municipalities/1263/guidelines',
      headers: t.auth(SVEDALA_OFFICER),
      payload: { guidelines: { ...svedalaGuidelines, effectiveFrom: future, paymentDay: 20 } },
    });
    expect(res.statusCode, res.body).toBe(201);
    const version = await t.admin(
      async (c) =>
        (
          await c.query(
            'SELECT guidelines_version_id v FROM kommun_1263.decisions WHERE application_id = $1',
            [ids.s1?.applicationId],
          )
        ).rows[0].v,
    );
    expect(version).toBe(inForceVersion);
    // And no code path can rewrite a decision: the application role has no UPDATE or DELETE on it.
    const app = new pg.Client({ connectionString: t.database.appUrl });
    await app.connect();
    try {
      await expect(
        app.query('UPDATE kommun_1263.decisions SET guidelines_version_id = $1', [res.json().versionId]),
      ).rejects.toThrow(/permission denied/);
      await expect(app.query('DELETE FROM kommun_1263.decisions')).rejects.toThrow(/permission denied/);
    } finally {
      await app.end();
    }
  });
});
