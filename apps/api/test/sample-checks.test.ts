import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from './helpers.ts';
import {
  applyAndAssess,
  baseForm,
  caseOf,
  createSlots,
  person,
  plan,
  robot,
  submit,
} from './scenario-helpers.ts';

const t = useTestApp();
const CASEWORKER = 'handlaggare.trelleborg';
const q = <T = Record<string, unknown>>(sql: string, params: unknown[] = []) =>
  t.admin(async (c) => (await c.query(sql, params)).rows as T[]);

beforeAll(async () => {
  await createSlots(t, '1287', 30);
  await createSlots(t, '1263', 10);
});

describe('stickprov and blind re-assessment', () => {
  const approved: string[] = [];
  let rejectedId = '';

  beforeAll(async () => {
    // Eleven robot approvals and one robot rejection in Trelleborg, moved back to November so the
    // month has ended and can be drawn.
    for (let i = 0; i < 11; i++) {
      const who = person(t, '1287');
      const { id, outcome } = await applyAndAssess(t, '1287', who, baseForm());
      expect(outcome).toBe('decided');
      approved.push(id);
    }
    const rich = person(t, '1287', {
      wages: [
        { employerOrgNumber: '2120001199', employerName: 'Trelleborgs kommun', monthlyGrossOre: 3_000_000 },
      ],
    });
    const rejected = await applyAndAssess(
      t,
      '1287',
      rich,
      baseForm({ incomes: [{ member: 'applicant', type: 'wage', amountOre: 2_400_000 }] }),
    );
    rejectedId = rejected.id;
    await q(
      `UPDATE kommun_1287.decisions SET decided_at = timestamptz '2026-11-20 10:00+01' WHERE application_id = ANY($1)`,
      [[...approved, rejectedId]],
    );
  });

  it('refuses a month that has not ended, and a citizen', async () => {
    const thisMonth = new Date().toISOString().slice(0, 7);
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/municipalities/1287/sample-draws',
      headers: t.auth(CASEWORKER),
      payload: { month: thisMonth },
    });
    expect(res.statusCode).toBe(409);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    const citizen = await t.app.inject({
      method: 'POST',
      url: '/v1/municipalities/1287/sample-draws',
      headers: t.auth(person(t, '1287')),
      payload: { month: '2026-11' },
    });
    expect(citizen.statusCode).toBe(403);
  });

  it('draws once per month at the tenant rates; a second draw returns the first', async () => {
    const first = await t.app.inject({
      method: 'POST',
      url: '/v1/municipalities/1287/sample-draws',
      headers: t.auth(CASEWORKER),
      payload: { month: '2026-11' },
    });
    expect(first.statusCode, first.body).toBe(200);
    // By hand: 11 approvals × 10 % = 1.1 → 2 document checks (rounded up); 12 robot results
    // × 2 % = 0.24 → 1 blind review.
    expect(first.json()).toMatchObject({
      month: '2026-11',
      population: 11,
      blindPopulation: 12,
      sampleRate: 0.1,
      blindRate: 0.02,
      documentsDrawn: 2,
      blindDrawn: 1,
      created: true,
    });
    const again = await t.app.inject({
      method: 'POST',
      url: '/v1/municipalities/1287/sample-draws',
      headers: t.auth(CASEWORKER),
      payload: { month: '2026-11' },
    });
    expect(again.json()).toMatchObject({ documentsDrawn: 2, blindDrawn: 1, created: false });
    const rows = await q<{ kind: string; application_id: string }>(
      `SELECT kind, application_id FROM kommun_1287.sample_checks WHERE draw_month = '2026-11'`,
    );
    expect(rows).toHaveLength(3);
    // Document checks only among approvals, and a case is drawn for one kind at most.
    for (const r of rows.filter((r) => r.kind === 'documents')) expect(approved).toContain(r.application_id);
    expect(new Set(rows.map((r) => r.application_id)).size).toBe(3);
    // Svedala's schema is untouched by Trelleborg's draw.
    expect(await q(`SELECT 1 FROM kommun_1263.sample_checks`)).toHaveLength(0);
  });

  it('tells the citizen on Mina ärenden which documents to send and by when', async () => {
    const [check] = await q<{ application_id: string; due_date: string; person: string }>(
      `SELECT s.application_id, s.due_date::text AS due_date, c.personnummer AS person
         FROM kommun_1287.sample_checks s
         JOIN kommun_1287.applications a USING (application_id)
         JOIN kommun_1287.citizens c ON c.person_id = a.person_id
        WHERE s.kind = 'documents' LIMIT 1`,
    );
    if (!check) throw new Error('no document check drawn');
    const who = { personnummer: check.person };
    const mine = await t.app.inject({
      url: `/v1/municipalities/1287/my/applications/${check.application_id}`,
      headers: t.auth(who),
    });
    expect(mine.statusCode).toBe(200);
    const [request] = mine.json().documentRequests;
    expect(request.status).toBe('open');
    expect(request.dueDate).toBe(check.due_date);
    // The form declared rent and no income: bank statements and the rent receipt are asked for.
    expect(request.requestedDocuments).toEqual([
      'Kontoutdrag för alla hushållets konton för december 2026',
      'Hyresavi eller kvitto på betald hyra för december 2026',
    ]);
    const notes = await t.app.inject({
      url: '/v1/municipalities/1287/my/notifications',
      headers: t.auth(who),
    });
    const notice = notes.json().items.find((n: { kind: string }) => n.kind === 'document_request');
    expect(notice.body).toContain(check.due_date);
  });

  it('the caseworker records the outcome once', async () => {
    const list = await t.app.inject({
      url: '/v1/municipalities/1287/sample-checks?kind=documents&status=open',
      headers: t.auth(CASEWORKER),
    });
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json().items).toHaveLength(2);
    const id = list.json().items[0].sampleCheckId;
    const url = `/v1/municipalities/1287/sample-checks/${id}/outcome`;
    const bad = await t.app.inject({
      method: 'POST',
      url,
      headers: t.auth(CASEWORKER),
      payload: { outcome: 'fine' },
    });
    expect(bad.statusCode).toBe(400);
    const ok = await t.app.inject({
      method: 'POST',
      url,
      headers: t.auth(CASEWORKER),
      payload: { outcome: 'deviation', note: 'Hyran var 5 400 kr, inte 6 000 kr.' },
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ status: 'completed', outcome: 'deviation', recordedBy: CASEWORKER });
    const twice = await t.app.inject({
      method: 'POST',
      url,
      headers: t.auth(CASEWORKER),
      payload: { outcome: 'no_deviation' },
    });
    expect(twice.statusCode).toBe(409);
  });

  it('a blind review hides the result until the reviewer has decided, then reports agreement', async () => {
    const list = await t.app.inject({
      url: '/v1/municipalities/1287/sample-checks?kind=blind_review',
      headers: t.auth(CASEWORKER),
    });
    const item = list.json().items[0];
    expect(item).not.toHaveProperty('decision');
    const open = await t.app.inject({
      method: 'POST',
      url: `/v1/municipalities/1287/sample-checks/${item.sampleCheckId}/blind-review/open`,
      headers: t.auth(CASEWORKER),
    });
    expect(open.statusCode, open.body).toBe(200);
    const body = open.json();
    expect(body.application.caseNumber).toBe(item.caseNumber);
    expect(body.registerData.length).toBeGreaterThan(0);
    expect(JSON.stringify(body)).not.toMatch(/amountOre":1122000|decidedBy|calculation|assessment/);
    // While the review is theirs, the ordinary case view is closed to the reviewer…
    const peek = await t.app.inject({
      url: `/v1/municipalities/1287/cases/${item.applicationId}`,
      headers: t.auth(CASEWORKER),
    });
    expect(peek.statusCode).toBe(403);
    // …nor do the lists that show decisions show this one to them.
    const decisions = await t.app.inject({
      url: '/v1/municipalities/1287/decisions?fromMonth=2026-12&toMonth=2026-12&limit=500',
      headers: t.auth(CASEWORKER),
    });
    expect(decisions.statusCode, decisions.body).toBe(200);
    const listed = decisions.json().items.map((d: { applicationId: string }) => d.applicationId);
    expect(listed.length).toBeGreaterThan(0);
    expect(listed).not.toContain(item.applicationId);
    const delegated = await t.app.inject({
      url: '/v1/municipalities/1287/delegated-decisions?from=2026-11-01&to=2026-11-30',
      headers: t.auth(CASEWORKER),
    });
    expect(delegated.statusCode, delegated.body).toBe(200);
    expect(JSON.stringify(delegated.json())).not.toContain(item.caseNumber);
    expect(delegated.json().items.length).toBeGreaterThan(0);
    // …and another caseworker cannot take over the review.
    const other = await t.app.inject({
      method: 'POST',
      url: `/v1/municipalities/1287/sample-checks/${item.sampleCheckId}/blind-review/open`,
      headers: t.auth('enhetschef.trelleborg'),
    });
    expect(other.statusCode).toBe(409);

    const decision = await q<{ outcome: string; amount_ore: string }>(
      `SELECT outcome, amount_ore FROM kommun_1287.decisions WHERE application_id = $1`,
      [item.applicationId],
    );
    const actual = decision[0];
    if (!actual) throw new Error('no decision');
    const recorded = await t.app.inject({
      method: 'POST',
      url: `/v1/municipalities/1287/sample-checks/${item.sampleCheckId}/blind-review`,
      headers: t.auth(CASEWORKER),
      // 100 kr more than decided (the drawn case may be the rejection: then an approval of 100 kr).
      payload: { outcome: 'approved', amountOre: Number(actual.amount_ore) + 10_000 },
    });
    expect(recorded.statusCode, recorded.body).toBe(200);
    expect(recorded.json()).toMatchObject({ agreesWithDecision: false, differenceOre: 10_000 });
    expect(
      (
        await t.app.inject({
          url: `/v1/municipalities/1287/cases/${item.applicationId}`,
          headers: t.auth(CASEWORKER),
        })
      ).statusCode,
    ).toBe(200);

    const report = await t.app.inject({
      url: '/v1/municipalities/1287/sample-draws?from=2026-11&to=2026-11',
      headers: t.auth(CASEWORKER),
    });
    expect(report.statusCode, report.body).toBe(200);
    expect(report.json().items).toEqual([
      expect.objectContaining({
        month: '2026-11',
        documents: { drawn: 2, open: 1, noDeviation: 0, deviation: 1, notSubmitted: 0 },
        blindReviews: {
          drawn: 1,
          completed: 1,
          agreed: 0,
          agreementRate: 0,
          meanAbsoluteDifferenceOre: 10_000,
        },
      }),
    ]);
    // Svedala's follow-up sees its own (empty) report, never Trelleborg's.
    const svedala = await t.app.inject({
      url: '/v1/municipalities/1263/sample-draws',
      headers: t.auth('uppfoljare.svedala'),
    });
    expect(svedala.statusCode, svedala.body).toBe(200);
    expect(svedala.json().items).toEqual([]);
    const cross = await t.app.inject({
      method: 'POST',
      url: `/v1/municipalities/1263/sample-checks/${item.sampleCheckId}/outcome`,
      headers: t.auth(CASEWORKER),
      payload: { outcome: 'no_deviation' },
    });
    expect(cross.statusCode).toBe(404);
  });
});

describe('withdrawal and completion (status transitions)', () => {
  it('a citizen withdraws before the robot runs: no decision ever, and the household may apply again', async () => {
    const who = person(t, '1287');
    const res = await submit(t, '1287', who, baseForm());
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json().applicationId as string;
    await plan(t, '1287', who);
    const stranger = await t.app.inject({
      method: 'POST',
      url: `/v1/municipalities/1287/my/applications/${id}/withdraw`,
      headers: t.auth(person(t, '1287')),
    });
    expect(stranger.statusCode, stranger.body).toBe(404);
    const withdrawn = await t.app.inject({
      method: 'POST',
      url: `/v1/municipalities/1287/my/applications/${id}/withdraw`,
      headers: t.auth(who),
      payload: { reason: 'Jag har fått jobb.' },
    });
    expect(withdrawn.statusCode, withdrawn.body).toBe(200);
    expect(withdrawn.json()).toEqual({
      applicationId: id,
      status: 'withdrawn',
      eServiceStatus: 'Återkallad',
    });
    // The robot job that was already queued finds nothing to do.
    await robot(t, '1287', id);
    expect(await q(`SELECT 1 FROM kommun_1287.decisions WHERE application_id = $1`, [id])).toHaveLength(0);
    // A caseworker cannot decide it either; the database refuses any path.
    const decide = await t.app.inject({
      method: 'POST',
      url: `/v1/municipalities/1287/cases/${id}/decision`,
      headers: t.auth(CASEWORKER),
      payload: { outcome: 'rejected', amountOre: 0, reasons: ['Test'] },
    });
    expect(decide.statusCode).toBe(409);
    await expect(
      q(
        `INSERT INTO kommun_1287.decisions (application_id, outcome, amount_ore, month, reasons, legal_basis,
           decided_by_kind, decided_by, decided_by_name, delegation_rule_id, delegation_reference, committee_name, letter)
         VALUES ($1, 'rejected', 0, '2026-12', '[]', 'x', 'person', 'x', 'x', gen_random_uuid(), 'x', 'x', '{}')`,
        [id],
      ),
    ).rejects.toThrow(/withdrawn/);
    const twice = await t.app.inject({
      method: 'POST',
      url: `/v1/municipalities/1287/my/applications/${id}/withdraw`,
      headers: t.auth(who),
    });
    expect(twice.statusCode).toBe(409);
    const again = await submit(t, '1287', who, baseForm(), false);
    expect(again.statusCode, again.body).toBe(201);
  });

  it('a decided application cannot be withdrawn', async () => {
    const who = person(t, '1287');
    const { id } = await applyAndAssess(t, '1287', who, baseForm());
    const res = await t.app.inject({
      method: 'POST',
      url: `/v1/municipalities/1287/my/applications/${id}/withdraw`,
      headers: t.auth(who),
    });
    expect(res.statusCode).toBe(409);
    expect((await caseOf(t, '1287', id)).decision).not.toBeNull();
  });

  it('waiting for completion: the caseworker asks, the citizen answers on Mina ärenden, the case returns', async () => {
    const who = person(t, '1263');
    const { id, outcome } = await applyAndAssess(
      t,
      '1263',
      who,
      baseForm({ otherItems: [{ description: 'Glasögon', amountOre: 150_000 }] }),
    );
    expect(outcome).toBe('manual');
    const url = `/v1/municipalities/1263/cases/${id}/completion-requests`;
    const asked = await t.app.inject({
      method: 'POST',
      url,
      headers: t.auth(CASEWORKER),
      payload: { message: 'Skicka kostnadsförslag från optikern.' },
    });
    expect(asked.statusCode, asked.body).toBe(201);
    expect(asked.json()).toMatchObject({
      status: 'waiting_for_completion',
      eServiceStatus: 'Väntar på komplettering',
    });
    const dueDate = asked.json().dueDate as string;
    const twice = await t.app.inject({
      method: 'POST',
      url,
      headers: t.auth(CASEWORKER),
      payload: { message: 'Igen' },
    });
    expect(twice.statusCode).toBe(409);

    const mine = await t.app.inject({
      url: `/v1/municipalities/1263/my/applications/${id}`,
      headers: t.auth(who),
    });
    expect(mine.json().application.status).toBe('waiting_for_completion');
    expect(mine.json().completionRequests).toEqual([
      expect.objectContaining({ message: 'Skicka kostnadsförslag från optikern.', dueDate, answer: null }),
    ]);
    const stranger = await t.app.inject({
      method: 'POST',
      url: `/v1/municipalities/1263/my/applications/${id}/completion`,
      headers: t.auth(person(t, '1263')),
      payload: { answer: 'Hej' },
    });
    expect(stranger.statusCode).toBe(404);
    const answered = await t.app.inject({
      method: 'POST',
      url: `/v1/municipalities/1263/my/applications/${id}/completion`,
      headers: t.auth(who),
      payload: { answer: 'Kostnadsförslaget är inskickat, 1 500 kr.' },
    });
    expect(answered.statusCode, answered.body).toBe(200);
    expect(answered.json().status).toBe('in_progress');
    const c = await caseOf(t, '1263', id);
    expect(c.completionRequests[0]).toMatchObject({ answer: 'Kostnadsförslaget är inskickat, 1 500 kr.' });
    expect(c.events.map((e: { kind: string }) => e.kind)).toEqual(
      expect.arrayContaining(['completion.requested', 'completion.answered']),
    );
  });

  it('completion cannot be requested for a case the robot decided', async () => {
    const who = person(t, '1287');
    const { id } = await applyAndAssess(t, '1287', who, baseForm());
    const res = await t.app.inject({
      method: 'POST',
      url: `/v1/municipalities/1287/cases/${id}/completion-requests`,
      headers: t.auth(CASEWORKER),
      payload: { message: 'Skicka kontoutdrag.' },
    });
    expect(res.statusCode).toBe(409);
  });
});
