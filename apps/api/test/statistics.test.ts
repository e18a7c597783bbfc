import { beforeAll, describe, expect, it } from 'vitest';
import { ensureCitizen, insertCase, pnr } from './follow-up-fixtures.ts';
import { useTestApp } from './helpers.ts';

const t = useTestApp();

// Svedala (1263): three households in Jan–Mar 2026, hand-checked below; plus two 2025 households
// for the long-term figure. Trelleborg (1287): two robot approvals in January 2026.
const A = pnr('19850312');
const B = pnr('19900703');
const B2 = pnr('19910920');
const C = pnr('19770101');
const F = pnr('19660606');
const G = pnr('19680808');
const D = pnr('19800202');
const E = pnr('19810303');

beforeAll(async () => {
  await t.admin(async (c) => {
    const s = 'kommun_1263';
    // A: single. Jan robot approval (submitted Mon 5 Jan 10:00, decided 12:00 → 2 h, in time).
    await insertCase(c, s, {
      pnr: A,
      month: '2026-01',
      submittedAt: '2026-01-05T10:00:00+01:00',
      decision: {
        outcome: 'approved',
        amountOre: 1_000_000,
        kind: 'robot',
        reference: '4.1.1',
        decidedAt: '2026-01-05T12:00:00+01:00',
      },
      paid: true,
    });
    // Feb: submitted Fri 6 Feb 15:00, decided Mon 9 Feb 09:00 → 66 h, in time (next working day is Monday).
    await insertCase(c, s, {
      pnr: A,
      month: '2026-02',
      submittedAt: '2026-02-06T15:00:00+01:00',
      decision: {
        outcome: 'approved',
        amountOre: 1_000_000,
        kind: 'robot',
        reference: '4.1.1',
        decidedAt: '2026-02-09T09:00:00+01:00',
      },
      paid: true,
    });
    // Mar: rejected by a Trelleborg caseworker, Mon 2 Mar 08:00 → Tue 3 Mar 16:00 = 32 h, in time.
    await insertCase(c, s, {
      pnr: A,
      month: '2026-03',
      submittedAt: '2026-03-02T08:00:00+01:00',
      decision: {
        outcome: 'rejected',
        amountOre: 0,
        kind: 'person',
        reference: '4.2.1',
        decidedAt: '2026-03-03T16:00:00+01:00',
      },
    });
    // B: couple with two children, paper. Submitted Fri 2 Jan 09:00; due end of Mon 5 Jan; decided
    // Wed 7 Jan 09:00 (Tue 6 Jan is Trettondedag jul) → 120 h, late. Partially approved by a delegate.
    await insertCase(c, s, {
      pnr: B,
      partner: B2,
      children: [
        { givenName: 'Ett', birthDate: '2015-04-01' },
        { givenName: 'Två', birthDate: '2018-09-30' },
      ],
      month: '2026-01',
      channel: 'paper',
      submittedAt: '2026-01-02T09:00:00+01:00',
      decision: {
        outcome: 'partially_approved',
        amountOre: 1_500_000,
        kind: 'person',
        by: 'enhetschef.trelleborg',
        reference: '4.1.3',
        decidedAt: '2026-01-07T09:00:00+01:00',
      },
      paid: true,
    });
    // C: February, sent to a human for "other items", still open.
    await insertCase(c, s, {
      pnr: C,
      month: '2026-02',
      submittedAt: '2026-02-10T10:00:00+01:00',
      manualReasons: [{ code: 'other_items', text: 'Övriga poster' }],
    });
    // F: ten approved months in 2025 (long-term); G: nine (not long-term).
    for (let m = 1; m <= 10; m++) {
      const month = `2025-${String(m).padStart(2, '0')}`;
      await insertCase(c, s, {
        pnr: F,
        month,
        submittedAt: `${month}-03T10:00:00+01:00`,
        decision: {
          outcome: 'approved',
          amountOre: 100_000,
          kind: 'robot',
          reference: '4.1.1',
          decidedAt: `${month}-03T11:00:00+01:00`,
        },
        paid: true,
      });
      if (m <= 9) {
        await insertCase(c, s, {
          pnr: G,
          month,
          submittedAt: `${month}-04T10:00:00+01:00`,
          decision: {
            outcome: 'approved',
            amountOre: 200_000,
            kind: 'robot',
            reference: '4.1.1',
            decidedAt: `${month}-04T11:00:00+01:00`,
          },
          paid: true,
        });
      }
    }
    // First meetings: A's in January (held), C's in February (held); one free slot that doesn't count.
    const personA = await ensureCitizen(c, s, A, '2026-01-01T00:00:00Z');
    const personC = await ensureCitizen(c, s, C, '2026-01-01T00:00:00Z');
    await c.query(
      `INSERT INTO ${s}.intake_slots (starts_at, ends_at, place, location_name, officer_username, booked_person_id, booked_at)
       VALUES ('2026-01-03T10:00:00+01', '2026-01-03T10:45:00+01', 'tenant_office', 'Kommunhuset', 'ask.trelleborg', $1, '2026-01-02T10:00:00+01'),
              ('2026-02-09T10:00:00+01', '2026-02-09T10:45:00+01', 'host_office', 'Trelleborg', 'ask.trelleborg', $2, '2026-02-08T10:00:00+01'),
              ('2026-02-10T10:00:00+01', '2026-02-10T10:45:00+01', 'video', 'Video', 'ask.trelleborg', NULL, NULL)`,
      [personA, personC],
    );
    // A's plan covers January–June; A leaves for work in February.
    await c.query(
      `INSERT INTO ${s}.labour_assessments (person_id, available_for_work, plan_from, plan_to, track, recorded_by, recorded_at)
       VALUES ($1, true, '2026-01-01', '2026-06-30', 'Lager och logistik', 'ask.trelleborg', '2026-01-03T11:00:00+01')`,
      [personA],
    );
    await c.query(
      `INSERT INTO ${s}.assistance_exits (person_id, exit_month, reason, recorded_by) VALUES ($1, '2026-02', 'work', 'ask.trelleborg')`,
      [personA],
    );
    // January's sample: A's approval checked without deviation; B's blind review disagreed.
    await c.query(
      `INSERT INTO ${s}.sample_draws (draw_month, population, blind_population, sample_rate, blind_rate, documents_drawn, blind_drawn, drawn_by)
       VALUES ('2026-01', 2, 2, 0.100, 0.100, 1, 1, 'system')`,
    );
    await c.query(
      `INSERT INTO ${s}.sample_checks (application_id, kind, draw_month, status, outcome, blind_outcome, blind_amount_ore,
         agrees_with_decision, recorded_by, recorded_at)
       SELECT application_id, 'documents', '2026-01', 'completed', 'no_deviation', NULL, NULL, NULL, 'granskare', now()
         FROM ${s}.applications WHERE household_key = $1 AND month = '2026-01'
       UNION ALL
       SELECT application_id, 'blind_review', '2026-01', 'completed', NULL, 'rejected', 0, false, 'granskare', now()
         FROM ${s}.applications WHERE household_key = $2 AND month = '2026-01'`,
      [A, [B, B2].sort().join('+')],
    );

    const t1287 = 'kommun_1287';
    await insertCase(c, t1287, {
      pnr: D,
      month: '2026-01',
      submittedAt: '2026-01-12T10:00:00+01:00',
      decision: {
        outcome: 'approved',
        amountOre: 800_000,
        kind: 'robot',
        reference: '4.1.1',
        decidedAt: '2026-01-12T10:05:00+01:00',
      },
      paid: true,
    });
    await insertCase(c, t1287, {
      pnr: E,
      month: '2026-01',
      submittedAt: '2026-01-13T10:00:00+01:00',
      decision: {
        outcome: 'approved',
        amountOre: 900_000,
        kind: 'robot',
        reference: '4.1.1',
        decidedAt: '2026-01-13T10:05:00+01:00',
      },
      paid: true,
    });
  });
  const res = await t.app.inject({
    method: 'PUT',
    url: '/v1/municipalities/1263/population/2026',
    headers: t.auth('uppfoljare.svedala'),
    payload: { residents: 500, source: 'SCB 31 dec' },
  });
  expect(res.statusCode, res.body).toBe(200);
});

type Stats = {
  months: string[];
  series: { key: string; values: (number | null)[] }[];
  decisionsByDelegation: { reference: string; decidedByKind: string; values: number[] }[];
  decisionsByEmployer: { employerCode: string; values: number[] }[];
  manualByReason: { code: string; values: number[] }[];
  years: {
    year: number;
    population: number | null;
    householdsWithAssistance: number;
    personsWithAssistance: number;
    longTermHouseholds: number;
    paidOre: number;
    keyFigures: Record<string, number | null>;
  }[];
  manualQueueNow: { open: number; overdue: number; byReason: { code: string; count: number }[] };
};
const of = (s: Stats, key: string) => s.series.find((x) => x.key === key)?.values;

async function stats(code: string, from: string, to: string, as = 'uppfoljare.svedala') {
  const res = await t.app.inject({
    url: `/v1/municipalities/${code}/statistics?from=${from}&to=${to}`,
    headers: t.auth(as),
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Stats;
}

describe("a municipality's statistics from its own schema", () => {
  it('counts applications, households, persons, amounts and decisions by month, as worked out by hand', async () => {
    const s = await stats('1263', '2026-01', '2026-03');
    expect(s.months).toEqual(['2026-01', '2026-02', '2026-03']);
    expect(of(s, 'applications.total')).toEqual([2, 2, 1]);
    expect(of(s, 'applications.digital')).toEqual([1, 2, 1]);
    expect(of(s, 'applications.paper')).toEqual([1, 0, 0]);
    expect(of(s, 'applications.digitalShare')).toEqual([0.5, 1, 1]);
    // Jan: A (1 person) + B (2 adults + 2 children) = 2 households, 5 persons; Feb: A only.
    expect(of(s, 'households.withAssistance')).toEqual([2, 1, 0]);
    expect(of(s, 'persons.withAssistance')).toEqual([5, 1, 0]);
    // Jan: 10 000 kr + 15 000 kr; Feb: 10 000 kr; the March rejection is 0.
    expect(of(s, 'amounts.decidedOre')).toEqual([2_500_000, 1_000_000, 0]);
    expect(of(s, 'amounts.paidOre')).toEqual([2_500_000, 1_000_000, 0]);
    expect(of(s, 'decisions.total')).toEqual([2, 1, 1]);
    expect(of(s, 'decisions.approved')).toEqual([1, 1, 0]);
    expect(of(s, 'decisions.partiallyApproved')).toEqual([1, 0, 0]);
    expect(of(s, 'decisions.rejected')).toEqual([0, 0, 1]);
    expect(of(s, 'decisions.robot')).toEqual([1, 1, 0]);
    expect(of(s, 'decisions.person')).toEqual([1, 0, 1]);
    expect(of(s, 'decisions.automatedShare')).toEqual([0.5, 1, 0]);
    expect(s.decisionsByDelegation).toEqual([
      { reference: '4.1.3', decidedByKind: 'person', values: [1, 0, 0] },
      { reference: '4.2.1', decidedByKind: 'person', values: [0, 0, 1] },
      { reference: '4.1.1', decidedByKind: 'robot', values: [1, 1, 0] },
    ]);
    expect(s.decisionsByEmployer).toEqual([{ employerCode: '1287', values: [1, 0, 1] }]);
  });

  it('measures time to decision with the Swedish working-day calendar', async () => {
    const s = await stats('1263', '2026-01', '2026-03');
    // Jan: 2 h (in time) and 120 h (B: due end of Mon 5 Jan; Tue 6 Jan is a holiday; decided Wed).
    // Median of {2, 120} = 61; p90 = 2 + 0.9 × 118 = 108.2. Feb: 66 h over a weekend, in time. Mar: 32 h.
    expect(of(s, 'decisionTime.measured')).toEqual([2, 1, 1]);
    expect(of(s, 'decisionTime.withinNextWorkingDay')).toEqual([1, 1, 1]);
    expect(of(s, 'decisionTime.withinNextWorkingDayShare')).toEqual([0.5, 1, 1]);
    expect(of(s, 'decisionTime.medianHours')).toEqual([61, 66, 32]);
    expect(of(s, 'decisionTime.p90Hours')).toEqual([108.2, 66, 32]);
  });

  it('reports the manual queue, sample checks, meetings, plans, enrolment and exits', async () => {
    const s = await stats('1263', '2026-01', '2026-03');
    expect(of(s, 'manual.total')).toEqual([0, 1, 0]);
    expect(s.manualByReason).toEqual([{ code: 'other_items', values: [0, 1, 0] }]);
    expect(s.manualQueueNow).toEqual({ open: 1, overdue: 0, byReason: [{ code: 'other_items', count: 1 }] });
    expect(of(s, 'sampleChecks.documents.drawn')).toEqual([1, 0, 0]);
    expect(of(s, 'sampleChecks.documents.noDeviation')).toEqual([1, 0, 0]);
    expect(of(s, 'sampleChecks.blind.drawn')).toEqual([1, 0, 0]);
    expect(of(s, 'sampleChecks.blind.disagrees')).toEqual([1, 0, 0]);
    expect(of(s, 'sampleChecks.blind.agrees')).toEqual([0, 0, 0]);
    expect(of(s, 'meetings.booked')).toEqual([1, 1, 0]);
    expect(of(s, 'meetings.held')).toEqual([1, 1, 0]);
    expect(of(s, 'plans.recorded')).toEqual([1, 0, 0]);
    expect(of(s, 'labour.enrolled')).toEqual([1, 1, 1]);
    expect(of(s, 'exits.work')).toEqual([0, 1, 0]);
    expect(of(s, 'exits.toWorkOrStudiesShare')).toEqual([0, 1, 0]);
  });

  it('gives yearly figures: long-term households and Kolada N31807 from the stored population', async () => {
    const s = await stats('1263', '2025-01', '2026-03');
    const [y2025, y2026] = s.years;
    // 2025: F had 10 months (long-term), G 9 → 1 of 2 = 50 %. Paid 10 × 1 000 + 9 × 2 000 kr.
    expect(y2025).toMatchObject({
      year: 2025,
      population: null,
      householdsWithAssistance: 2,
      personsWithAssistance: 2,
      longTermHouseholds: 1,
      paidOre: 1_000_000 + 1_800_000,
      keyFigures: {
        residentsWithAssistancePercent: null,
        longTermHouseholdsPercent: 50,
        paidOrePerResident: null,
      },
    });
    // 2026: A + (B, B2, two children) = 5 distinct residents of 500 → 1 %; 35 000 kr / 500 = 70 kr per resident.
    expect(y2026).toMatchObject({
      year: 2026,
      population: 500,
      householdsWithAssistance: 2,
      personsWithAssistance: 5,
      longTermHouseholds: 0,
      paidOre: 3_500_000,
      keyFigures: { residentsWithAssistancePercent: 1, paidOrePerResident: 7_000 },
    });
  });

  it("comes from the municipality's own schema only", async () => {
    const svedala = await stats('1263', '2026-01', '2026-01');
    const trelleborg = await stats('1287', '2026-01', '2026-01', 'enhetschef.trelleborg');
    expect(of(svedala, 'amounts.paidOre')).toEqual([2_500_000]);
    expect(of(trelleborg, 'amounts.paidOre')).toEqual([1_700_000]);
    expect(of(trelleborg, 'households.withAssistance')).toEqual([2]);
    expect(trelleborg.manualQueueNow.open).toBe(0);
  });

  it('refuses bad ranges with 400', async () => {
    for (const q of [
      'from=2026-03&to=2026-01',
      'from=2016-01&to=2026-12',
      'from=2026-13&to=2026-14',
      'from=2026-01',
    ]) {
      const res = await t.app.inject({
        url: `/v1/municipalities/1263/statistics?${q}`,
        headers: t.auth('uppfoljare.svedala'),
      });
      expect(res.statusCode, q).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
  });

  it('downloads the same figures as CSV with Swedish headers', async () => {
    const res = await t.app.inject({
      url: '/v1/municipalities/1263/statistics.csv?from=2026-01&to=2026-02',
      headers: t.auth('uppfoljare.svedala'),
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    const lines = res.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    const header = lines[0]?.split(';') ?? [];
    expect(header.slice(0, 4)).toEqual(['Kommunkod', 'Kommun', 'Månad', 'Ansökningar']);
    const jan = lines[1]?.split(';') ?? [];
    const col = (label: string) => jan[header.indexOf(label)];
    expect(col('Utbetalt belopp (öre)')).toBe('2500000');
    expect(col('Andel e-ansökningar')).toBe('0,5');
    expect(col('Tid till beslut, 90:e percentil (timmar)')).toBe('108,2');
    expect(col('Beslut enligt delegation 4.1.3 (person)')).toBe('1');
    expect(lines).toHaveLength(3);
  });
});

describe("the host's side-by-side view", () => {
  it('shows each municipality it serves, and totals that are the sum of the columns', async () => {
    const res = await t.app.inject({
      url: '/v1/statistics?from=2026-01&to=2026-03',
      headers: t.auth('enhetschef.trelleborg'),
    });
    expect(res.statusCode, res.body).toBe(200);
    const host = res.json() as {
      municipalities: (Stats & { kommunkod: string })[];
      totals: { series: { key: string; values: (number | null)[] }[]; years: { paidOre: number }[] };
      workload: {
        employerCode: string;
        perMunicipality: {
          kommunkod: string;
          decisionsByOwnStaff: number[];
          robotDecisions: number[];
          manualQueueOpen: number;
        }[];
        totals: { decisionsByOwnStaff: number[]; robotDecisions: number[]; manualQueueOpen: number };
      };
    };
    expect(host.municipalities.map((m) => m.kommunkod)).toEqual(['1263', '1287']);
    const sumKeys = host.totals.series.filter(
      (s) => s.values.every((v) => v !== null) && !s.key.endsWith('Share'),
    );
    expect(sumKeys.length).toBeGreaterThan(30);
    for (const total of sumKeys) {
      const columns = host.municipalities.map((m) => of(m, total.key) as number[]);
      expect(total.values, total.key).toEqual(
        total.values.map((_, i) => columns.reduce((s, c) => s + (c[i] ?? 0), 0)),
      );
    }
    const totals = (key: string) => host.totals.series.find((s) => s.key === key)?.values;
    // By hand: paid in January 2 500 000 (Svedala) + 1 700 000 (Trelleborg) öre.
    expect(totals('amounts.paidOre')).toEqual([4_200_000, 1_000_000, 0]);
    // Ratios are recomputed from the summed parts: 3 robot of 4 decisions in January.
    expect(totals('decisions.automatedShare')).toEqual([0.75, 1, 0]);
    expect(totals('decisionTime.medianHours')).toEqual([null, null, null]);
    expect(host.totals.years[0]?.paidOre).toBe(3_500_000 + 1_700_000);
    // Trelleborg's own staff decided B (January) and A's rejection (March) for Svedala.
    expect(host.workload).toEqual({
      employerCode: '1287',
      perMunicipality: [
        { kommunkod: '1263', decisionsByOwnStaff: [1, 0, 1], robotDecisions: [1, 1, 0], manualQueueOpen: 1 },
        { kommunkod: '1287', decisionsByOwnStaff: [0, 0, 0], robotDecisions: [2, 0, 0], manualQueueOpen: 0 },
      ],
      totals: { decisionsByOwnStaff: [1, 0, 1], robotDecisions: [3, 1, 0], manualQueueOpen: 1 },
    });
  });

  it('has one CSV row per municipality and month, then the totals', async () => {
    const res = await t.app.inject({
      url: '/v1/statistics.csv?from=2026-01&to=2026-01',
      headers: t.auth('enhetschef.trelleborg'),
    });
    expect(res.statusCode, res.body).toBe(200);
    const rows = res.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n')
      .slice(1)
      .map((l) => l.split(';'));
    expect(rows.map((r) => r.slice(0, 3))).toEqual([
      ['1263', 'Svedala kommun', '2026-01'],
      ['1287', 'Trelleborgs kommun', '2026-01'],
      ['', 'Totalt', '2026-01'],
    ]);
  });
});
