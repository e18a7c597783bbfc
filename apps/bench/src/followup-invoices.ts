/**
 * pnpm bench:followup (second half) — the monthly invoice run for 290 agreements.
 *
 *  One host (Trelleborg) with 290 tenants under agreement (Svedala + 289 synthetic municipalities),
 *  each with the seed's terms (3 992 500 kr/year, monthly, host pays assistance and re-invoices it),
 *  two variable costs and two paid assistance payments. Measured, each over all 290 agreements:
 *
 *  (a) run: create the November 2026 draft (reads terms, unbilled costs, the tenant's payments)
 *  (b) issue: number from the gap-free series (one locked counter row), UBL built and frozen
 *  (c) re-run of the issued period (idempotent: returns the existing invoice)
 *  (d) run + issue of October with 8 agreements in parallel (the counter row serialises issuing)
 *
 *  Baselines in the same run: a bare INSERT of 290 rows one by one, the same as one statement,
 *  and SELECT count(*) over the 290 invoices. Read the ratios, not the absolutes.
 */
import { type Ctx, issueInvoice, runInvoice, seedDemo, type TenantRef } from '@samverkan/core';
import {
  createDb,
  loadMigrationSet,
  migrateAll,
  migrateSchema,
  type RootDb,
  schemaNameFor,
  withAdminClient,
} from '@samverkan/db';
import { luhnCheckDigit } from '@samverkan/domain';
import { sql } from 'kysely';
import {
  createScratchDb,
  fmt,
  header,
  msSince,
  now,
  printTable,
  ratio,
  runBenchmark,
  syntheticMunicipalityCodes,
} from './lib.ts';

const AGREEMENTS = Number(process.env.BENCH_INVOICE_AGREEMENTS ?? 290);
const PARALLEL = Number(process.env.BENCH_INVOICE_PARALLEL ?? 8);
const NOW = new Date('2026-12-10T08:00:00Z');
const silent = { info() {}, warn() {}, error() {} };

const orgNumberFor = (code: string) => `21200${code}${luhnCheckDigit(`21200${code}`)}`;

interface Target {
  agreementId: string;
  tenant: TenantRef;
}

async function setUp(adminUrl: string): Promise<void> {
  await migrateAll(adminUrl);
  await seedDemo(adminUrl);
  const codes = syntheticMunicipalityCodes(AGREEMENTS - 1);
  await withAdminClient(adminUrl, async (c) => {
    await c.query(
      `INSERT INTO platform.municipalities (municipality_code, name, schema_name, committee_name, postal_address)
       SELECT c, 'Benchkommun ' || c, 'kommun_' || c, 'Socialnämnden i ' || c, 'Kommunhuset, 123 45 Benchstad'
       FROM unnest($1::text[]) AS c`,
      [codes],
    );
  });
  // The 289 tenant schemas, migrated over four connections (migrateAll does one after another).
  const set = loadMigrationSet();
  const chunks = Array.from({ length: 4 }, (_, i) => codes.filter((_, j) => j % 4 === i));
  await Promise.all(
    chunks.map((chunk) =>
      withAdminClient(adminUrl, async (c) => {
        for (const code of chunk) {
          await c.query('BEGIN');
          await migrateSchema(c, schemaNameFor(code), set.tenant);
          await c.query('COMMIT');
        }
      }),
    ),
  );
  await withAdminClient(adminUrl, async (c) => {
    const all = ['1263', ...codes];
    await c.query(
      `UPDATE platform.municipalities m SET organisation_number = o.org
       FROM unnest($1::text[], $2::text[]) AS o(code, org) WHERE m.municipality_code = o.code`,
      [all, all.map(orgNumberFor)],
    );
    await c.query(
      `INSERT INTO platform.billing_profiles (municipality_code, street, postal_zone, city, bankgiro, updated_by)
       VALUES ('1287', 'Algatan 13', '23183', 'Trelleborg', '50501055', 'bench')`,
    );
    const terms = (await c.query(`SELECT billing_terms FROM platform.agreements WHERE tenant_code = '1263'`))
      .rows[0].billing_terms as Record<string, unknown>;
    const reinvoiced = JSON.stringify({ ...terms, assistancePayout: 'host_reinvoiced' });
    await c.query(`UPDATE platform.agreements SET billing_terms = $1 WHERE tenant_code = '1263'`, [
      reinvoiced,
    ]);
    await c.query(
      `INSERT INTO platform.agreements (title, host_code, tenant_code, scopes, valid_from, billing_terms)
       SELECT 'Benchavtal', '1287', c, ARRAY['assistance','labour_market'], '2025-01-01', $2::jsonb
       FROM unnest($1::text[]) AS c`,
      [codes, reinvoiced],
    );
    await c.query(
      `INSERT INTO platform.variable_costs (agreement_id, municipality_code, cost_date, category, amount_ore, registered_by)
       SELECT agreement_id, tenant_code, d, cat, amt, 'bench' FROM platform.agreements,
         (VALUES ('2026-10-12'::date, 'training', 1875000), ('2026-11-03'::date, 'bus_passes', 954000)) v(d, cat, amt)`,
    );
    // Two paid assistance payments per tenant (October and November), as case handling leaves them.
    for (const code of all) {
      const s = `kommun_${code}`;
      await c.query(`
        WITH p AS (
          INSERT INTO ${s}.citizens (personnummer, given_name, family_name)
          VALUES ('19850101' || lpad('${code}', 4, '0'), 'Bench', 'Person') RETURNING person_id),
        a AS (
          INSERT INTO ${s}.applications (case_number, person_id, month, channel, status, household_key, form, submitted_at)
          SELECT 'B-' || m, person_id, m, 'digital', 'completed', 'hh-' || m, '{}', now()
          FROM p, unnest(ARRAY['2026-10','2026-11']) m RETURNING application_id, month),
        d AS (
          INSERT INTO ${s}.decisions (application_id, outcome, amount_ore, month, reasons, legal_basis, decided_by_kind,
            decided_by, decided_by_name, delegation_rule_id, delegation_reference, committee_name, letter)
          SELECT application_id, 'approved', 1122000, month, '[]', '12 kap. 1 § SoL', 'robot', 'robot', 'Beslutsrobot',
            gen_random_uuid(), '4.1.1', 'Socialnämnden', '{}' FROM a RETURNING decision_id, application_id, month)
        INSERT INTO ${s}.payments (decision_id, application_id, amount_ore, payee_name, payee_account, payment_date, status)
        SELECT decision_id, application_id, 1122000, 'Bench Person', '{"kind":"bankgiro","number":"1234567"}',
          (month || '-25')::date, 'in_file' FROM d`);
    }
  });
}

async function targets(db: RootDb): Promise<Target[]> {
  const { rows } = await sql<{
    agreementId: string;
    municipalityCode: string;
    schemaName: string;
    name: string;
    committeeName: string;
    organisationNumber: string | null;
    postalAddress: string | null;
  }>`SELECT a.agreement_id, m.municipality_code, m.schema_name, m.name, m.committee_name, m.organisation_number, m.postal_address
     FROM platform.agreements a JOIN platform.municipalities m ON m.municipality_code = a.tenant_code
     WHERE a.host_code = '1287' ORDER BY m.municipality_code`.execute(db);
  return rows.map((r) => ({
    agreementId: r.agreementId,
    tenant: {
      code: r.municipalityCode,
      schema: r.schemaName,
      name: r.name,
      committeeName: r.committeeName,
      organisationNumber: r.organisationNumber,
      postalAddress: r.postalAddress,
    },
  }));
}

/** Host finance acting for one tenant under its agreement — what the API's guard builds. */
const ctxFor = (db: RootDb, t: Target): Ctx => ({
  db,
  tenant: t.tenant,
  actor: {
    kind: 'staff',
    username: 'ekonomi.trelleborg',
    displayName: 'Erik Ekonom',
    employerCode: '1287',
    roles: ['finance'],
  },
  access: { basis: 'agreement', agreementId: t.agreementId, hostCode: '1287' },
  requestId: `bench-${t.tenant.code}`,
  log: silent,
  now: () => NOW,
});

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const start = now();
  const result = await work();
  return { ms: msSince(start), result };
}

async function inParallel<T>(items: readonly T[], width: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const item = items[next++] as T;
        await work(item);
      }
    }),
  );
}

await runBenchmark(async (cleanup) => {
  header(`invoice runs for ${AGREEMENTS} agreements (one host, monthly, Peppol UBL on issue)`);
  const scratch = await createScratchDb('invoices');
  const setupStart = now();
  await setUp(scratch.adminUrl);
  console.log(`  set-up (schemas, agreements, costs, payments): ${fmt(msSince(setupStart) / 1000, 1)} s`);
  await withAdminClient(scratch.adminUrl, (c) =>
    c.query(`CREATE TABLE public.bench_rows (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
               agreement_id uuid NOT NULL, period text NOT NULL, total_ore bigint NOT NULL);
             GRANT SELECT, INSERT ON public.bench_rows TO samverkan_app`),
  );
  const db = createDb({
    connectionString: scratch.appUrl,
    maxConnections: PARALLEL,
    applicationName: 'bench-invoices',
  });
  cleanup(() => db.destroy());
  const list = await targets(db);
  if (list.length !== AGREEMENTS) throw new Error(`expected ${AGREEMENTS} agreements, found ${list.length}`);

  // Warm-up (plans, caches, the documents package), not counted: one run + issue of September.
  await issueInvoice(
    ctxFor(db, list[0] as Target),
    (await runInvoice(ctxFor(db, list[0] as Target), { period: '2026-09' })).invoice.invoiceId,
  );

  // Baselines.
  const bareInsert = await timed(async () => {
    for (const t of list) {
      await sql`INSERT INTO public.bench_rows (agreement_id, period, total_ore) VALUES (${t.agreementId}, '2026-11', 1)`.execute(
        db,
      );
    }
  });
  const bulkInsert = await timed(() =>
    sql`INSERT INTO public.bench_rows (agreement_id, period, total_ore)
        SELECT unnest(${list.map((t) => t.agreementId)}::uuid[]), '2026-12', 1`.execute(db),
  );

  const drafts: string[] = [];
  const run = await timed(async () => {
    for (const t of list)
      drafts.push((await runInvoice(ctxFor(db, t), { period: '2026-11' })).invoice.invoiceId);
  });
  const issue = await timed(async () => {
    for (const [i, t] of list.entries()) await issueInvoice(ctxFor(db, t), drafts[i] as string);
  });
  const rerun = await timed(async () => {
    for (const t of list) {
      const { outcome } = await runInvoice(ctxFor(db, t), { period: '2026-11' });
      if (outcome !== 'unchanged') throw new Error(`re-run changed an issued invoice (${outcome})`);
    }
  });
  const parallel = await timed(() =>
    inParallel(list, PARALLEL, async (t) => {
      const { invoice } = await runInvoice(ctxFor(db, t), { period: '2026-10' });
      await issueInvoice(ctxFor(db, t), invoice.invoiceId);
    }),
  );
  const count = await timed(() =>
    sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM platform.invoices WHERE period_label = '2026-11'`.execute(db),
  );

  // Sanity: every agreement billed once per period, numbers 1…N without a gap.
  const check = await sql<{ n: number; min: number; max: number; distinct: number; total: number }>`
    SELECT count(*)::int n, min(sequence_number) min, max(sequence_number) max,
           count(DISTINCT sequence_number)::int "distinct", sum(total_ore)::bigint total
    FROM platform.invoices WHERE issuer_code = '1287' AND status = 'issued'`.execute(db);
  const c = check.rows[0];
  const expectedIssued = 2 * AGREEMENTS + 1;
  if (
    !c ||
    c.n !== expectedIssued ||
    c.min !== 1 ||
    c.max !== expectedIssued ||
    c.distinct !== expectedIssued
  ) {
    throw new Error(`number series check failed: ${JSON.stringify(c)}`);
  }

  const base = bareInsert.ms;
  const row = (label: string, ms: number) => [
    label,
    fmt(ms),
    fmt(ms / AGREEMENTS, 2),
    `${fmt(ratio(ms, base), 2)}×`,
  ];
  printTable([
    ['step', 'total ms', 'ms / agreement', '× bare insert'],
    row(`baseline: bare INSERT of ${AGREEMENTS} rows, one by one`, bareInsert.ms),
    row(`baseline: INSERT of ${AGREEMENTS} rows, one statement`, bulkInsert.ms),
    row(`baseline: SELECT count(*) over the ${AGREEMENTS} invoices`, count.ms),
    row('(a) run: November drafts', run.ms),
    row('(b) issue: number + UBL, frozen', issue.ms),
    row('(a+b) run and issue, sequential', run.ms + issue.ms),
    row('(c) re-run of the issued month (idempotent)', rerun.ms),
    row(`(d) run and issue October, ${PARALLEL} in parallel`, parallel.ms),
  ]);
  console.log(
    `  ${c.n} invoices issued, numbers 1…${c.max} without a gap; billed ${fmt(Number(c.total) / 100 / 1e6, 1)} Mkr in total`,
  );
});
