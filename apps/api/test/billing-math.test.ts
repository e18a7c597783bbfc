import {
  composeInvoice,
  DEMO_AGREEMENT,
  fixedMonthShares,
  indexedPrice,
  parseBillingTerms,
  parsePeriod,
  previousPeriod,
  unbilledRanges,
} from '@samverkan/core';
import { DomainError } from '@samverkan/domain';
import { describe, expect, it } from 'vitest';

const YEARLY = 399_250_000; // 3 992 500 kr incl. 15 % on-cost (seed 004)
const JULY_INDEX = [{ from: '2026-07-01', percent: 3.2 }];

describe('fixed part: yearly / 12, rounded so a year adds up', () => {
  it('splits 3 992 500 kr into twelve months that sum exactly (cumulative rounding)', () => {
    const shares = fixedMonthShares(YEARLY, [], 2026);
    // By hand: 399 250 000 / 12 = 33 270 833.33…; round(C_m / 12) − round(C_(m−1) / 12) gives
    // 833, 834, 833 öre-endings repeating: Feb, May, Aug and Nov carry the extra öre.
    expect(shares).toEqual([
      33_270_833, 33_270_834, 33_270_833, 33_270_833, 33_270_834, 33_270_833, 33_270_833, 33_270_834,
      33_270_833, 33_270_833, 33_270_834, 33_270_833,
    ]);
    expect(shares.reduce((a, b) => a + b, 0)).toBe(YEARLY);
  });

  it('applies a 3.2 % salary revision from 1 July: 4 120 260 kr/year from then', () => {
    expect(indexedPrice(YEARLY, JULY_INDEX, '2026-06-30')).toBe(YEARLY);
    // 399 250 000 × 1.032 = 412 026 000 öre exactly.
    expect(indexedPrice(YEARLY, JULY_INDEX, '2026-07-01')).toBe(412_026_000);
    // A second revision compounds: 412 026 000 × 1.025 = 422 326 650.
    expect(indexedPrice(YEARLY, [...JULY_INDEX, { from: '2027-04-01', percent: 2.5 }], '2027-04-01')).toBe(
      422_326_650,
    );
    const shares = fixedMonthShares(YEARLY, JULY_INDEX, 2026);
    // Jan–Jun: C6 = 6 × 399 250 000 → 199 625 000 (no rounding); Jul–Dec: 412 026 000 / 12 = 34 335 500.
    expect(shares.slice(0, 6).reduce((a, b) => a + b, 0)).toBe(199_625_000);
    expect(shares.slice(6)).toEqual(Array(6).fill(34_335_500));
    // The year: 199 625 000 + 6 × 34 335 500 = 405 638 000 öre = 4 056 380 kr.
    expect(shares.reduce((a, b) => a + b, 0)).toBe(405_638_000);
  });
});

describe('periods', () => {
  it('parses months and quarters and finds the previous period', () => {
    expect(parsePeriod('2026-Q2')).toEqual({
      label: '2026-Q2',
      kind: 'quarterly',
      start: '2026-04-01',
      end: '2026-06-30',
      months: ['2026-04', '2026-05', '2026-06'],
    });
    expect(parsePeriod('2026-02').end).toBe('2026-02-28');
    expect(previousPeriod('2026-01-01', 'monthly').label).toBe('2025-12');
    expect(previousPeriod('2026-04-01', 'quarterly').label).toBe('2026-Q1');
    expect(previousPeriod('2026-02-15', 'quarterly').label).toBe('2025-Q4');
    expect(() => parsePeriod('2026-13')).toThrow(DomainError);
    expect(() => parsePeriod('2026-Q5')).toThrow(DomainError);
  });
});

describe('re-invoiced assistance ledger', () => {
  it('bills only what no live invoice has billed, including a credited gap', () => {
    expect(unbilledRanges([], 100)).toEqual([{ fromOre: 0, toOre: 100 }]);
    expect(unbilledRanges([{ fromOre: 0, toOre: 100 }], 150)).toEqual([{ fromOre: 100, toOre: 150 }]);
    // The first invoice was credited away: its range is billed again.
    expect(unbilledRanges([{ fromOre: 100, toOre: 150 }], 150)).toEqual([{ fromOre: 0, toOre: 100 }]);
    expect(unbilledRanges([{ fromOre: 0, toOre: 100 }], 80)).toEqual([]);
  });
});

describe('terms', () => {
  it('accepts the seeded agreement terms and fills the defaults', () => {
    const terms = parseBillingTerms(DEMO_AGREEMENT.billingTerms);
    expect(terms).toMatchObject({
      invoicePeriod: 'monthly',
      priceModel: 'fixed_yearly',
      fixedYearlyOre: YEARLY,
      assistancePayout: 'tenant_account',
      vatCategory: 'O',
      paymentTermsDays: 30,
    });
  });

  it('names what is wrong, never a 500', () => {
    const bad = (raw: unknown) => {
      try {
        parseBillingTerms(raw);
      } catch (error) {
        expect(error).toBeInstanceOf(DomainError);
        return (error as DomainError).details?.issues as { path: string }[];
      }
      throw new Error('accepted');
    };
    const base = DEMO_AGREEMENT.billingTerms;
    expect(bad({ ...base, buyerReference: undefined }).map((i) => i.path)).toContain('buyerReference');
    expect(bad({ ...base, fixedYearlyOre: 0 }).map((i) => i.path)).toContain('fixedYearlyOre');
    expect(bad({ ...base, indexation: [{ from: '2026-07-15', percent: 3 }] }).map((i) => i.path)).toContain(
      'indexation.0.from',
    );
    expect(bad({ ...base, vatCategory: 'S' }).map((i) => i.path)).toContain('vatRatePercent');
    expect(bad({ ...base, markupPercent: 5 }).length).toBeGreaterThan(0);
  });
});

describe('price models', () => {
  const base = parseBillingTerms(DEMO_AGREEMENT.billingTerms);
  const quarter = parsePeriod('2026-Q1');

  it('per enrolled person: 16 989 kr/year = 1 415,75 kr per person-month', () => {
    const terms = { ...base, priceModel: 'per_enrolled_person' as const };
    const content = composeInvoice({
      period: quarter,
      terms,
      billableMonths: quarter.months,
      enrolledByMonth: { '2026-01': 235, '2026-02': 230, '2026-03': 0 },
      decisions: 0,
      variableCosts: [],
      assistance: [],
    });
    // 1 698 900 / 12 = 141 575 öre; 235 × 141 575 = 33 270 125; 230 × 141 575 = 32 562 250; March: no line.
    expect(content.lines.map((l) => [l.quantity, l.unitPriceOre, l.lineTotalOre])).toEqual([
      ['235', 141_575, 33_270_125],
      ['230', 141_575, 32_562_250],
    ]);
    expect(content.totalOre).toBe(65_832_375);
  });

  it('per decided application: count × price; variable costs per category at cost', () => {
    const terms = {
      ...base,
      priceModel: 'per_decided_application' as const,
      perDecidedApplicationOre: 95_000,
    };
    const content = composeInvoice({
      period: quarter,
      terms,
      billableMonths: quarter.months,
      enrolledByMonth: {},
      decisions: 41,
      variableCosts: [
        { variableCostId: 'a', category: 'fuel', amountOre: 50_050 },
        { variableCostId: 'b', category: 'training', amountOre: 1_000_000 },
        { variableCostId: 'c', category: 'fuel', amountOre: 25_025 },
      ],
      assistance: [],
    });
    // 41 × 950 kr = 38 950 kr; fuel 500,50 + 250,25 = 750,75 kr; training 10 000 kr — no markup.
    expect(content.lines.map((l) => [l.category, l.lineTotalOre])).toEqual([
      ['price_model', 3_895_000],
      ['variable', 1_000_000],
      ['variable', 75_075],
    ]);
    expect(content.variableCostIds).toEqual(['a', 'b', 'c']);
    expect(content.totalOre).toBe(3_895_000 + 1_000_000 + 75_075);
  });
});
