/**
 * pnpm bench:followup (statistics half) — the cost of a municipality's statistics.
 *
 * A throwaway tenant schema on a scratch database gets five years (2021-01 … 2025-12) of case
 * data for BENCH_HOUSEHOLDS households (default 5 000), generated in SQL with generate_series:
 * ~80 % of households apply each month, every application is decided (robot or delegate) and
 * approvals are paid; plans, first meetings, exits, sample draws and checks come along.
 * Then, as the application role:
 *
 *  (a) baseline: a plain `SELECT count(*)` over the same decision and application rows
 *  (b) computeTenantStatistics for the 60 months (every series, breakdown and yearly figure)
 *
 * each run BENCH_RUNS times (after one uncounted warm-up), median and min printed with the
 * ratio (b) / (a). Read the ratio, not the absolute milliseconds.
 */
import { computeTenantStatistics } from '@samverkan/core';
import { createDb, migrateAll, provisionTenant, withAdminClient } from '@samverkan/db';
import { sql } from 'kysely';
import {
  createScratchDb,
  fmt,
  header,
  median,
  msSince,
  now,
  printTable,
  ratio,
  runBenchmark,
  syntheticMunicipalityCodes,
} from './lib.ts';

const HOUSEHOLDS = Number(process.env.BENCH_HOUSEHOLDS ?? 5000);
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const FROM = '2021-01';
const TO = '2025-12';

/** Rows for one tenant schema, all in SQL. `s` is a validated schema name. */
function generate(s: string, households: number): string[] {
  return [
    // Citizens: 12-digit personnummer-shaped keys (statistics never parse them).
    `INSERT INTO ${s}.citizens (personnummer, given_name, family_name, created_at)
     SELECT '19' || lpad((60 + h % 40)::text, 2, '0') || lpad((1 + h % 12)::text, 2, '0')
                 || lpad((1 + h % 28)::text, 2, '0') || lpad(h::text, 4, '0'),
            'Person', 'Nr ' || h, '2020-12-01'
       FROM generate_series(1, ${households}) h`,
    `CREATE TEMP TABLE hh AS
       SELECT row_number() OVER (ORDER BY personnummer) AS h, person_id, personnummer FROM ${s}.citizens`,
    `CREATE TEMP TABLE months AS
       SELECT m, to_char(date '2021-01-01' + (m || ' month')::interval, 'YYYY-MM') AS month,
              (date '2021-01-01' + (m || ' month')::interval)::date AS first_day
         FROM generate_series(0, 59) m`,
    // ~80 % of households apply in a month; one in ten goes to a human first.
    `INSERT INTO ${s}.applications (case_number, person_id, month, channel, status, household_key, form,
        submitted_at, due_at, processing, manual_reasons, created_at, updated_at)
     SELECT 'EB-BENCH-' || months.m || '-' || hh.h, hh.person_id, months.month,
            CASE WHEN hh.h % 5 < 4 THEN 'digital' ELSE 'paper' END, 'completed', hh.personnummer,
            jsonb_build_object('month', months.month, 'household', jsonb_build_object('partner', NULL,
              'children', CASE WHEN hh.h % 4 = 0 THEN '[{"givenName":"A","birthDate":"2015-01-01"}]'::jsonb ELSE '[]'::jsonb END)),
            months.first_day + (hh.h % 20) * interval '1 day' + interval '9 hours',
            NULL, 'decided',
            CASE WHEN hh.h % 10 = 0 THEN '[{"code":"other_items","text":"Övriga poster"}]'::jsonb ELSE '[]'::jsonb END,
            months.first_day, months.first_day
       FROM hh CROSS JOIN months WHERE (hh.h + months.m) % 5 <> 0`,
    `INSERT INTO ${s}.decisions (application_id, outcome, amount_ore, month, reasons, legal_basis, decided_by_kind,
        decided_by, decided_by_name, decided_by_employer, delegation_rule_id, delegation_reference, committee_name,
        letter, decided_at)
     SELECT a.application_id,
            CASE WHEN right(a.case_number, 2)::int % 13 = 0 THEN 'rejected' ELSE 'approved' END,
            CASE WHEN right(a.case_number, 2)::int % 13 = 0 THEN 0 ELSE 500000 + (right(a.case_number, 2)::int * 1000) END,
            a.month, '[]', '12 kap. 1 § SoL',
            CASE WHEN right(a.case_number, 1)::int % 3 <> 0 THEN 'robot' ELSE 'person' END,
            CASE WHEN right(a.case_number, 1)::int % 3 <> 0 THEN 'robot' ELSE 'handlaggare' END, 'Beslutsfattare',
            CASE WHEN right(a.case_number, 1)::int % 3 <> 0 THEN NULL ELSE '1287' END,
            gen_random_uuid(), CASE WHEN right(a.case_number, 1)::int % 3 <> 0 THEN '4.1.1' ELSE '4.1.3' END,
            'Socialnämnden', '{}', a.submitted_at + (1 + right(a.case_number, 2)::int % 48) * interval '1 hour'
       FROM ${s}.applications a`,
    `INSERT INTO ${s}.payments (decision_id, application_id, amount_ore, payee_name, payee_account, payment_date, status)
     SELECT d.decision_id, d.application_id, d.amount_ore, 'Mottagare', '{"kind":"bankgiro","number":"1234567"}',
            (d.month || '-25')::date, 'in_file'
       FROM ${s}.decisions d WHERE d.amount_ore > 0`,
    `INSERT INTO ${s}.labour_assessments (person_id, available_for_work, reason, plan_from, plan_to, track, recorded_by, recorded_at)
     SELECT person_id, h % 7 <> 0, CASE WHEN h % 7 = 0 THEN 'Sjukskriven' END, '2021-01-01', '2025-12-31',
            'Lager', 'ask', '2021-01-05' FROM hh`,
    `INSERT INTO ${s}.intake_slots (starts_at, ends_at, place, location_name, officer_username, booked_person_id, booked_at)
     SELECT timestamptz '2021-01-04 09:00+01' + (h % 1000) * interval '1 day',
            timestamptz '2021-01-04 09:45+01' + (h % 1000) * interval '1 day',
            'tenant_office', 'Kommunhuset', 'ask', person_id, '2021-01-02' FROM hh`,
    `INSERT INTO ${s}.assistance_exits (person_id, exit_month, reason, recorded_by)
     SELECT hh.person_id, months.month, (ARRAY['work','studies','other_income','moved','other'])[1 + hh.h % 5], 'ask'
       FROM hh JOIN months ON months.m = hh.h % 60 WHERE hh.h % 5 = 0`,
    `INSERT INTO ${s}.sample_draws (draw_month, population, blind_population, sample_rate, blind_rate,
        documents_drawn, blind_drawn, drawn_by)
     SELECT month, 0, 0, 0.100, 0.020, 0, 0, 'bench' FROM months`,
    `INSERT INTO ${s}.sample_checks (application_id, kind, draw_month, status, outcome, recorded_by, recorded_at)
     SELECT application_id, 'documents', month, 'completed',
            (ARRAY['no_deviation','deviation','not_submitted'])[1 + right(case_number, 1)::int % 3], 'bench', now()
       FROM ${s}.applications WHERE right(case_number, 2)::int % 10 = 0`,
    `INSERT INTO ${s}.population_years (year, residents, set_by) SELECT y, 21000, 'bench' FROM generate_series(2021, 2025) y`,
    'DROP TABLE hh',
    'DROP TABLE months',
  ];
}

await runBenchmark(async (cleanup) => {
  console.log(
    `samverkan bench:followup (statistics) — ${new Date().toISOString()} — node ${process.version}`,
  );
  header(
    `setup: one tenant schema, ${HOUSEHOLDS} households × 60 months (${FROM} … ${TO}) via generate_series`,
  );
  const scratch = await createScratchDb('stats');
  await migrateAll(scratch.adminUrl);
  const [code] = syntheticMunicipalityCodes(1);
  const schema = `kommun_${code}`;
  const started = now();
  const counts = await withAdminClient(scratch.adminUrl, async (c) => {
    await provisionTenant(c, {
      code: code as string,
      name: `Benchkommun ${code}`,
      committeeName: 'Socialnämnden',
    });
    for (const statement of generate(schema, HOUSEHOLDS)) await c.query(statement);
    await c.query(`VACUUM ANALYZE`);
    const r = await c.query<Record<string, number>>(
      `SELECT (SELECT count(*) FROM ${schema}.applications) applications, (SELECT count(*) FROM ${schema}.decisions) decisions,
              (SELECT count(*) FROM ${schema}.payments) payments, (SELECT count(*) FROM ${schema}.sample_checks) sample_checks`,
    );
    return r.rows[0] as Record<string, number>;
  });
  console.log(
    `  generated in ${fmt(msSince(started) / 1000, 1)} s: ${counts.applications} applications, ${counts.decisions} decisions, ` +
      `${counts.payments} payments, ${counts.sample_checks} sample checks`,
  );

  const db = createDb({ connectionString: scratch.appUrl, maxConnections: 20, statementTimeoutMs: 300_000 });
  cleanup(() => db.destroy());
  const municipality = { code: code as string, name: `Benchkommun ${code}`, schema };
  const nowDate = new Date('2026-01-15T12:00:00Z');

  const measure = async (fn: () => Promise<unknown>) => {
    await fn(); // warm-up: plans, caches
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const start = now();
      await fn();
      times.push(msSince(start));
    }
    return times;
  };
  const baseline = await measure(() =>
    sql`SELECT (SELECT count(*) FROM ${sql.table(`${schema}.decisions`)}) + (SELECT count(*) FROM ${sql.table(`${schema}.applications`)})`.execute(
      db,
    ),
  );
  let last: Awaited<ReturnType<typeof computeTenantStatistics>> | undefined;
  const statistics = await measure(async () => {
    last = await computeTenantStatistics(db, municipality, { from: FROM, to: TO }, nowDate);
  });

  header(`(a) baseline vs (b) statistics — ${RUNS} runs each after one warm-up, as the application role`);
  printTable([
    ['query', 'median ms', 'min ms', 'runs'],
    [
      '(a) SELECT count(*) over decisions + applications',
      fmt(median(baseline)),
      fmt(Math.min(...baseline)),
      String(RUNS),
    ],
    [
      `(b) computeTenantStatistics ${FROM} … ${TO}`,
      fmt(median(statistics)),
      fmt(Math.min(...statistics)),
      String(RUNS),
    ],
  ]);
  console.log(
    `  statistics / count(*) baseline (medians): ${fmt(ratio(median(statistics), median(baseline)), 1)}×`,
  );
  const decided = last?.series
    .find((s) => s.key === 'decisions.total')
    ?.values.reduce<number>((s, v) => s + (v ?? 0), 0);
  console.log(
    `  sanity: decisions counted by the statistics = ${decided} (generated ${counts.decisions}); ` +
      `${last?.series.length} series × ${last?.months.length} months, ${last?.years.length} years`,
  );
  if (decided !== Number(counts.decisions))
    throw new Error('statistics do not count every generated decision');
  console.log('\nscratch databases dropped at exit.');
});
