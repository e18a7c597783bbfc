import { ensurePeppolSef } from '@samverkan/documents/peppol-validation';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, enrolled, expectValidPeppol, HOST, paidAssistance, termsWith } from './billing-helpers.ts';
import { useTestApp } from './helpers.ts';

/**
 * A year of monthly self-cost invoices from Trelleborg to Svedala (2026): the fixed part with a
 * 3.2 % salary revision from 1 July, variable costs at cost price, assistance paid by the host and
 * re-invoiced by the month it relates to, a full and a partial credit note, and the follow-up.
 * The clock moves to the 5th of each following month, when finance runs and issues the invoice.
 */
let clock = new Date('2026-02-05T07:00:00Z');
const t = useTestApp({ now: () => clock });
const at = (date: string) => {
  clock = new Date(`${date}T07:00:00Z`);
};
const SVEDALA = '/1263';
const issued: Record<string, { invoiceId: string; number: string; totalOre: number }> = {};
let familyNames: string[] = [];

async function runAndIssue(period: string) {
  const run = await call(t, HOST, 'POST', `${SVEDALA}/billing/invoice-runs`, { period });
  expect(run.statusCode, run.body).toBe(200);
  const draft = run.json().invoice;
  expect(draft.status).toBe('draft');
  expect(draft.number).toBeNull();
  const res = await call(t, HOST, 'POST', `${SVEDALA}/billing/invoices/${draft.invoiceId}/issue`);
  expect(res.statusCode, res.body).toBe(200);
  const invoice = res.json();
  issued[period] = { invoiceId: invoice.invoiceId, number: invoice.number, totalOre: invoice.totalOre };
  return invoice;
}

beforeAll(async () => {
  await ensurePeppolSef();
  // Trelleborg's invoicing details: the Bankgiro it is paid to and its postal address.
  const host = await call(t, HOST, 'PUT', '/1287/billing/profile', {
    bankgiro: '5050-1055',
    street: 'Algatan 13',
    postalZone: '231 83',
    city: 'Trelleborg',
  });
  expect(host.statusCode, host.body).toBe(200);
  const terms = await call(
    t,
    HOST,
    'PUT',
    `${SVEDALA}/billing/terms`,
    termsWith({ indexation: [{ from: '2026-07-01', percent: 3.2 }], assistancePayout: 'host_reinvoiced' }),
  );
  expect(terms.statusCode, terms.body).toBe(200);
  // Assistance the host paid out for Svedala (totals per month end up on the invoices).
  const people = [
    await paidAssistance(t, 'kommun_1263', {
      month: '2026-02',
      paymentDate: '2026-02-25',
      amountOre: 3_000_000,
    }),
    await paidAssistance(t, 'kommun_1263', {
      month: '2026-02',
      paymentDate: '2026-02-25',
      amountOre: 1_831_245,
    }),
    // Decided late: paid in March, relates to February → a catch-up line on the March invoice.
    await paidAssistance(t, 'kommun_1263', {
      month: '2026-02',
      paymentDate: '2026-03-10',
      amountOre: 250_000,
    }),
    await paidAssistance(t, 'kommun_1263', {
      month: '2026-03',
      paymentDate: '2026-03-25',
      amountOre: 5_102_017,
    }),
    // Not yet in a payment file: not billed.
    await paidAssistance(t, 'kommun_1263', {
      month: '2026-03',
      paymentDate: '2026-03-25',
      amountOre: 999_900,
      status: 'pending',
    }),
    // December's assistance paid in advance on 25 November → on December's invoice, not November's.
    await paidAssistance(t, 'kommun_1263', {
      month: '2026-12',
      paymentDate: '2026-11-25',
      amountOre: 777_700,
    }),
  ];
  familyNames = people.map((p) => p.familyName);
  await enrolled(t, 'kommun_1263', 235, '2026-01-01', '2026-12-31');
  // A cold compile of the rule stylesheets takes about a minute on a busy machine.
}, 300_000);

describe('a year of monthly invoices to Svedala', () => {
  it('refuses to issue while Svedala has no organisation number, and uses no number for it', async () => {
    const run = await call(t, HOST, 'POST', `${SVEDALA}/billing/invoice-runs`, { period: '2026-01' });
    expect(run.statusCode, run.body).toBe(200);
    expect(run.json().outcome).toBe('created');
    const res = await call(
      t,
      HOST,
      'POST',
      `${SVEDALA}/billing/invoices/${run.json().invoice.invoiceId}/issue`,
    );
    expect(res.statusCode).toBe(409);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(res.json().detail).toMatch(/Svedala kommun saknar organisationsnummer/);
    // A bad Luhn digit is refused; then a valid one is entered through the billing profile.
    const bad = await call(t, HOST, 'PUT', `${SVEDALA}/billing/profile`, {
      organisationNumber: '212000-1208',
    });
    expect(bad.statusCode).toBe(400);
    // 212000-1207: a made-up, Luhn-valid number (Svedala's is not confirmed; it is data).
    const ok = await call(t, HOST, 'PUT', `${SVEDALA}/billing/profile`, {
      organisationNumber: '212000-1207',
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().organisationNumber).toBe('2120001207');
  });

  it('registers variable costs at cost price', async () => {
    const costs = [
      { date: '2026-03-10', category: 'training', amountOre: 1_875_000, note: 'Truckkort, 5 deltagare' },
      {
        date: '2026-03-15',
        category: 'bus_passes',
        amountOre: 954_000,
        receiptReference: 'Skånetrafiken 88812',
      },
      { date: '2026-03-20', category: 'travel', amountOre: 94_988 },
      { date: '2026-08-05', category: 'fuel', amountOre: 123_450 },
    ];
    for (const c of costs) {
      const res = await call(t, HOST, 'POST', `${SVEDALA}/billing/variable-costs`, c);
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json()).toMatchObject({ category: c.category, amountOre: c.amountOre, invoiceId: null });
    }
    const bad = await call(t, HOST, 'POST', `${SVEDALA}/billing/variable-costs`, {
      date: '2026-03-10',
      category: 'champagne',
      amountOre: 100,
    });
    expect(bad.statusCode).toBe(400);
  });

  it('issues January–November in 2026 with the fixed part, indexation, costs and assistance', async () => {
    const jan = await runAndIssue('2026-01');
    // The failed attempt consumed no number: gap-free from 1.
    expect(jan.number).toBe('2026-000001');
    expect(jan.issueDate).toBe('2026-02-05');
    expect(jan.dueDate).toBe('2026-03-07'); // 30 days
    expect(jan.totalOre).toBe(33_270_833);

    at('2026-03-05');
    const feb = await runAndIssue('2026-02');
    // Fixed 33 270 833.33 → 33 270 834 (cumulative rounding) + February's assistance 30 000 + 18 312,45 kr.
    expect(
      feb.lines.map((l: { category: string; lineTotalOre: number }) => [l.category, l.lineTotalOre]),
    ).toEqual([
      ['fixed', 33_270_834],
      ['assistance', 4_831_245],
    ]);
    expect(feb.totalOre).toBe(38_102_079);

    at('2026-04-05');
    const mar = await runAndIssue('2026-03');
    expect(
      mar.lines.map((l: { description: string; lineTotalOre: number }) => [l.description, l.lineTotalOre]),
    ).toEqual([
      ['Fast ersättning enligt avtal, mars 2026 (3 992 500 kr/år)', 33_270_833],
      ['Rörliga kostnader till självkostnad: utbildning', 1_875_000],
      ['Rörliga kostnader till självkostnad: resor', 94_988],
      ['Rörliga kostnader till självkostnad: busskort', 954_000],
      ['Vidarefakturerat ekonomiskt bistånd avseende februari 2026', 250_000],
      ['Vidarefakturerat ekonomiskt bistånd avseende mars 2026', 5_102_017],
    ]);
    // 33 270 833 + 2 923 988 (costs, no markup) + 250 000 (Feb catch-up) + 5 102 017 (pending 9 999 kr excluded).
    expect(mar.totalOre).toBe(41_546_838);
    expect(mar.specification.map((s: { heading: string }) => s.heading)).toEqual([
      'Fast del',
      'Rörliga kostnader per kategori',
      'Vidarefakturerat ekonomiskt bistånd per månad',
    ]);

    // A cost dated in March but registered after March was issued goes on April's invoice.
    const late = await call(t, HOST, 'POST', `${SVEDALA}/billing/variable-costs`, {
      date: '2026-03-28',
      category: 'other',
      amountOre: 10_000,
    });
    expect(late.statusCode).toBe(201);

    const expected: Record<string, number> = {
      '2026-04': 33_270_833 + 10_000,
      '2026-05': 33_270_834,
      '2026-06': 33_270_833,
      // From July: 3 992 500 kr × 1.032 = 4 120 260 kr/year → 343 355 kr/month exactly.
      '2026-07': 34_335_500,
      '2026-08': 34_335_500 + 123_450,
      '2026-09': 34_335_500,
      '2026-10': 34_335_500,
      '2026-11': 34_335_500,
    };
    let n = 3;
    for (const [period, total] of Object.entries(expected)) {
      const [y, m] = period.split('-').map(Number) as [number, number];
      at(`${y}-${String(m + 1).padStart(2, '0')}-05`);
      const inv = await runAndIssue(period);
      n += 1;
      expect(inv.totalOre, period).toBe(total);
      expect(inv.number).toBe(`2026-${String(n).padStart(6, '0')}`);
    }
    expect(issued['2026-07']?.totalOre).toBe(34_335_500);
  });

  it('issues December in January 2027 with a new series year and the advance-paid assistance', async () => {
    at('2027-01-05');
    const dec = await runAndIssue('2026-12');
    expect(dec.number).toBe('2027-000001');
    expect(dec.totalOre).toBe(34_335_500 + 777_700);
    const fixedYear =
      Object.values(issued).reduce((s, i) => s + i.totalOre, 0) -
      (2_923_988 + 10_000 + 123_450) -
      (4_831_245 + 250_000 + 5_102_017 + 777_700);
    // The twelve fixed parts: 199 625 000 (Jan–Jun) + 6 × 34 335 500 = 405 638 000 öre = 4 056 380 kr.
    expect(fixedYear).toBe(405_638_000);
  });

  it('a re-run returns the same single invoice; an issued one is never changed', async () => {
    const again = await call(t, HOST, 'POST', `${SVEDALA}/billing/invoice-runs`, { period: '2026-05' });
    expect(again.json().outcome).toBe('unchanged');
    expect(again.json().invoice.invoiceId).toBe(issued['2026-05']?.invoiceId);
    const count = await t.admin(
      async (c) =>
        (
          await c.query(
            `SELECT count(*)::int n FROM platform.invoices WHERE period_label = '2026-05' AND buyer_code = '1263'`,
          )
        ).rows[0].n,
    );
    expect(count).toBe(1);
    // The database itself refuses to change an issued invoice, even for the owner.
    await expect(
      t.admin((c) =>
        c.query(`UPDATE platform.invoices SET total_ore = 1 WHERE invoice_id = $1`, [
          issued['2026-05']?.invoiceId,
        ]),
      ),
    ).rejects.toThrow(/immutable/);
    const reissue = await call(
      t,
      HOST,
      'POST',
      `${SVEDALA}/billing/invoices/${issued['2026-05']?.invoiceId}/issue`,
    );
    expect(reissue.statusCode).toBe(409);
  });

  it('every issued invoice is valid Peppol BIS 3 UBL with no personal data', async () => {
    for (const [period, inv] of Object.entries(issued)) {
      const res = await call(
        t,
        'uppfoljare.svedala',
        'GET',
        `${SVEDALA}/billing/invoices/${inv.invoiceId}/invoice.xml`,
      );
      expect(res.statusCode, period).toBe(200);
      const xml = res.body;
      await expectValidPeppol(xml);
      expect(xml).toContain('<cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>');
      expect(xml).toContain(`<cbc:ID>${inv.number}</cbc:ID>`);
      expect(xml).toContain('<cbc:EndpointID schemeID="0007">2120001199</cbc:EndpointID>');
      expect(xml).toContain('<cbc:EndpointID schemeID="0007">2120001207</cbc:EndpointID>');
      expect(xml).toContain('<cbc:BuyerReference>Svedala socialförvaltning</cbc:BuyerReference>');
      expect(xml).toContain('<cbc:ID>SE:BANKGIRO</cbc:ID>');
      expect(xml.match(/<cac:TaxTotal>/g)).toHaveLength(1);
      expect(xml).toContain('<cbc:ID>O</cbc:ID>');
      expect(xml).toContain(
        `<cbc:PayableAmount currencyID="SEK">${(inv.totalOre / 100).toFixed(2)}</cbc:PayableAmount>`,
      );
      expect(xml).not.toMatch(/1985\d{8}/);
      for (const name of familyNames) expect(xml).not.toContain(name);
    }
  });

  it('Svedala reads and downloads its invoices (PDF), but sees no drafts', async () => {
    const list = await call(t, 'uppfoljare.svedala', 'GET', `${SVEDALA}/billing/invoices?year=2026`);
    expect(list.statusCode).toBe(200);
    expect(list.json().items).toHaveLength(12);
    const pdf = await call(
      t,
      'uppfoljare.svedala',
      'GET',
      `${SVEDALA}/billing/invoices/${issued['2026-03']?.invoiceId}/invoice.pdf`,
    );
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    // The download is in Svedala's own audit log.
    const audited = await t.admin(
      async (c) =>
        (
          await c.query(
            `SELECT count(*)::int n FROM kommun_1263.audit_log WHERE action = 'billing.download_invoice' AND actor_id = 'uppfoljare.svedala'`,
          )
        ).rows[0].n,
    );
    expect(audited).toBeGreaterThanOrEqual(13);
  });
});

describe('credit notes', () => {
  it('credits part of August: own number from the same series, invoice stays issued', async () => {
    const aug = issued['2026-08'] as { invoiceId: string; number: string };
    const cn = await call(t, HOST, 'POST', `${SVEDALA}/billing/invoices/${aug.invoiceId}/credit-notes`, {
      reason: 'Drivmedel debiterat med för högt belopp',
      lines: [{ description: 'Drivmedel augusti', amountOre: 23_450 }],
    });
    expect(cn.statusCode, cn.body).toBe(201);
    expect(cn.json()).toMatchObject({
      kind: 'credit_note',
      status: 'draft',
      totalOre: 23_450,
      creditedInvoiceId: aug.invoiceId,
    });
    const res = await call(t, HOST, 'POST', `${SVEDALA}/billing/invoices/${cn.json().invoiceId}/issue`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().number).toBe('2027-000002');
    const xml = (await call(t, HOST, 'GET', `${SVEDALA}/billing/invoices/${cn.json().invoiceId}/invoice.xml`))
      .body;
    await expectValidPeppol(xml);
    expect(xml).toContain('<cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>');
    expect(xml).toMatch(new RegExp(`<cac:InvoiceDocumentReference>\\s*<cbc:ID>${aug.number}</cbc:ID>`));
    const after = await call(t, HOST, 'GET', `${SVEDALA}/billing/invoices/${aug.invoiceId}`);
    expect(after.json().status).toBe('issued');
    // More than what remains (34 458 950 − 23 450) is refused.
    const tooMuch = await call(t, HOST, 'POST', `${SVEDALA}/billing/invoices/${aug.invoiceId}/credit-notes`, {
      reason: 'För mycket',
      lines: [{ description: 'Allt', amountOre: 34_458_950 }],
    });
    expect(tooMuch.statusCode).toBe(400);
  });

  it('credits March in full; a new March invoice bills the same again under a new number', async () => {
    const mar = issued['2026-03'] as { invoiceId: string; number: string };
    const cn = await call(t, HOST, 'POST', `${SVEDALA}/billing/invoices/${mar.invoiceId}/credit-notes`, {
      reason: 'Fel referens hos köparen',
    });
    expect(cn.statusCode, cn.body).toBe(201);
    expect(cn.json().totalOre).toBe(41_546_838);
    const dup = await call(t, HOST, 'POST', `${SVEDALA}/billing/invoices/${mar.invoiceId}/credit-notes`, {
      reason: 'Igen',
    });
    expect(dup.statusCode).toBe(409);
    const res = await call(t, HOST, 'POST', `${SVEDALA}/billing/invoices/${cn.json().invoiceId}/issue`);
    expect(res.json().number).toBe('2027-000003');
    await expectValidPeppol(
      (await call(t, HOST, 'GET', `${SVEDALA}/billing/invoices/${cn.json().invoiceId}/invoice.xml`)).body,
    );
    expect((await call(t, HOST, 'GET', `${SVEDALA}/billing/invoices/${mar.invoiceId}`)).json().status).toBe(
      'credited',
    );

    // The credited period can be invoiced again: the costs and assistance it billed are released.
    const rerun = await call(t, HOST, 'POST', `${SVEDALA}/billing/invoice-runs`, { period: '2026-03' });
    expect(rerun.json().outcome).toBe('created');
    expect(rerun.json().invoice.invoiceId).not.toBe(mar.invoiceId);
    expect(rerun.json().invoice.totalOre).toBe(41_546_838);
    // A draft is the host's: Svedala neither lists nor opens it.
    const svedalaView = await call(
      t,
      'uppfoljare.svedala',
      'GET',
      `${SVEDALA}/billing/invoices/${rerun.json().invoice.invoiceId}`,
    );
    expect(svedalaView.statusCode).toBe(404);
    const reissued = await call(
      t,
      HOST,
      'POST',
      `${SVEDALA}/billing/invoices/${rerun.json().invoice.invoiceId}/issue`,
    );
    expect(reissued.json().number).toBe('2027-000004');
    await expectValidPeppol(
      (
        await call(
          t,
          HOST,
          'GET',
          `${SVEDALA}/billing/invoices/${rerun.json().invoice.invoiceId}/invoice.xml`,
        )
      ).body,
    );
    // Each variable cost is on exactly one live invoice.
    const costs = (await call(t, HOST, 'GET', `${SVEDALA}/billing/variable-costs`)).json().items;
    expect(
      costs.filter((c: { invoiceId: string }) => c.invoiceId === rerun.json().invoice.invoiceId),
    ).toHaveLength(3);
    expect(costs.every((c: { invoiceId: string | null }) => c.invoiceId !== null)).toBe(true);
  });

  it('the numbers of the issuer form an unbroken series per year', async () => {
    const numbers = await t.admin(async (c) =>
      (
        await c.query(
          `SELECT series_year, array_agg(sequence_number ORDER BY sequence_number) s FROM platform.invoices
           WHERE issuer_code = '1287' AND number IS NOT NULL GROUP BY series_year ORDER BY series_year`,
        )
      ).rows.map((r) => [r.series_year, r.s]),
    );
    expect(numbers).toEqual([
      [2026, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]],
      [2027, [1, 2, 3, 4]],
    ]);
  });
});

describe('cost follow-up for Svedala', () => {
  it('reports the cost per enrolled person and per decision against 28 915 kr before', async () => {
    const res = await call(t, 'uppfoljare.svedala', 'GET', `${SVEDALA}/billing/cost-follow-up?year=2026`);
    expect(res.statusCode, res.body).toBe(200);
    // Fee: 405 638 000 fixed − 23 450 partial credit; variable costs 2 923 988 + 10 000 + 123 450.
    // March was credited and invoiced again, which nets to one March.
    const agreementCost = 405_638_000 - 23_450 + 3_057_438; // 408 671 988
    expect(res.json()).toMatchObject({
      year: 2026,
      until: '2026-12-31',
      monthsInvoiced: 12,
      feeOre: 405_614_550,
      variableCostsOre: 3_057_438,
      agreementCostOre: agreementCost,
      reinvoicedAssistanceOre: 4_831_245 + 250_000 + 5_102_017 + 777_700,
      enrolledPersons: 235,
      decisions: 6,
      // 408 671 988 / 235 = 1 739 029.74 → 1 739 030 öre = 17 390,30 kr per enrolled person.
      costPerEnrolledOre: 1_739_030,
      annualisedPerEnrolledOre: 1_739_030,
      // 408 671 988 / 6 = 68 111 998
      costPerDecisionOre: 68_111_998,
      agreedPricePerEnrolledYearOre: 1_698_900,
      beforeAgreementPerEnrolledOre: 2_891_500,
      differencePerEnrolledOre: 1_739_030 - 2_891_500,
    });
  });
});
