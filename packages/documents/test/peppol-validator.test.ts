import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type Finding, validatePeppol } from '../src/peppol/validate.ts';
import { readUnitTestSet } from './helpers/testsets.ts';

const fixtures = new URL('./fixtures/peppol/', import.meta.url);
const example = (name: string): string => readFileSync(new URL(`examples/${name}`, fixtures), 'utf8');
const idsOf = (findings: Finding[]): string[] => findings.map((f) => f.id);

describe('validator sanity on upstream examples', () => {
  it.each([
    'Allowance-example.xml',
    'Vat-category-S.xml',
    'base-example.xml',
    'base-creditnote-correction.xml',
    'base-negative-inv-correction.xml',
    'sales-order-example.xml',
    'vat-category-E.xml',
    'vat-category-O.xml',
    'vat-category-Z.xml',
    'GR-base-example-correct.xml',
    'Norwegian-example-1.xml',
    'SE-invoice-UBL-IN_SE-R-013-test1.xml',
  ])('%s has no fatal findings under CEN and Peppol rules', async (name) => {
    const result = await validatePeppol(example(name));
    expect(result.fatal).toEqual([]);
  });

  it('reports the documented warnings (GR-S-008-1, UBL-CR-679)', async () => {
    expect(idsOf((await validatePeppol(example('GR-base-example-correct.xml'))).warnings)).toContain(
      'GR-S-008-1',
    );
    expect(idsOf((await validatePeppol(example('SE-invoice-UBL-IN_SE-R-013-test1.xml'))).warnings)).toContain(
      'UBL-CR-679',
    );
  });

  it('GR-base-example-TaxRepresentative.xml fails BR-06 (fatal, CEN rules)', async () => {
    const result = await validatePeppol(example('GR-base-example-TaxRepresentative.xml'));
    expect(result.fatal.find((f) => f.id === 'BR-06')?.ruleSet).toBe('cen');
  });

  it('base-example.xml without BuyerReference fails PEPPOL-EN16931-R003', async () => {
    const xml = example('base-example.xml').replace(/<cbc:BuyerReference>[^<]*<\/cbc:BuyerReference>/, '');
    expect(idsOf((await validatePeppol(xml)).fatal)).toContain('PEPPOL-EN16931-R003');
  });

  it('base-example.xml with a wrong TaxExclusiveAmount fails BR-CO-13 and BR-CO-15', async () => {
    const xml = example('base-example.xml').replace(
      '<cbc:TaxExclusiveAmount currencyID="EUR">1325</cbc:TaxExclusiveAmount>',
      '<cbc:TaxExclusiveAmount currencyID="EUR">1300</cbc:TaxExclusiveAmount>',
    );
    expect(xml).toContain('>1300</cbc:TaxExclusiveAmount>');
    expect(idsOf((await validatePeppol(xml)).fatal)).toEqual(
      expect.arrayContaining(['BR-CO-13', 'BR-CO-15']),
    );
  });

  it('the SE invoice with a bad Luhn digit or without "Godkänd för F-skatt" fails SE-R-013 / SE-R-005', async () => {
    const se = example('SE-invoice-UBL-IN_SE-R-013-test1.xml');
    const badLuhn = se.replace(
      '<cbc:CompanyID>2021005489</cbc:CompanyID>',
      '<cbc:CompanyID>2021005488</cbc:CompanyID>',
    );
    expect(idsOf((await validatePeppol(badLuhn)).fatal)).toContain('SE-R-013');
    const noFTax = se.replace('Godkänd för F-skatt', 'Godkänd för moms');
    expect(idsOf((await validatePeppol(noFTax)).fatal)).toContain('SE-R-005');
  });
});

describe('upstream unit test sets (unit-UBL-SE): the rule in scope behaves as expected', () => {
  const dir = new URL('testsets/unit-UBL-SE/', fixtures);
  const files = readdirSync(dir).filter((f) => f.endsWith('.xml'));

  it('has the Swedish test sets', () => {
    expect(files.length).toBeGreaterThanOrEqual(20);
  });

  it.each(files)('%s', async (file) => {
    const set = readUnitTestSet(new URL(file, dir).pathname);
    expect(set.tests.length).toBeGreaterThan(0);
    for (const [index, test] of set.tests.entries()) {
      const result = await validatePeppol(test.xml);
      const label = `${file} test ${index + 1}`;
      const fatal = idsOf(result.fatal);
      const warnings = idsOf(result.warnings);
      // Only the scope rule's expectation is meaningful: the documents use made-up org numbers.
      if (test.success.includes(set.scope)) {
        expect([...fatal, ...warnings], label).not.toContain(set.scope);
      }
      if (test.error.includes(set.scope)) expect(fatal, label).toContain(set.scope);
      if (test.warning.includes(set.scope)) expect(warnings, label).toContain(set.scope);
    }
  });
});
