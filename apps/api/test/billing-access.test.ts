import {
  INVOICE_RUN_PATTERNS,
  issueInvoice,
  listInvoiceSchedules,
  robotCtx,
  runInvoice,
  tenantRef,
} from '@samverkan/core';
import { provisionTenant } from '@samverkan/db';
import { ensurePeppolSef } from '@samverkan/documents/peppol-validation';
import { jobIdFor } from '@samverkan/jobs';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, expectValidPeppol, HOST, termsWith } from './billing-helpers.ts';
import { provisionVellinge, useTestApp } from './helpers.ts';

/**
 * Who may do what with invoices, concurrency of runs and issuing, the scheduled run (robot)
 * and bad input. Vellinge (1233) and Skurup (1264) get agreements with Trelleborg of their own,
 * so Svedala has another tenant's invoices to try to reach.
 */
const NOW = new Date('2026-12-10T09:00:00Z');
const t = useTestApp({ now: () => NOW });
const SVEDALA_FINANCE = 'ekonomi.svedala';
const ids: {
  vellingeInvoice?: string;
  svedalaInvoice?: string;
  skurupAgreement?: string;
  svedalaAgreement?: string;
} = {};
const problemOf = (res: { statusCode: number; json(): { code: string } }) => [
  res.statusCode,
  res.json().code,
];

async function agreementWith(code: string, terms: Record<string, unknown>) {
  return t.admin(async (c) => {
    const r = await c.query(
      `INSERT INTO platform.agreements (title, host_code, tenant_code, scopes, valid_from, billing_terms)
       VALUES ('Avtalssamverkan', '1287', $1, ARRAY['assistance','labour_market'], '2026-01-01', $2) RETURNING agreement_id`,
      [code, JSON.stringify(terms)],
    );
    return r.rows[0].agreement_id as string;
  });
}

beforeAll(async () => {
  await ensurePeppolSef();
  await provisionVellinge(t);
  await t.admin((c) =>
    provisionTenant(c, {
      code: '1264',
      name: 'Skurups kommun',
      committeeName: 'Socialnämnden i Skurups kommun',
    }),
  );
  await agreementWith('1233', termsWith({ buyerReference: 'Vellinge IFO' }));
  ids.skurupAgreement = await agreementWith(
    '1264',
    termsWith({ invoicePeriod: 'quarterly', fixedYearlyOre: 120_000_000, buyerReference: 'Skurup 4410' }),
  );
  // A finance officer employed by Svedala: may read Svedala's invoices, never bill it.
  await t.admin((c) =>
    c.query(
      `INSERT INTO platform.staff (username, display_name, employer_code, roles) VALUES ($1, 'Eva Ekonom', '1263', ARRAY['finance'])`,
      [SVEDALA_FINANCE],
    ),
  );
  expect((await call(t, HOST, 'PUT', '/1287/billing/profile', { bankgiro: '5050-1055' })).statusCode).toBe(
    200,
  );
  for (const [code, org] of [
    ['1263', '2120001207'],
    ['1233', '2120001231'],
    ['1264', '2120001264'],
  ]) {
    const res = await call(t, HOST, 'PUT', `/${code}/billing/profile`, { organisationNumber: org });
    expect(res.statusCode, res.body).toBe(200);
  }
  const v = await call(t, HOST, 'POST', '/1233/billing/invoice-runs', { period: '2026-01' });
  ids.vellingeInvoice = v.json().invoice.invoiceId;
  expect(
    (await call(t, HOST, 'POST', `/1233/billing/invoices/${ids.vellingeInvoice}/issue`)).statusCode,
  ).toBe(200);
  const s = await call(t, HOST, 'POST', '/1263/billing/invoice-runs', { period: '2026-01' });
  ids.svedalaInvoice = s.json().invoice.invoiceId;
  ids.svedalaAgreement = s.json().invoice.agreementId;
  expect((await call(t, HOST, 'POST', `/1263/billing/invoices/${ids.svedalaInvoice}/issue`)).statusCode).toBe(
    200,
  );
}, 300_000);

describe('one tenant never reaches another tenant invoices', () => {
  it('Svedala cannot open, download or list an invoice to Vellinge', async () => {
    for (const user of ['uppfoljare.svedala', SVEDALA_FINANCE]) {
      for (const suffix of ['', '/invoice.pdf', '/invoice.xml']) {
        const res = await call(t, user, 'GET', `/1263/billing/invoices/${ids.vellingeInvoice}${suffix}`);
        expect(problemOf(res), `${user} ${suffix}`).toEqual([404, 'not_found']);
      }
      const other = await call(t, user, 'GET', '/1233/billing/invoices');
      expect(problemOf(other)).toEqual([403, 'forbidden']);
      const list = await call(t, user, 'GET', '/1263/billing/invoices');
      expect(list.statusCode).toBe(200);
      expect(list.json().items.map((i: { invoiceId: string }) => i.invoiceId)).toEqual([ids.svedalaInvoice]);
    }
    // Even the host's finance staff reach Vellinge's invoice only under Vellinge.
    expect((await call(t, HOST, 'GET', `/1263/billing/invoices/${ids.vellingeInvoice}`)).statusCode).toBe(
      404,
    );
    expect((await call(t, HOST, 'GET', `/1233/billing/invoices/${ids.vellingeInvoice}`)).statusCode).toBe(
      200,
    );
  });

  it("Svedala's own staff may read but never bill, even with the finance role", async () => {
    const tries: [string, 'POST' | 'PUT', string, unknown][] = [
      [SVEDALA_FINANCE, 'POST', '/1263/billing/invoice-runs', { period: '2026-02' }],
      [
        SVEDALA_FINANCE,
        'POST',
        `/1263/billing/invoices/${ids.svedalaInvoice}/credit-notes`,
        { reason: 'Vill inte betala' },
      ],
      [SVEDALA_FINANCE, 'PUT', '/1263/billing/terms', termsWith({ fixedYearlyOre: 1 })],
      [
        SVEDALA_FINANCE,
        'POST',
        '/1263/billing/variable-costs',
        { date: '2026-03-01', category: 'other', amountOre: 1 },
      ],
    ];
    for (const [user, method, url, body] of tries) {
      const res = await call(t, user, method, url, body);
      expect(problemOf(res), url).toEqual([403, 'forbidden']);
    }
    const refused = await t.admin(
      async (c) =>
        (
          await c.query(
            `SELECT count(*)::int n FROM kommun_1263.audit_log WHERE actor_id = $1 AND outcome = 'refused' AND detail->>'reason' = 'not_host'`,
            [SVEDALA_FINANCE],
          )
        ).rows[0].n,
    );
    expect(refused).toBe(4);
    // The follow-up officer has no billing.write at all; a caseworker has no billing rights.
    expect(problemOf(await call(t, 'uppfoljare.svedala', 'POST', '/1263/billing/invoice-runs', {}))).toEqual([
      403,
      'forbidden',
    ]);
    expect(problemOf(await call(t, 'handlaggare.trelleborg', 'GET', '/1263/billing/invoices'))).toEqual([
      403,
      'forbidden',
    ]);
    // The terms as agreed are unchanged.
    const terms = await call(t, SVEDALA_FINANCE, 'GET', '/1263/billing/terms');
    expect(terms.json().terms.fixedYearlyOre).toBe(399_250_000);
  });
});

describe('concurrency', () => {
  it('concurrent issuing never skips or repeats a number', async () => {
    const drafts: string[] = [];
    for (const period of ['2026-02', '2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08']) {
      const res = await call(t, HOST, 'POST', '/1233/billing/invoice-runs', { period });
      drafts.push(res.json().invoice.invoiceId);
    }
    for (const period of ['2026-02', '2026-03', '2026-04']) {
      drafts.push(
        (await call(t, HOST, 'POST', '/1263/billing/invoice-runs', { period })).json().invoice.invoiceId,
      );
    }
    // Ten drafts for two buyers, issued at once, each twice: ten succeed, ten are told it is done.
    const results = await Promise.all(
      [...drafts, ...drafts].map((id, i) =>
        call(t, HOST, 'POST', `/${i % drafts.length < 7 ? '1233' : '1263'}/billing/invoices/${id}/issue`),
      ),
    );
    const ok = results.filter((r) => r.statusCode === 200);
    expect(ok).toHaveLength(10);
    expect(results.filter((r) => r.statusCode === 409)).toHaveLength(10);
    // The two invoices issued in setup are 1 and 2; these take exactly 3…12, each once.
    const numbers = ok.map((r) => r.json().number as string).sort();
    expect(numbers).toEqual(Array.from({ length: 10 }, (_, i) => `2026-${String(i + 3).padStart(6, '0')}`));
    const series = await t.admin(
      async (c) =>
        (await c.query(`SELECT last_number FROM platform.invoice_number_series WHERE issuer_code = '1287'`))
          .rows,
    );
    expect(series).toEqual([{ last_number: 12 }]);
  });

  it('concurrent runs of one period make one invoice', async () => {
    const runs = await Promise.all(
      Array.from({ length: 6 }, () =>
        call(t, HOST, 'POST', '/1233/billing/invoice-runs', { period: '2026-09' }),
      ),
    );
    expect(runs.map((r) => r.statusCode)).toEqual(Array(6).fill(200));
    expect(new Set(runs.map((r) => r.json().invoice.invoiceId)).size).toBe(1);
    expect(runs.filter((r) => r.json().outcome === 'created')).toHaveLength(1);
    const n = await t.admin(
      async (c) =>
        (
          await c.query(
            `SELECT count(*)::int n FROM platform.invoices WHERE buyer_code = '1233' AND period_label = '2026-09'`,
          )
        ).rows[0].n,
    );
    expect(n).toBe(1);
  });
});

describe('the scheduled invoice run (invoice.run)', () => {
  const deps = () => ({
    db: t.db,
    registers: t.registers,
    log: { info() {}, warn() {}, error() {} },
    now: () => NOW,
  });

  it('lists one schedule per active agreement, by invoice period', async () => {
    const entries = await listInvoiceSchedules(t.db, NOW);
    expect(entries).toEqual(
      expect.arrayContaining([
        {
          jobName: 'invoice.run',
          pattern: INVOICE_RUN_PATTERNS.monthly,
          payload: { municipalityCode: '1263', agreementId: ids.svedalaAgreement },
        },
        {
          jobName: 'invoice.run',
          pattern: '0 5 1 1,4,7,10 *',
          payload: { municipalityCode: '1264', agreementId: ids.skurupAgreement },
        },
      ]),
    );
    expect(entries).toHaveLength(3);
    expect(
      jobIdFor('invoice.run', {
        municipalityCode: '1263',
        agreementId: ids.svedalaAgreement as string,
        period: '2026-11',
      }),
    ).toBe(`invoice.run_1263_${ids.svedalaAgreement}_2026-11`);
  });

  it('the job bills the previous quarter, is idempotent, and may not issue', async () => {
    const ctx = robotCtx(deps(), await tenantRef(t.db, '1264'), 'job-1');
    const first = await runInvoice(ctx, { agreementId: ids.skurupAgreement as string });
    expect(first.outcome).toBe('created');
    expect(first.invoice).toMatchObject({
      periodLabel: '2026-Q3',
      periodStart: '2026-07-01',
      periodEnd: '2026-09-30',
    });
    // 1 200 000 kr/year: exactly 100 000 kr a month, three months.
    expect(first.invoice.totalOre).toBe(30_000_000);
    const again = await runInvoice(ctx, { agreementId: ids.skurupAgreement as string });
    expect(again).toMatchObject({ outcome: 'refreshed', invoice: { invoiceId: first.invoice.invoiceId } });
    await expect(issueInvoice(ctx, first.invoice.invoiceId)).rejects.toMatchObject({ code: 'forbidden' });
    // Another tenant's agreement id in a Skurup job is not found.
    await expect(runInvoice(ctx, { agreementId: ids.svedalaAgreement as string })).rejects.toMatchObject({
      code: 'not_found',
    });
    const issued = await call(t, HOST, 'POST', `/1264/billing/invoices/${first.invoice.invoiceId}/issue`);
    expect(issued.statusCode, issued.body).toBe(200);
    const xml = (await call(t, HOST, 'GET', `/1264/billing/invoices/${first.invoice.invoiceId}/invoice.xml`))
      .body;
    await expectValidPeppol(xml);
    expect(xml).toContain('<cbc:StartDate>2026-07-01</cbc:StartDate>');
  });
});

describe('bad input is a 4xx problem, nothing half-written', () => {
  it('refuses wrong periods, ids and bodies', async () => {
    expect(
      problemOf(await call(t, HOST, 'POST', '/1263/billing/invoice-runs', { period: '2026-Q1' })),
    ).toEqual([400, 'validation_failed']);
    expect(
      problemOf(await call(t, HOST, 'POST', '/1263/billing/invoice-runs', { period: '2026-12' })),
    ).toEqual([409, 'invalid_state']);
    expect(
      problemOf(await call(t, HOST, 'POST', '/1263/billing/invoice-runs', { period: '2026-13' })),
    ).toEqual([400, 'validation_failed']);
    expect(
      problemOf(await call(t, HOST, 'POST', '/1263/billing/invoice-runs', { period: '2026-05', x: 1 })),
    ).toEqual([400, 'validation_failed']);
    expect(problemOf(await call(t, HOST, 'GET', '/1263/billing/invoices/not-a-uuid'))).toEqual([
      400,
      'validation_failed',
    ]);
    expect(
      problemOf(
        await call(t, HOST, 'POST', '/1263/billing/invoices/00000000-0000-4000-8000-000000000000/issue'),
      ),
    ).toEqual([404, 'not_found']);
    const terms = await call(t, HOST, 'PUT', '/1263/billing/terms', termsWith({ vatCategory: 'S' }));
    expect(problemOf(terms)).toEqual([400, 'validation_failed']);
    expect(terms.json().errors).toEqual([
      { pointer: '/body/vatRatePercent', detail: 'momssats krävs för S' },
    ]);
    const draft = (await call(t, HOST, 'POST', '/1263/billing/invoice-runs', { period: '2026-10' })).json()
      .invoice;
    expect(
      problemOf(
        await call(t, HOST, 'POST', `/1263/billing/invoices/${draft.invoiceId}/credit-notes`, {
          reason: 'x',
        }),
      ),
    ).toEqual([409, 'invalid_state']);
    expect(
      problemOf(await call(t, HOST, 'GET', `/1263/billing/invoices/${draft.invoiceId}/invoice.pdf`)),
    ).toEqual([409, 'invalid_state']);
    const credits = await t.admin(
      async (c) =>
        (await c.query(`SELECT count(*)::int n FROM platform.invoices WHERE kind = 'credit_note'`)).rows[0].n,
    );
    expect(credits).toBe(0);
  });
});
