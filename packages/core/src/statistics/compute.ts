import type { RootDb } from '@samverkan/db';
import { decisionDueAt, stockholmStartOfDay } from '@samverkan/domain';
import { type RawBuilder, sql } from 'kysely';
import { METRICS, type MetricUnit, monthRange, nextMonth } from './metrics.ts';

/** The municipality whose own schema is read; the schema name comes from the registry row. */
export interface StatisticsTenant {
  code: string;
  name: string;
  schema: string;
}

export interface Series {
  key: string;
  label: string;
  unit: MetricUnit;
  values: (number | null)[];
}

export interface YearFigures {
  year: number;
  /** Folkmängd as the municipality recorded it; null until it is set. */
  population: number | null;
  householdsWithAssistance: number;
  personsWithAssistance: number;
  /** Households with assistance in 10 or more months of the year. */
  longTermHouseholds: number;
  paidOre: number;
  keyFigures: {
    /** Kolada N31807: residents who received assistance during the year, % of the population. */
    residentsWithAssistancePercent: number | null;
    longTermHouseholdsPercent: number | null;
    paidOrePerResident: number | null;
  };
}

export interface TenantStatistics {
  kommunkod: string;
  municipalityName: string;
  from: string;
  to: string;
  months: string[];
  series: Series[];
  decisionsByDelegation: { reference: string; decidedByKind: 'robot' | 'person'; values: number[] }[];
  /** Decisions taken by people, by the employer of the person (the host's staff acting under agreement). */
  decisionsByEmployer: { employerCode: string; values: number[] }[];
  manualByReason: { code: string; values: number[] }[];
  years: YearFigures[];
  manualQueueNow: { open: number; overdue: number; byReason: { code: string; count: number }[] };
}

const n = (v: unknown) => Number(v ?? 0);

/**
 * One municipality's statistics for a range of months, read from its own schema only. Every
 * figure is by the month the application and the assistance relate to (`applications.month`,
 * `decisions.month`), except meetings and plans, which are by the Swedish calendar month they
 * happened in, and sample checks, by the month they were drawn. Yearly figures cover whole
 * calendar years that the range touches.
 */
export async function computeTenantStatistics(
  db: RootDb,
  municipality: StatisticsTenant,
  range: { from: string; to: string },
  now: Date,
): Promise<TenantStatistics> {
  const months = monthRange(range.from, range.to);
  const index = new Map(months.map((m, i) => [m, i]));
  const from = months[0] as string;
  const to = months.at(-1) as string;
  const T = (table: string) => sql.table(`${municipality.schema}.${table}`);
  const rows = async <R>(query: RawBuilder<R>) => (await query.execute(db)).rows;
  const windowStart = stockholmStartOfDay(`${from}-01`);
  const windowEnd = stockholmStartOfDay(`${nextMonth(to)}-01`);
  const firstYear = Number(from.slice(0, 4));
  const yearFrom = `${firstYear}-01`;
  const yearTo = `${to.slice(0, 4)}-12`;
  const years = Array.from({ length: Number(to.slice(0, 4)) - firstYear + 1 }, (_, i) => firstYear + i);

  // "Within the next working day" follows the domain calendar: one due instant per distinct
  // submission date, joined in SQL, so Swedish holidays are never re-implemented in SQL.
  const submissionDays = await rows(sql<{ day: string }>`
    SELECT DISTINCT (submitted_at AT TIME ZONE 'Europe/Stockholm')::date::text AS day
      FROM ${T('applications')} WHERE month BETWEEN ${from} AND ${to} AND submitted_at IS NOT NULL`);
  const days = submissionDays.map((r) => r.day);
  const dues = days.map((d) => decisionDueAt(stockholmStartOfDay(d)).toISOString());

  // Everything about decisions comes from one pass over decisions ⋈ applications ⋈ payments
  // (materialised once), aggregated several ways; the rest are small single-table queries.
  // A household has at most one decided application per month (applications_household_month_uq,
  // and a withdrawn application cannot be decided), so households per month and months per
  // household are plain counts — no DISTINCT sorts.
  const factsQuery = rows(sql<{ facts: string }>`
    WITH due AS (SELECT * FROM unnest(${days}::date[], ${dues}::timestamptz[]) AS u(day, due_at)),
    base AS MATERIALIZED (
      SELECT d.month, d.outcome, d.amount_ore, d.decided_by_kind AS kind, d.delegation_reference AS reference,
             d.decided_by_employer AS employer, d.decided_at, a.submitted_at, a.household_key,
             CASE WHEN jsonb_typeof(a.form -> 'household' -> 'children') = 'array'
                  THEN a.form -> 'household' -> 'children' ELSE '[]'::jsonb END AS children,
             coalesce(jsonb_typeof(a.form -> 'household' -> 'partner') = 'object', false) AS has_partner,
             p.amount_ore AS paid
        FROM ${T('decisions')} d
        JOIN ${T('applications')} a ON a.application_id = d.application_id
        LEFT JOIN ${T('payments')} p ON p.decision_id = d.decision_id
       WHERE d.month BETWEEN ${yearFrom} AND ${yearTo}),
    inrange AS (SELECT * FROM base WHERE month BETWEEN ${from} AND ${to}),
    granted AS (SELECT * FROM base WHERE outcome <> 'rejected')
    SELECT json_build_object(
      'decisions', (SELECT coalesce(json_agg(x), '[]') FROM (
        SELECT month, outcome, kind, reference, employer, count(*) AS count, sum(amount_ore) AS amount
          FROM inrange GROUP BY 1, 2, 3, 4, 5) x),
      'households', (SELECT coalesce(json_agg(x), '[]') FROM (
        SELECT month, count(*) AS households,
               sum(1 + has_partner::int + jsonb_array_length(children)) AS persons, coalesce(sum(paid), 0) AS paid
          FROM inrange WHERE outcome <> 'rejected' GROUP BY 1) x),
      'time', (SELECT coalesce(json_agg(x), '[]') FROM (
        SELECT i.month, count(*) AS measured,
               count(*) FILTER (WHERE i.decided_at >= i.submitted_at AND i.decided_at <= due.due_at) AS within,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM i.decided_at - i.submitted_at)) / 3600 AS median,
               percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM i.decided_at - i.submitted_at)) / 3600 AS p90
          FROM inrange i JOIN due ON due.day = (i.submitted_at AT TIME ZONE 'Europe/Stockholm')::date
         GROUP BY 1) x),
      'years', (SELECT coalesce(json_agg(x), '[]') FROM (
        SELECT y AS year, count(*) AS households, count(*) FILTER (WHERE months >= 10) AS longterm,
               coalesce(sum(paid), 0) AS paid
          FROM (SELECT left(month, 4)::int AS y, household_key, count(*) AS months, sum(paid) AS paid
                  FROM granted GROUP BY 1, 2) h
         GROUP BY 1) x),
      -- A person is counted once a year: adults by personnummer (the household key), children by
      -- household, birth date and name (children have no personnummer in the form).
      'persons', (SELECT coalesce(json_agg(x), '[]') FROM (
        SELECT y AS year, count(*) AS persons FROM (SELECT DISTINCT y, who FROM (
          SELECT left(g.month, 4)::int AS y, k AS who
            FROM granted g CROSS JOIN LATERAL unnest(string_to_array(g.household_key, '+')) AS k
          UNION ALL
          SELECT left(g.month, 4)::int, g.household_key || '/' || coalesce(c ->> 'birthDate', '') || '/' || coalesce(c ->> 'givenName', '')
            FROM granted g CROSS JOIN LATERAL jsonb_array_elements(g.children) AS c) w) d
         GROUP BY 1) x)
    )::text AS facts`);

  const [
    factRows,
    applications,
    manualTotals,
    manualReasons,
    samples,
    meetings,
    plans,
    enrolled,
    exits,
    queue,
    population,
  ] = await Promise.all([
    factsQuery,
    rows(sql<{ month: string; channel: string; count: number }>`
      SELECT month, channel, count(*)::int AS count FROM ${T('applications')}
       WHERE status <> 'draft' AND month BETWEEN ${from} AND ${to} GROUP BY 1, 2`),
    rows(sql<{ month: string; count: number }>`
      SELECT month, count(*)::int AS count FROM ${T('applications')}
       WHERE status <> 'draft' AND month BETWEEN ${from} AND ${to}
         AND jsonb_typeof(manual_reasons) = 'array' AND jsonb_array_length(manual_reasons) > 0
       GROUP BY 1`),
    rows(sql<{ month: string; code: string; count: number }>`
      SELECT a.month, CASE WHEN jsonb_typeof(r) = 'object' THEN coalesce(r ->> 'code', 'okänd') ELSE r #>> '{}' END AS code,
             count(DISTINCT a.application_id)::int AS count
        FROM ${T('applications')} a
        CROSS JOIN LATERAL jsonb_array_elements(
          CASE WHEN jsonb_typeof(a.manual_reasons) = 'array' THEN a.manual_reasons ELSE '[]'::jsonb END) r
       WHERE a.status <> 'draft' AND a.month BETWEEN ${from} AND ${to} GROUP BY 1, 2`),
    rows(sql<{
      month: string;
      kind: string;
      status: string;
      outcome: string | null;
      agrees: boolean | null;
      count: number;
    }>`
      SELECT draw_month AS month, kind, status, outcome, agrees_with_decision AS agrees, count(*)::int AS count
        FROM ${T('sample_checks')} WHERE draw_month BETWEEN ${from} AND ${to} GROUP BY 1, 2, 3, 4, 5`),
    rows(sql<{ month: string; booked: number; held: number }>`
      SELECT to_char(starts_at AT TIME ZONE 'Europe/Stockholm', 'YYYY-MM') AS month, count(*)::int AS booked,
             count(*) FILTER (WHERE starts_at < ${now})::int AS held
        FROM ${T('intake_slots')}
       WHERE booked_person_id IS NOT NULL AND starts_at >= ${windowStart} AND starts_at < ${windowEnd}
       GROUP BY 1`),
    rows(sql<{ month: string; count: number }>`
      SELECT to_char(recorded_at AT TIME ZONE 'Europe/Stockholm', 'YYYY-MM') AS month, count(*)::int AS count
        FROM ${T('labour_assessments')} WHERE recorded_at >= ${windowStart} AND recorded_at < ${windowEnd}
       GROUP BY 1`),
    rows(sql<{ month: string; count: number }>`
      SELECT m.month, count(DISTINCT l.person_id)::int AS count
        FROM unnest(${months}::text[]) AS m(month)
        JOIN ${T('labour_assessments')} l
          ON l.plan_from < ((m.month || '-01')::date + interval '1 month') AND l.plan_to >= (m.month || '-01')::date
       GROUP BY 1`),
    rows(sql<{ month: string; reason: string; count: number }>`
      SELECT exit_month AS month, reason, count(*)::int AS count FROM ${T('assistance_exits')}
       WHERE exit_month BETWEEN ${from} AND ${to} GROUP BY 1, 2`),
    rows(sql<{ code: string | null; open: number; overdue: number }>`
      WITH q AS (
        SELECT application_id, manual_reasons, (due_at IS NOT NULL AND due_at < ${now}) AS overdue
          FROM ${T('applications')}
         WHERE processing = 'manual' AND status IN ('submitted', 'in_progress', 'waiting_for_completion'))
      SELECT NULL AS code, count(*)::int AS open, count(*) FILTER (WHERE overdue)::int AS overdue FROM q
      UNION ALL
      SELECT CASE WHEN jsonb_typeof(r) = 'object' THEN coalesce(r ->> 'code', 'okänd') ELSE r #>> '{}' END,
             count(DISTINCT q.application_id)::int, 0
        FROM q CROSS JOIN LATERAL jsonb_array_elements(
          CASE WHEN jsonb_typeof(q.manual_reasons) = 'array' THEN q.manual_reasons ELSE '[]'::jsonb END) r
       GROUP BY 1`),
    rows(sql<{ year: number; residents: number }>`
      SELECT year, residents FROM ${T('population_years')} WHERE year = ANY (${years}::int[])`),
  ]);
  const facts = JSON.parse(factRows[0]?.facts ?? '{}') as {
    decisions: {
      month: string;
      outcome: string;
      kind: 'robot' | 'person';
      reference: string;
      employer: string | null;
      count: number;
      amount: number;
    }[];
    households: { month: string; households: number; persons: number; paid: number }[];
    time: { month: string; measured: number; within: number; median: number | null; p90: number | null }[];
    years: { year: number; households: number; longterm: number; paid: number }[];
    persons: { year: number; persons: number }[];
  };
  const { decisions, households, time: decisionTime } = facts;
  const yearHouseholds = facts.years;
  const yearPersons = facts.persons;

  const series = new Map<string, (number | null)[]>(
    METRICS.map((m) => [m.key, months.map(() => (m.total === 'sum' ? 0 : null))]),
  );
  const add = (key: string, month: string, value: number) => {
    const i = index.get(month);
    const list = series.get(key);
    if (i === undefined || !list) return;
    list[i] = (list[i] ?? 0) + value;
  };
  const set = (key: string, month: string, value: number | null) => {
    const i = index.get(month);
    const list = series.get(key);
    if (i !== undefined && list) list[i] = value;
  };

  for (const r of applications) {
    add('applications.total', r.month, n(r.count));
    add(r.channel === 'paper' ? 'applications.paper' : 'applications.digital', r.month, n(r.count));
  }
  const byDelegation = new Map<
    string,
    { reference: string; decidedByKind: 'robot' | 'person'; values: number[] }
  >();
  const byEmployer = new Map<string, number[]>();
  const zeros = () => months.map(() => 0);
  for (const r of decisions) {
    const count = n(r.count);
    add('decisions.total', r.month, count);
    add(
      r.outcome === 'approved'
        ? 'decisions.approved'
        : r.outcome === 'partially_approved'
          ? 'decisions.partiallyApproved'
          : 'decisions.rejected',
      r.month,
      count,
    );
    add(r.kind === 'robot' ? 'decisions.robot' : 'decisions.person', r.month, count);
    if (r.outcome !== 'rejected') add('amounts.decidedOre', r.month, n(r.amount));
    const dk = `${r.kind}\u0000${r.reference}`;
    const d = byDelegation.get(dk) ?? { reference: r.reference, decidedByKind: r.kind, values: zeros() };
    byDelegation.set(dk, d);
    const i = index.get(r.month);
    if (i !== undefined) d.values[i] = (d.values[i] ?? 0) + count;
    if (r.kind === 'person') {
      const key = r.employer ?? 'okänd';
      const e = byEmployer.get(key) ?? zeros();
      byEmployer.set(key, e);
      if (i !== undefined) e[i] = (e[i] ?? 0) + count;
    }
  }
  for (const r of households) {
    add('households.withAssistance', r.month, n(r.households));
    add('persons.withAssistance', r.month, n(r.persons));
    add('amounts.paidOre', r.month, n(r.paid));
  }
  for (const r of decisionTime) {
    add('decisionTime.measured', r.month, n(r.measured));
    add('decisionTime.withinNextWorkingDay', r.month, n(r.within));
    set('decisionTime.medianHours', r.month, r.median === null ? null : round(Number(r.median), 2));
    set('decisionTime.p90Hours', r.month, r.p90 === null ? null : round(Number(r.p90), 2));
  }
  for (const r of manualTotals) add('manual.total', r.month, n(r.count));
  const manualByReason = new Map<string, number[]>();
  for (const r of manualReasons) {
    const list = manualByReason.get(r.code) ?? zeros();
    manualByReason.set(r.code, list);
    const i = index.get(r.month);
    if (i !== undefined) list[i] = (list[i] ?? 0) + n(r.count);
  }
  for (const r of samples) {
    const count = n(r.count);
    if (r.kind === 'documents') {
      add('sampleChecks.documents.drawn', r.month, count);
      if (r.status === 'open') add('sampleChecks.documents.open', r.month, count);
      else if (r.outcome === 'no_deviation') add('sampleChecks.documents.noDeviation', r.month, count);
      else if (r.outcome === 'deviation') add('sampleChecks.documents.deviation', r.month, count);
      else if (r.outcome === 'not_submitted') add('sampleChecks.documents.notSubmitted', r.month, count);
    } else {
      add('sampleChecks.blind.drawn', r.month, count);
      if (r.status === 'open') add('sampleChecks.blind.open', r.month, count);
      else if (r.agrees === true) add('sampleChecks.blind.agrees', r.month, count);
      else if (r.agrees === false) add('sampleChecks.blind.disagrees', r.month, count);
    }
  }
  for (const r of meetings) {
    add('meetings.booked', r.month, n(r.booked));
    add('meetings.held', r.month, n(r.held));
  }
  for (const r of plans) add('plans.recorded', r.month, n(r.count));
  for (const r of enrolled) add('labour.enrolled', r.month, n(r.count));
  const exitKey: Record<string, string> = {
    work: 'exits.work',
    studies: 'exits.studies',
    other_income: 'exits.otherIncome',
    moved: 'exits.moved',
    other: 'exits.other',
  };
  for (const r of exits) {
    add('exits.total', r.month, n(r.count));
    add(exitKey[r.reason] ?? 'exits.other', r.month, n(r.count));
    if (r.reason === 'work' || r.reason === 'studies') add('exits.toWorkOrStudies', r.month, n(r.count));
  }
  fillRatios(series, months.length);

  const queueByReason: { code: string; count: number }[] = [];
  let open = 0;
  let overdue = 0;
  for (const r of queue) {
    if (r.code === null) {
      open = n(r.open);
      overdue = n(r.overdue);
    } else queueByReason.push({ code: r.code, count: n(r.open) });
  }
  queueByReason.sort((a, b) => a.code.localeCompare(b.code));

  const yh = new Map(yearHouseholds.map((r) => [n(r.year), r]));
  const yp = new Map(yearPersons.map((r) => [n(r.year), n(r.persons)]));
  const ypaid = new Map(yearHouseholds.map((r) => [n(r.year), n(r.paid)]));
  const pop = new Map(population.map((r) => [n(r.year), n(r.residents)]));
  const yearFigures: YearFigures[] = years.map((year) => {
    const h = yh.get(year);
    const residents = pop.get(year) ?? null;
    const personsWithAssistance = yp.get(year) ?? 0;
    const householdsWithAssistance = n(h?.households);
    const longTermHouseholds = n(h?.longterm);
    const paidOre = ypaid.get(year) ?? 0;
    return {
      year,
      population: residents,
      householdsWithAssistance,
      personsWithAssistance,
      longTermHouseholds,
      paidOre,
      keyFigures: {
        residentsWithAssistancePercent:
          residents === null ? null : round((100 * personsWithAssistance) / residents, 2),
        longTermHouseholdsPercent:
          householdsWithAssistance === 0
            ? null
            : round((100 * longTermHouseholds) / householdsWithAssistance, 2),
        paidOrePerResident: residents === null ? null : Math.round(paidOre / residents),
      },
    };
  });

  return {
    kommunkod: municipality.code,
    municipalityName: municipality.name,
    from,
    to,
    months,
    series: METRICS.map((m) => ({
      key: m.key,
      label: m.label,
      unit: m.unit,
      values: series.get(m.key) ?? [],
    })),
    decisionsByDelegation: [...byDelegation.values()].sort(
      (a, b) => a.decidedByKind.localeCompare(b.decidedByKind) || a.reference.localeCompare(b.reference),
    ),
    decisionsByEmployer: [...byEmployer]
      .map(([employerCode, values]) => ({ employerCode, values }))
      .sort((a, b) => a.employerCode.localeCompare(b.employerCode)),
    manualByReason: [...manualByReason]
      .map(([code, values]) => ({ code, values }))
      .sort((a, b) => a.code.localeCompare(b.code)),
    years: yearFigures,
    manualQueueNow: { open, overdue, byReason: queueByReason },
  };
}

export const round = (value: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};

/** Ratio series from their (already filled) parts; null where the denominator is 0. */
export function fillRatios(series: Map<string, (number | null)[]>, length: number): void {
  for (const m of METRICS) {
    if (typeof m.total !== 'object') continue;
    const [num, den] = m.total.ratioOf;
    const a = series.get(num);
    const b = series.get(den);
    series.set(
      m.key,
      Array.from({ length }, (_, i) => {
        const d = b?.[i] ?? 0;
        return d === 0 ? null : round((a?.[i] ?? 0) / d, 4);
      }),
    );
  }
}
