import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from './helpers.ts';
import {
  applyAndAssess,
  baseForm,
  caseOf,
  createSlots,
  freeSlot,
  MONTH,
  person,
  plan,
  robot,
  submit,
} from './scenario-helpers.ts';

const t = useTestApp();
/** A citizen's submission of the base form with a named first-meeting time, in Trelleborg. */
const postApplication = (who: { personnummer: string }, slotId: string) =>
  t.app.inject({
    method: 'POST',
    url: '/v1/municipalities/1287/applications',
    headers: t.auth(who),
    payload: { form: baseForm(), slotId },
  });
/** A draft for MONTH with one cost line, as a citizen saves it half-way through the form. */
const saveDraft = (who: { personnummer: string }) =>
  t.app.inject({
    method: 'PUT',
    url: `/v1/municipalities/1287/applications/drafts/${MONTH}`,
    headers: t.auth(who),
    payload: { form: { costs: [{ type: 'rent', amountOre: 1 }] } },
  });
const count = (sql: string, params: unknown[] = []) =>
  t.admin(async (c) => Number((await c.query(sql, params)).rows[0].n));

beforeAll(async () => {
  await createSlots(t, '1287', 40);
  await createSlots(t, '1263', 20);
});

describe('Trelleborg: the robot decides', () => {
  it('approves a single adult with no income: riksnorm 2026 + rent, paid once', async () => {
    const who = person(t, '1287');
    const { id, outcome } = await applyAndAssess(t, '1287', who, baseForm());
    expect(outcome).toBe('decided');
    const c = await caseOf(t, '1287', id);
    // By hand: personal cost single adult 3 940 kr + common costs 1 person 1 280 kr = 5 220 kr (riksnorm 2026),
    // + rent 6 000 kr (below Trelleborg's ceiling 6 900 kr) = 11 220 kr; no income; whole kronor.
    expect(c.decision).toMatchObject({
      outcome: 'approved',
      amountOre: 1_122_000,
      decidedByKind: 'robot',
      normVersion: 'riksnorm-2026',
    });
    expect(c.decision.delegationReference).toBe('4.1.1');
    expect(c.payment).toEqual({ amountOre: 1_122_000, paymentDate: '2026-12-23', status: 'pending' });
    expect(c.decision.calculationLines.map((l: { code: string }) => l.code)).toEqual(
      expect.arrayContaining(['cost.rent']),
    );
    expect(await count(`SELECT count(*) n FROM kommun_1287.payments WHERE application_id = $1`, [id])).toBe(
      1,
    );
    const mine = await t.app.inject({
      url: `/v1/municipalities/1287/my/applications/${id}`,
      headers: t.auth(who),
    });
    expect(mine.json()).toMatchObject({
      application: { status: 'completed' },
      decision: { amountOre: 1_122_000 },
      payment: { paymentDate: '2026-12-23' },
    });
    const notes = await t.app.inject({
      url: '/v1/municipalities/1287/my/notifications',
      headers: t.auth(who),
    });
    expect(
      notes
        .json()
        .items.map((n: { kind: string }) => n.kind)
        .sort(),
    ).toEqual(['decided', 'submitted']);
  });

  it('rounds an approval to whole kronor and still renders its letter as an approval', async () => {
    const who = person(t, '1287');
    const { id, outcome } = await applyAndAssess(
      t,
      '1287',
      who,
      baseForm({ costs: [{ type: 'rent', amountOre: 600_075 }] }),
    );
    expect(outcome).toBe('decided');
    const c = await caseOf(t, '1287', id);
    // 5 220 + 6 000,75 = 11 220,75 kr → down to whole kronor: 11 220 kr.
    expect(c.decision).toMatchObject({ outcome: 'approved', amountOre: 1_122_000 });
    const pdf = await t.app.inject({
      url: `/v1/municipalities/1287/cases/${id}/decision.pdf`,
      headers: t.auth('handlaggare.trelleborg'),
    });
    expect(pdf.statusCode, pdf.body.slice(0, 300)).toBe(200);
  });

  it('rejects when income covers the norm, with reasons and appeal instructions in the letter', async () => {
    const who = person(t, '1287', {
      wages: [
        { employerOrgNumber: '2120001199', employerName: 'Trelleborgs kommun', monthlyGrossOre: 3_000_000 },
      ],
    });
    const { id, outcome } = await applyAndAssess(
      t,
      '1287',
      who,
      baseForm({ incomes: [{ member: 'applicant', type: 'wage', amountOre: 2_400_000 }] }),
    );
    expect(outcome).toBe('decided');
    const c = await caseOf(t, '1287', id);
    expect(c.decision).toMatchObject({
      outcome: 'rejected',
      amountOre: 0,
      decidedByKind: 'robot',
      delegationReference: '4.1.2',
    });
    expect(c.decision.reasons.join(' ')).toMatch(/inkomster/);
    expect(c.payment).toBeNull();
    const pdf = await t.app.inject({
      url: `/v1/municipalities/1287/my/applications/${id}/decision.pdf`,
      headers: t.auth(who),
    });
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const letter = await t.admin(
      async (c) =>
        (await c.query(`SELECT letter FROM kommun_1287.decisions WHERE application_id = $1`, [id])).rows[0]
          .letter,
    );
    expect(letter).toMatchObject({
      outcome: 'rejected',
      legalBasis: '12 kap. 1 § socialtjänstlagen (2025:400)',
    });
  });
});

describe('manual routes', () => {
  it('sends other items (övriga poster) to a caseworker, who approves with an adjusted line', async () => {
    const who = person(t, '1287');
    const { id, outcome } = await applyAndAssess(
      t,
      '1287',
      who,
      baseForm({ otherItems: [{ description: 'Glasögon', amountOre: 150_000 }] }),
    );
    expect(outcome).toBe('manual');
    const c = await caseOf(t, '1287', id);
    expect(c.application.manualReasons.map((r: { code: string }) => r.code)).toContain('other_items');
    const queue = await t.app.inject({
      url: '/v1/work-queue?processing=manual&manualReason=other_items',
      headers: t.auth('handlaggare.trelleborg'),
    });
    expect(queue.json().items.map((i: { applicationId: string }) => i.applicationId)).toContain(id);
    const decide = await t.app.inject({
      method: 'POST',
      url: `/v1/municipalities/1287/cases/${id}/decision`,
      headers: t.auth('handlaggare.trelleborg'),
      payload: {
        outcome: 'approved',
        amountOre: 1_272_000,
        adjustments: [{ label: 'Glasögon (livsföring i övrigt)', amountOre: 150_000 }],
        reasons: ['Behov av glasögon styrkt med kvitto.'],
      },
    });
    expect(decide.statusCode, decide.body).toBe(201);
    const after = await caseOf(t, '1287', id);
    expect(after.decision).toMatchObject({
      decidedByKind: 'person',
      amountOre: 1_272_000,
      delegationReference: '4.2.1',
    });
    expect(after.payment.amountOre).toBe(1_272_000);
  });

  it('sends a case without a labour-market plan to a caseworker', async () => {
    const who = person(t, '1287');
    const { id, outcome } = await applyAndAssess(t, '1287', who, baseForm(), { plan: false });
    expect(outcome).toBe('manual');
    expect(
      (await caseOf(t, '1287', id)).application.manualReasons.map((r: { code: string }) => r.code),
    ).toContain('no_labour_plan');
  });

  it('sends a rent jump against last month (3 000 → 5 000 kr) to a caseworker', async () => {
    const who = person(t, '1287');
    const first = await applyAndAssess(
      t,
      '1287',
      who,
      baseForm({ month: '2026-11', costs: [{ type: 'rent', amountOre: 300_000 }] }),
    );
    expect(first.outcome).toBe('decided');
    // Second month: no slot needed any more (not a first-time applicant).
    const second = await submit(
      t,
      '1287',
      who,
      baseForm({ costs: [{ type: 'rent', amountOre: 500_000 }] }),
      false,
    );
    expect(second.statusCode, second.body).toBe(201);
    expect(await robot(t, '1287', second.json().applicationId)).toBe('manual');
    const c = await caseOf(t, '1287', second.json().applicationId);
    expect(c.application.manualReasons.map((r: { code: string }) => r.code)).toContain('rent_change');
  });

  it('sends undeclared register income to a caseworker', async () => {
    const who = person(t, '1287', {
      wages: [
        { employerOrgNumber: '2120001199', employerName: 'Trelleborgs kommun', monthlyGrossOre: 2_000_000 },
      ],
    });
    const { id, outcome } = await applyAndAssess(t, '1287', who, baseForm());
    expect(outcome).toBe('manual');
    expect(
      (await caseOf(t, '1287', id)).application.manualReasons.map((r: { code: string }) => r.code),
    ).toContain('register_mismatch');
  });
});

describe('Svedala: the robot proposes, a named Trelleborg delegate signs', () => {
  it('turns a couple with two children and a part-time wage into a proposal, signed in a batch', async () => {
    const partner = person(t, '1263', {}, '19880515');
    const who = person(t, '1263', {
      wages: [
        { employerOrgNumber: '5569345670', employerName: 'Svedala Logistik AB', monthlyGrossOre: 1_000_000 },
      ],
      benefits: [{ type: 'barnbidrag', monthlyAmountOre: 250_000 }],
    });
    const form = baseForm({
      household: {
        partner: { personnummer: partner.personnummer, givenName: 'Partner', familyName: 'Testsson' },
        children: [
          { givenName: 'Lo', birthDate: '2020-05-10' },
          { givenName: 'Mio', birthDate: '2016-03-01' },
        ],
      },
      incomes: [
        { member: 'applicant', type: 'wage', amountOre: 1_000_000 },
        { member: 'applicant', type: 'childAllowance', amountOre: 250_000 },
      ],
      costs: [{ type: 'rent', amountOre: 950_000 }],
    });
    const { id, outcome } = await applyAndAssess(t, '1263', who, form);
    expect(outcome).toBe('proposed');
    // By hand (riksnorm 2026): couple 7 100 + child 6 yrs 3 050 + child 10 yrs 3 820 + common 4 persons 2 020
    // = 15 990 kr; + rent 9 500 = 25 490 kr; − wage 10 000 − barnbidrag 2 500 = 12 990 kr.
    const c = await caseOf(t, '1263', id);
    expect(c.proposal).toMatchObject({
      status: 'open',
      decisionType: 'assistance.approve',
      amountOre: 1_299_000,
    });
    expect(c.decision).toBeNull();
    expect(await count('SELECT count(*) n FROM kommun_1263.payments')).toBe(0);

    // A second Svedala proposal, then the whole day's list signed in one action.
    // Within the delegate's limit (2 × norm = 10 440 kr): 5 220 + rent 4 000 = 9 220 kr.
    const other = person(t, '1263');
    const second = await applyAndAssess(
      t,
      '1263',
      other,
      baseForm({ costs: [{ type: 'rent', amountOre: 400_000 }] }),
    );
    expect(second.outcome).toBe('proposed');
    // Above it (5 220 + 6 000 = 11 220 kr): the same delegate is refused, the proposal stays open.
    const big = person(t, '1263');
    const third = await applyAndAssess(t, '1263', big, baseForm());
    expect(third.outcome).toBe('proposed');
    const bigProposal = (await caseOf(t, '1263', third.id)).proposal.proposalId;
    const overLimit = await t.app.inject({
      method: 'POST',
      url: '/v1/municipalities/1263/proposals/sign',
      headers: t.auth('handlaggare.trelleborg'),
      payload: { proposalIds: [bigProposal] },
    });
    expect(overLimit.json().results[0]).toMatchObject({ status: 'refused', code: 'delegation_denied' });
    // The unit manager's personal delegation (3.3) has no limit.
    const manager = await t.app.inject({
      method: 'POST',
      url: '/v1/municipalities/1263/proposals/sign',
      headers: t.auth('enhetschef.trelleborg'),
      payload: { proposalIds: [bigProposal] },
    });
    expect(manager.json().results[0]).toMatchObject({ status: 'signed' });
    // A Trelleborg caseworker without personal delegation from Svedala cannot sign.
    await t.admin((c) =>
      c.query(
        "INSERT INTO platform.staff (username, display_name, employer_code, roles) VALUES ('vikarie.trelleborg', 'Vera Vikarie', '1287', '{caseworker}')",
      ),
    );
    const refused = await t.app.inject({
      method: 'POST',
      url: '/v1/municipalities/1263/proposals/sign',
      headers: t.auth('vikarie.trelleborg'),
      payload: { proposalIds: [c.proposal.proposalId] },
    });
    expect(refused.statusCode).toBe(200);
    expect(refused.json().results).toEqual([
      {
        proposalId: c.proposal.proposalId,
        status: 'refused',
        code: 'delegation_denied',
        message: expect.any(String),
      },
    ]);
    const signed = await t.app.inject({
      method: 'POST',
      url: '/v1/municipalities/1263/proposals/sign',
      headers: t.auth('handlaggare.trelleborg'),
      payload: { allOpen: true },
    });
    expect(signed.statusCode, signed.body).toBe(200);
    const results = signed.json().results as { status: string }[];
    expect(results.length).toBeGreaterThanOrEqual(2);
    expect(results.every((r) => r.status === 'signed')).toBe(true);
    const after = await caseOf(t, '1263', id);
    expect(after.decision).toMatchObject({
      decidedByKind: 'person',
      decidedByName: 'Hanna Handläggare',
      delegationReference: '3.2',
      amountOre: 1_299_000,
      committeeName: 'Socialnämnden i Svedala kommun',
    });
    const letter = await t.admin(
      async (c) =>
        (await c.query(`SELECT letter FROM kommun_1263.decisions WHERE application_id = $1`, [id])).rows[0]
          .letter,
    );
    expect(letter.decidedBy.onBehalfOf).toBe('Socialnämnden i Svedala kommun');
    expect(letter.performedBy.name).toBe('Trelleborgs kommun');
    // Signing again changes nothing.
    const again = await t.app.inject({
      method: 'POST',
      url: '/v1/municipalities/1263/proposals/sign',
      headers: t.auth('handlaggare.trelleborg'),
      payload: { proposalIds: [c.proposal.proposalId] },
    });
    expect(again.json().results[0]).toMatchObject({ status: 'refused', code: 'decision_exists' });
    expect(await count('SELECT count(*) n FROM kommun_1263.payments WHERE application_id = $1', [id])).toBe(
      1,
    );
    // The committee's list of delegated decisions.
    const report = await t.app.inject({
      url: '/v1/municipalities/1263/delegated-decisions?from=2026-01-01&to=2027-12-31',
      headers: t.auth('uppfoljare.svedala'),
    });
    expect(
      report.json().items.some((d: { decidedBy: string }) => d.decidedBy === 'handlaggare.trelleborg'),
    ).toBe(true);
  });
});

describe('submission rules', () => {
  it('refuses an incomplete application with pointers, storing nothing', async () => {
    const who = person(t, '1287');
    const before = await count('SELECT count(*) n FROM kommun_1287.applications');
    const res = await submit(
      t,
      '1287',
      who,
      baseForm({ declarations: { truthful: false, consentRegisterCheck: true } }),
    );
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('application_incomplete');
    expect(res.json().errors.map((e: { pointer: string }) => e.pointer)).toEqual([
      '/body/form/declarations/truthful',
    ]);
    const noRent = await submit(
      t,
      '1287',
      who,
      baseForm({ costs: [], incomes: [{ member: 'partner', type: 'wage', amountOre: 1 }] }),
    );
    expect(noRent.statusCode).toBe(422);
    expect(
      noRent
        .json()
        .errors.map((e: { pointer: string }) => e.pointer)
        .sort(),
    ).toEqual(['/body/form/costs', '/body/form/incomes/0/member']);
    expect(await count('SELECT count(*) n FROM kommun_1287.applications')).toBe(before);
  });

  it('requires a first-time applicant to book a first meeting', async () => {
    const who = person(t, '1287');
    const res = await submit(t, '1287', who, baseForm(), false);
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('intake_meeting_required');
  });

  it('refuses a resubmission for the same household and month, also from the partner', async () => {
    const partner = person(t, '1287');
    const who = person(t, '1287');
    const form = baseForm({
      household: {
        partner: { personnummer: partner.personnummer, givenName: 'P', familyName: 'T' },
        children: [],
      },
    });
    expect((await submit(t, '1287', who, form)).statusCode).toBe(201);
    const again = await submit(t, '1287', who, form, false);
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('application_duplicate');
    const fromPartner = await submit(t, '1287', partner, {
      ...form,
      household: {
        partner: { personnummer: who.personnummer, givenName: 'W', familyName: 'T' },
        children: [],
      },
    });
    expect(fromPartner.statusCode).toBe(409);
  });

  it('refuses a citizen who is not folkbokförd in the municipality', async () => {
    const who = person(t, '1287');
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/municipalities/1263/applications',
      headers: t.auth(who),
      payload: { form: baseForm() },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('not_resident');
  });

  it('lets customer service register a paper application (channel paper)', async () => {
    const who = person(t, '1287');
    const slot = (
      await t.app.inject({
        url: '/v1/municipalities/1287/intake-slots',
        headers: t.auth('handlaggare.trelleborg'),
      })
    ).json().items[0].slotId;
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/municipalities/1287/paper-applications',
      headers: t.auth('handlaggare.trelleborg'),
      payload: {
        personnummer: who.personnummer,
        givenName: 'Pappers',
        familyName: 'Ansökan',
        form: baseForm(),
        slotId: slot,
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ channel: 'paper', status: 'submitted' });
  });

  it("turns the month's draft into the submitted application: same id, a case number, the robot's job", async () => {
    const who = person(t, '1287');
    const draft = await saveDraft(who);
    expect(draft.statusCode, draft.body).toBe(200);
    const res = await submit(t, '1287', who, baseForm());
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body.applicationId).toBe(draft.json().applicationId);
    expect(body).toMatchObject({ status: 'submitted', channel: 'digital', month: MONTH });
    expect(body.caseNumber).toMatch(/^EB-1287-2026-\d{6}$/);
    const facts = await t.admin(async (c) => ({
      applications: (
        await c.query(
          `SELECT a.status, a.form->'costs'->0->>'amountOre' AS rent FROM kommun_1287.applications a
            JOIN kommun_1287.citizens c USING (person_id) WHERE c.personnummer = $1`,
          [who.personnummer],
        )
      ).rows,
      outbox: Number(
        (
          await c.query(`SELECT count(*) n FROM platform.outbox WHERE payload->>'applicationId' = $1`, [
            body.applicationId,
          ])
        ).rows[0].n,
      ),
      notification: (
        await c.query(
          `SELECT body FROM kommun_1287.notifications WHERE application_id = $1 AND kind = 'submitted'`,
          [body.applicationId],
        )
      ).rows[0]?.body,
    }));
    expect(facts.applications).toEqual([{ status: 'submitted', rent: '600000' }]);
    expect(facts.outbox).toBe(1);
    expect(facts.notification).toContain(`(ärende ${body.caseNumber})`);
  });

  it('refuses a first-meeting time taken meanwhile and writes nothing, not even a case number', async () => {
    const first = person(t, '1287');
    const second = person(t, '1287');
    const slotId = await freeSlot(t, '1287', first);
    const post = (who: { personnummer: string }) => postApplication(who, slotId);
    const ok = await post(first);
    expect(ok.statusCode, ok.body).toBe(201);
    const taken = await post(second);
    expect(taken.statusCode).toBe(409);
    expect(taken.json().code).toBe('slot_unavailable');
    const written = await t.admin(
      async (c) =>
        (
          await c.query(
            `SELECT (SELECT count(*) FROM kommun_1287.applications a JOIN kommun_1287.citizens c USING (person_id)
               WHERE c.personnummer = $1)::int AS applications,
             (SELECT count(*) FROM kommun_1287.audit_log WHERE action = 'application.submit'
               AND person_id = (SELECT person_id FROM kommun_1287.citizens WHERE personnummer = $1))::int AS audit`,
            [second.personnummer],
          )
        ).rows[0],
    );
    expect(written).toEqual({ applications: 0, audit: 0 });
    // The next application's number follows the first one's: the refusal drew none.
    const next = await submit(t, '1287', second, baseForm());
    expect(next.statusCode, next.body).toBe(201);
    const serialOf = (caseNumber: string) => Number(caseNumber.slice(-6));
    const between = await t.admin(async (c) =>
      Number(
        (
          await c.query(
            `SELECT count(*) n FROM kommun_1287.applications WHERE case_number > $1 AND case_number < $2`,
            [ok.json().caseNumber, next.json().caseNumber],
          )
        ).rows[0].n,
      ),
    );
    expect(serialOf(next.json().caseNumber) - serialOf(ok.json().caseNumber)).toBe(between + 1);
  });

  it('keeps counting past 999 999: case numbers grow a digit instead of being cut', async () => {
    await t.admin((c) => c.query(`SELECT setval('kommun_1287.case_number_seq', 999999)`));
    try {
      const res = await submit(t, '1287', person(t, '1287'), baseForm());
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json().caseNumber).toBe('EB-1287-2026-1000000');
    } finally {
      // Back below, so later tests keep six-digit numbers (the unique index would still guard).
      await t.admin((c) =>
        c.query(
          `SELECT setval('kommun_1287.case_number_seq', (SELECT max(right(case_number, 6))::bigint FROM kommun_1287.applications WHERE length(case_number) = 19))`,
        ),
      );
    }
  });

  it('lets a first-time applicant submit with the first-meeting time they booked before', async () => {
    const who = person(t, '1287');
    const slotId = await freeSlot(t, '1287', who);
    const post = () => postApplication(who, slotId);
    const first = await post();
    expect(first.statusCode, first.body).toBe(201);
    const withdrawn = await t.app.inject({
      method: 'POST',
      url: `/v1/municipalities/1287/my/applications/${first.json().applicationId}/withdraw`,
      headers: t.auth(who),
      payload: {},
    });
    expect(withdrawn.statusCode, withdrawn.body).toBe(200);
    // Withdrawn: a first-time applicant again, who names the time already theirs.
    const again = await post();
    expect(again.statusCode, again.body).toBe(201);
  });

  it('keeps one application and one robot job when the same citizen submits twice at once', async () => {
    const who = person(t, '1287');
    const slotId = await freeSlot(t, '1287', who);
    const post = () => postApplication(who, slotId);
    const answers = await Promise.all([post(), post(), post()]);
    expect(answers.map((a) => a.statusCode).sort(), answers.map((a) => a.body).join('\n')).toEqual([
      201, 409, 409,
    ]);
    // However the three interleave, the refused ones are told it is a duplicate.
    expect(answers.filter((a) => a.statusCode === 409).map((a) => a.json().code)).toEqual([
      'application_duplicate',
      'application_duplicate',
    ]);
    const counts = await t.admin(
      async (c) =>
        (
          await c.query(
            `SELECT (SELECT count(*) FROM kommun_1287.citizens WHERE personnummer = $1)::int AS citizens,
               (SELECT count(*) FROM kommun_1287.applications a JOIN kommun_1287.citizens c USING (person_id)
                 WHERE c.personnummer = $1)::int AS applications,
               (SELECT count(*) FROM platform.outbox o JOIN kommun_1287.applications a
                 ON a.application_id::text = o.payload->>'applicationId'
                 JOIN kommun_1287.citizens c USING (person_id) WHERE c.personnummer = $1)::int AS jobs`,
            [who.personnummer],
          )
        ).rows[0],
    );
    expect(counts).toEqual({ citizens: 1, applications: 1, jobs: 1 });
  });

  it('saves drafts and lists them in Mina ärenden', async () => {
    const who = person(t, '1287');
    const res = await saveDraft(who);
    expect(res.statusCode, res.body).toBe(200);
    const mine = await t.app.inject({ url: '/v1/municipalities/1287/my/applications', headers: t.auth(who) });
    expect(mine.json().items).toHaveLength(1);
    expect(mine.json().items[0].status).toBe('draft');
  });
});

describe('exactly once', () => {
  it('leaves one decision and one payment when the same robot job runs twice at once', async () => {
    const who = person(t, '1287');
    const res = await submit(t, '1287', who, baseForm());
    const id = res.json().applicationId;
    await plan(t, '1287', who);
    const outcomes = await Promise.all([robot(t, '1287', id), robot(t, '1287', id), robot(t, '1287', id)]);
    expect(outcomes.filter((o) => o === 'decided')).toHaveLength(1);
    expect(await count('SELECT count(*) n FROM kommun_1287.decisions WHERE application_id = $1', [id])).toBe(
      1,
    );
    expect(await count('SELECT count(*) n FROM kommun_1287.payments WHERE application_id = $1', [id])).toBe(
      1,
    );
  });

  it('leaves one decision when a caseworker approves twice at once', async () => {
    const who = person(t, '1287');
    const { id } = await applyAndAssess(
      t,
      '1287',
      who,
      baseForm({ otherItems: [{ description: 'Tandvård', amountOre: 50_000 }] }),
    );
    const decide = () =>
      t.app.inject({
        method: 'POST',
        url: `/v1/municipalities/1287/cases/${id}/decision`,
        headers: t.auth('handlaggare.trelleborg'),
        payload: { outcome: 'approved', amountOre: 1_122_000, reasons: ['Norm och hyra.'] },
      });
    const results = await Promise.all([decide(), decide(), decide()]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409, 409]);
    expect(await count('SELECT count(*) n FROM kommun_1287.payments WHERE application_id = $1', [id])).toBe(
      1,
    );
  });

  it('creates one payment file per date and never puts a payment in two files', async () => {
    const first = await t.app.inject({
      method: 'POST',
      url: '/v1/municipalities/1287/payment-files',
      headers: t.auth('ekonomi.trelleborg'),
      payload: { paymentDate: '2026-12-23' },
    });
    expect(first.statusCode, first.body).toBe(201);
    const file = first.json();
    expect(file.paymentCount).toBeGreaterThan(0);
    const paid = await count(`SELECT count(*) n FROM kommun_1287.payments WHERE payment_file_id = $1`, [
      file.paymentFileId,
    ]);
    expect(paid).toBe(file.paymentCount);
    const again = await t.app.inject({
      method: 'POST',
      url: '/v1/municipalities/1287/payment-files',
      headers: t.auth('ekonomi.trelleborg'),
      payload: { paymentDate: '2026-12-23' },
    });
    expect(again.statusCode).toBe(409);
    const xml = await t.app.inject({
      url: `/v1/municipalities/1287/payment-files/${file.paymentFileId}`,
      headers: t.auth('ekonomi.trelleborg'),
    });
    expect(xml.body).toContain('<Cd>SSBE</Cd>');
    // No personnummer of anyone paid in the file (checked against the real numbers: a pattern
    // like /(19|20)\d{10}/ also matches the hex payment ids now and then).
    const paidPeople = await t.admin(
      async (c) =>
        (
          await c.query<{ personnummer: string }>(
            `SELECT c.personnummer FROM kommun_1287.payments p
        JOIN kommun_1287.applications a USING (application_id)
        JOIN kommun_1287.citizens c USING (person_id) WHERE p.payment_file_id = $1`,
            [file.paymentFileId],
          )
        ).rows,
    );
    expect(paidPeople.length).toBe(file.paymentCount);
    for (const { personnummer } of paidPeople) {
      expect(xml.body).not.toContain(personnummer);
      expect(xml.body).not.toContain(personnummer.slice(2));
    }
  });
});

describe('tenant isolation for cases', () => {
  it('answers 404 for another municipality’s case and for another citizen’s application', async () => {
    const who = person(t, '1287');
    const { id } = await applyAndAssess(t, '1287', who, baseForm());
    const wrongTenant = await t.app.inject({
      url: `/v1/municipalities/1263/cases/${id}`,
      headers: t.auth('handlaggare.trelleborg'),
    });
    expect(wrongTenant.statusCode).toBe(404);
    const stranger = person(t, '1287');
    const other = await t.app.inject({
      url: `/v1/municipalities/1287/my/applications/${id}`,
      headers: t.auth(stranger),
    });
    expect(other.statusCode).toBe(404);
    const svedala = await t.app.inject({
      url: `/v1/municipalities/1287/cases/${id}`,
      headers: t.auth('uppfoljare.svedala'),
    });
    expect(svedala.statusCode).toBe(403);
  });

  it("lets Svedala's follow-up officer open Svedala cases read-only, audited, but not decide", async () => {
    const who = person(t, '1263');
    const { id } = await applyAndAssess(
      t,
      '1263',
      who,
      baseForm({ otherItems: [{ description: 'Spis', amountOre: 300_000 }] }),
    );
    const read = await t.app.inject({
      url: `/v1/municipalities/1263/cases/${id}`,
      headers: t.auth('uppfoljare.svedala'),
    });
    expect(read.statusCode).toBe(200);
    expect(
      await count(
        `SELECT count(*) n FROM kommun_1263.audit_log WHERE actor_id = 'uppfoljare.svedala' AND action = 'case.read' AND object_id = $1`,
        [id],
      ),
    ).toBe(1);
    const decide = await t.app.inject({
      method: 'POST',
      url: `/v1/municipalities/1263/cases/${id}/decision`,
      headers: t.auth('uppfoljare.svedala'),
      payload: { outcome: 'rejected', amountOre: 0, reasons: ['x'] },
    });
    expect(decide.statusCode).toBe(403);
    const queue = await t.app.inject({ url: '/v1/work-queue', headers: t.auth('uppfoljare.svedala') });
    expect(new Set(queue.json().items.map((i: { kommunkod: string }) => i.kommunkod))).toEqual(
      new Set(['1263']),
    );
  });
});
