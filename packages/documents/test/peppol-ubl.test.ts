import { DomainError, parseOrganisationNumber } from '@samverkan/domain';
import { describe, expect, it } from 'vitest';
import {
  computeInvoiceTotals,
  lineAmountOre,
  oreToDecimal,
  splitEvenly,
  vatAmountOre,
} from '../src/peppol/amounts.ts';
import { buildUbl, PEPPOL_CUSTOMIZATION_ID, PEPPOL_PROFILE_ID } from '../src/peppol/build-ubl.ts';
import type { InvoiceDocument } from '../src/peppol/invoice-document.ts';
import { type Finding, validatePeppol } from '../src/peppol/validate.ts';
import {
  FIXED_FEE_YEAR_ORE,
  fixedFeeByMonth,
  marchCreditNote,
  marchFixedFeeOre,
  marchInvoice,
  marchInvoiceStandardVat,
  svedala,
} from './fixtures/invoices.ts';

const idsOf = (findings: Finding[]): string[] => findings.map((f) => f.id);

describe('öre arithmetic', () => {
  it('splits the fixed fee 3 992 500 kr/year into 12 months that add up exactly', () => {
    expect(fixedFeeByMonth).toHaveLength(12);
    expect(fixedFeeByMonth.reduce((a, b) => a + b, 0)).toBe(FIXED_FEE_YEAR_ORE);
    // 399 250 000 öre / 12 = 33 270 833 rest 4 → four months carry one extra öre.
    expect(fixedFeeByMonth.filter((m) => m === 33_270_834)).toHaveLength(4);
    expect(fixedFeeByMonth.filter((m) => m === 33_270_833)).toHaveLength(8);
    expect(marchFixedFeeOre).toBe(33_270_834);
    expect(oreToDecimal(marchFixedFeeOre)).toBe('332708.34');
    expect(splitEvenly(10, 3)).toEqual([4, 3, 3]);
    expect(() => splitEvenly(10, 0)).toThrow(RangeError);
  });

  it('formats öre as two-decimal amounts without floating point error', () => {
    expect(oreToDecimal(0)).toBe('0.00');
    expect(oreToDecimal(5)).toBe('0.05');
    expect(oreToDecimal(-159_000)).toBe('-1590.00');
    expect(oreToDecimal(900_719_925_474_099)).toBe('9007199254740.99');
    expect(() => oreToDecimal(0.5)).toThrow(RangeError);
  });

  it('computes quantity × price exactly, half up to the öre', () => {
    expect(lineAmountOre('37.5', 2_533)).toBe(94_988); // 949.875 kr → 949.88 kr
    expect(lineAmountOre(0.1, 3)).toBe(0);
    expect(lineAmountOre('3', 33)).toBe(99);
    expect(() => lineAmountOre('1e3', 1)).toThrow(DomainError);
  });

  it('rounds VAT half up to the öre', () => {
    expect(vatAmountOre(1_000, 25)).toBe(250);
    expect(vatAmountOre(1_002, 12)).toBe(120); // 120.24 öre
    expect(vatAmountOre(94_988, 25)).toBe(23_747); // 23 747.0
    expect(vatAmountOre(3, 25)).toBe(1); // 0.75 öre → 1
  });

  it('totals the March invoice to the öre', () => {
    const totals = computeInvoiceTotals(marchInvoice);
    const expected = 33_270_834 + 1_875_000 + 954_000 + 94_988 + 48_312_450 + 51_020_175;
    expect(totals.lineExtensionOre).toBe(expected);
    expect(totals.payableOre).toBe(expected);
    expect(totals.vatOre).toBe(0);
    const s = computeInvoiceTotals(marchInvoiceStandardVat);
    expect(s.vatOre).toBe(vatAmountOre(s.lineExtensionOre, 25));
    expect(s.payableOre).toBe(s.lineExtensionOre + s.vatOre);
  });

  it('uses a Luhn-valid (made-up, unconfirmed) organisation number for Svedala', () => {
    expect(parseOrganisationNumber(svedala.orgNumber)).toBe('2120001207');
  });
});

describe('package entry points', () => {
  it('keeps the saxon-js validator out of the main barrel', async () => {
    const api: Record<string, unknown> = await import('../src/index.ts');
    expect(typeof api.buildUbl).toBe('function');
    expect(typeof api.renderInvoicePdf).toBe('function');
    expect('validatePeppol' in api).toBe(false);
  });
});

describe('buildUbl: structure', () => {
  const xml = buildUbl(marchInvoice);

  it('writes the Peppol BIS 3.0 identifiers, type code and buyer reference', () => {
    expect(xml).toContain(`<cbc:CustomizationID>${PEPPOL_CUSTOMIZATION_ID}</cbc:CustomizationID>`);
    expect(xml).toContain(`<cbc:ProfileID>${PEPPOL_PROFILE_ID}</cbc:ProfileID>`);
    expect(xml).toContain('<cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>');
    expect(xml).toContain('<cbc:BuyerReference>SVE-SOC-4711</cbc:BuyerReference>');
    expect(xml).toContain('<cac:ContractDocumentReference>');
  });

  it('identifies seller and buyer by organisation number (scheme 0007)', () => {
    expect(xml).toContain('<cbc:EndpointID schemeID="0007">2120001199</cbc:EndpointID>');
    expect(xml).toContain('<cbc:EndpointID schemeID="0007">2120001207</cbc:EndpointID>');
    expect(xml.match(/<cac:TaxTotal>/g)).toHaveLength(1);
  });

  it('expresses Bankgiro the Swedish way (code 30, SE:BANKGIRO, digits only)', () => {
    expect(xml).toMatch(/<cbc:PaymentMeansCode[^>]*>30<\/cbc:PaymentMeansCode>/);
    expect(xml).toContain('<cbc:ID>50501055</cbc:ID>');
    expect(xml).toContain('<cbc:ID>SE:BANKGIRO</cbc:ID>');
    expect(xml).toContain('<cbc:PaymentID>20260001234</cbc:PaymentID>');
  });

  it('writes no VAT identifiers for category O (BR-O-02)', () => {
    expect(xml).not.toContain('<cac:PartyTaxScheme>');
    expect(xml).toContain('<cbc:TaxExemptionReasonCode>VATEX-EU-O</cbc:TaxExemptionReasonCode>');
  });

  it('writes a CreditNote (381) with a billing reference and credited quantities', () => {
    const cn = buildUbl(marchCreditNote);
    expect(cn).toContain('<CreditNote xmlns="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"');
    expect(cn).toContain('<cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>');
    expect(cn).toMatch(/<cac:InvoiceDocumentReference>\s*<cbc:ID>2026-000123<\/cbc:ID>/);
    expect(cn).toContain('<cbc:CreditedQuantity unitCode="EA">2</cbc:CreditedQuantity>');
    expect(cn).not.toContain('DueDate');
  });

  it('rejects inconsistent input before it becomes a document', () => {
    const wrongLine: InvoiceDocument = {
      ...marchInvoice,
      lines: [
        { id: '1', description: 'x', quantity: '3', unitCode: 'EA', unitPriceOre: 100, lineTotalOre: 301 },
      ],
    };
    expect(() => buildUbl(wrongLine)).toThrow(/antal × pris/);
    expect(() => buildUbl({ ...marchInvoice, buyerReference: ' ' })).toThrow(DomainError);
    expect(() => buildUbl({ ...marchInvoice, buyer: { ...svedala, orgNumber: '212000-1208' } })).toThrow(
      DomainError,
    );
    expect(() => buildUbl({ ...marchInvoice, paymentMeans: { bankgiro: '123', paymentId: '1' } })).toThrow(
      /Bankgiro/,
    );
    const { precedingInvoice: _omit, ...noReference } = marchCreditNote;
    expect(() => buildUbl(noReference)).toThrow(/hänvisa/);
    const outside: InvoiceDocument = {
      ...marchInvoice,
      lines: marchInvoice.lines.map((l, i) =>
        i === 4 ? { ...l, period: { start: '2026-02-01', end: '2026-02-28' } } : l,
      ),
    };
    expect(() => buildUbl(outside)).toThrow(/utanför fakturaperioden/);
  });
});

describe('buildUbl: our documents pass both rule sets', () => {
  it('the March invoice Trelleborg → Svedala (VAT category O) has no fatal findings', async () => {
    const result = await validatePeppol(buildUbl(marchInvoice));
    expect(result.fatal).toEqual([]);
    expect(result.warnings).toEqual([]);
  });

  it('the standard-rated 25 % variant (seller VAT id, F-skatt) has no fatal findings', async () => {
    const xml = buildUbl(marchInvoiceStandardVat);
    expect(xml).toContain('<cbc:CompanyID>SE212000119901</cbc:CompanyID>');
    expect(xml).toContain('<cbc:CompanyID>Godkänd för F-skatt</cbc:CompanyID>');
    const result = await validatePeppol(xml);
    expect(result.fatal).toEqual([]);
    expect(result.warnings).toEqual([]);
  });

  it('an exempt (E) variant with an exemption reason has no fatal findings', async () => {
    const exempt: InvoiceDocument = {
      ...marchInvoice,
      vat: { category: 'E', exemptionReason: 'Undantagen från skatteplikt enligt mervärdesskattelagen' },
    };
    expect((await validatePeppol(buildUbl(exempt))).fatal).toEqual([]);
  });

  it('the credit note referencing the invoice has no fatal findings', async () => {
    const result = await validatePeppol(buildUbl(marchCreditNote));
    expect(result.fatal).toEqual([]);
  });
});

describe('the validator catches mistakes in our own documents', () => {
  const valid = buildUbl(marchInvoice);
  const total = oreToDecimal(computeInvoiceTotals(marchInvoice).payableOre);

  it('a payable amount that does not match the totals → BR-CO-16', async () => {
    const xml = valid.replace(
      `<cbc:PayableAmount currencyID="SEK">${total}</cbc:PayableAmount>`,
      '<cbc:PayableAmount currencyID="SEK">1355274.46</cbc:PayableAmount>',
    );
    expect(xml).not.toBe(valid);
    const result = await validatePeppol(xml);
    const finding = result.fatal.find((f) => f.id === 'BR-CO-16');
    expect(finding?.ruleSet).toBe('cen');
    expect(finding?.location).toBe('/Invoice[1]/LegalMonetaryTotal[1]');
  });

  it('line amounts that do not add up to the total → BR-CO-10 and PEPPOL-EN16931-R120', async () => {
    const xml = valid.replace(
      '<cbc:LineExtensionAmount currencyID="SEK">18750.00</cbc:LineExtensionAmount>',
      '<cbc:LineExtensionAmount currencyID="SEK">18750.10</cbc:LineExtensionAmount>',
    );
    expect(idsOf((await validatePeppol(xml)).fatal)).toEqual(
      expect.arrayContaining(['BR-CO-10', 'PEPPOL-EN16931-R120']),
    );
  });

  it('a VAT identifier on an out-of-scope (O) invoice → BR-O-02', async () => {
    const xml = valid.replace(
      '<cac:PartyLegalEntity>',
      '<cac:PartyTaxScheme><cbc:CompanyID>SE212000119901</cbc:CompanyID><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme><cac:PartyLegalEntity>',
    );
    expect(idsOf((await validatePeppol(xml)).fatal)).toContain('BR-O-02');
  });

  it('a wrong check digit in the seller org nr → SE-R-013 and PEPPOL-COMMON-R049', async () => {
    const xml = valid.replaceAll('2120001199', '2120001198');
    expect(idsOf((await validatePeppol(xml)).fatal)).toEqual(
      expect.arrayContaining(['SE-R-013', 'PEPPOL-COMMON-R049']),
    );
  });

  it('a line period outside the invoice period → PEPPOL-EN16931-R110', async () => {
    // The last StartDate is that of line 6 (March); move it into February.
    const at = valid.lastIndexOf('<cbc:StartDate>2026-03-01</cbc:StartDate>');
    const xml = `${valid.slice(0, at)}<cbc:StartDate>2026-02-01</cbc:StartDate>${valid.slice(at + 41)}`;
    expect(xml).not.toBe(valid);
    expect(idsOf((await validatePeppol(xml)).fatal)).toContain('PEPPOL-EN16931-R110');
  });

  it('a wrong VAT amount on the 25 % invoice → BR-CO-17 (or BR-CO-14)', async () => {
    const s = buildUbl(marchInvoiceStandardVat);
    const vat = oreToDecimal(computeInvoiceTotals(marchInvoiceStandardVat).vatOre);
    const xml = s.replaceAll(
      `<cbc:TaxAmount currencyID="SEK">${vat}</cbc:TaxAmount>`,
      '<cbc:TaxAmount currencyID="SEK">1.00</cbc:TaxAmount>',
    );
    expect(xml).not.toBe(s);
    const fatal = idsOf((await validatePeppol(xml)).fatal);
    expect(fatal).toContain('BR-CO-17');
  });
});
