import { describe, expect, it } from 'vitest';
import { type InvoicePdfDocument, renderInvoicePdf } from '../src/invoice-pdf/render-invoice-pdf.ts';
import { marchCreditNote, marchInvoice, marchInvoiceStandardVat } from './fixtures/invoices.ts';
import { countPdfPages, extractPdfText } from './helpers/pdf-text.ts';

const withSpecification: InvoicePdfDocument = {
  ...marchInvoice,
  specification: [
    {
      heading: 'Fast del',
      rows: [{ label: 'Fast ersättning mars 2026 (3 992 500 kr/år ÷ 12)', amountOre: 33_270_834 }],
    },
    {
      heading: 'Rörliga kostnader',
      rows: [
        { label: 'Utbildning', amountOre: 1_875_000 },
        { label: 'Busskort', amountOre: 954_000 },
        { label: 'Resor', amountOre: 94_988 },
      ],
    },
    {
      heading: 'Vidarefakturerat bistånd',
      rows: [
        { label: 'Avser februari 2026 (utbetalt i mars)', amountOre: 48_312_450 },
        { label: 'Avser mars 2026', amountOre: 51_020_175 },
      ],
    },
  ],
};

describe('renderInvoicePdf', () => {
  it('renders a Swedish invoice with parties, numbers, lines, totals, Bankgiro, OCR and terms', async () => {
    const pdf = await renderInvoicePdf(withSpecification);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const text = extractPdfText(pdf);
    for (const phrase of [
      'Faktura',
      'Trelleborgs kommun',
      'Organisationsnummer 212000-1199',
      'Svedala kommun',
      'Organisationsnummer 212000-1207',
      'Fakturanummer 2026-000123',
      'Fakturadatum 3 april 2026',
      'Förfallodag 3 maj 2026',
      'Er referens SVE-SOC-4711',
      'Avtal AVT-2025-017',
      'Fast ersättning enligt avtal, mars 2026',
      '332 708,34 kr',
      '37,5',
      '949,88 kr',
      'Summa exkl. moms 1 355 274,47 kr',
      'Ej momspliktig',
      'Att betala (SEK) 1 355 274,47 kr',
      'Bankgiro 5050-1055',
      'OCR/referens 20260001234',
      'Betalning inom 30 dagar',
      'Specifikation',
      'Fast del',
      'Rörliga kostnader',
      'Summa rörliga kostnader 29 239,88 kr',
      'Vidarefakturerat bistånd',
      'Avser februari 2026 (utbetalt i mars) 483 124,50 kr',
    ]) {
      expect(text).toContain(phrase);
    }
    const pages = countPdfPages(pdf);
    expect(text).toContain(`Sida ${pages} av ${pages}`);
    // No personal data in the specification: only aggregates.
    expect(text).not.toMatch(/\d{8}-\d{4}/);
  });

  it('shows VAT 25 %, the VAT number and F-skatt for a standard-rated invoice', async () => {
    const text = extractPdfText(await renderInvoicePdf(marchInvoiceStandardVat, { compress: false }));
    expect(text).toContain('Momsregistreringsnummer SE212000119901');
    expect(text).toContain('Godkänd för F-skatt');
    expect(text).toContain('Moms 25 %');
    // 361 948,22 kr × 25 % = 90 487,055 kr → 90 487,06 kr (half up to the öre)
    expect(text).toContain('Summa exkl. moms 361 948,22 kr');
    expect(text).toContain('Moms 25 % 90 487,06 kr');
    expect(text).toContain('Att betala (SEK) 452 435,28 kr');
  });

  it('renders a credit note as Kreditfaktura referring to the credited invoice', async () => {
    const text = extractPdfText(await renderInvoicePdf(marchCreditNote));
    expect(text).toContain('Kreditfaktura');
    expect(text).toContain('Kreditfaktura nr 2026-900007');
    expect(text).toContain('Krediterar faktura 2026-000123 (3 april 2026)');
    expect(text).toContain('Att kreditera (SEK) 1 590,00 kr');
    expect(text).not.toContain('Förfallodag');
  });
});
