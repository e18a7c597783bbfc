import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.ts';
import { parseNationalNorm } from './national-norm.ts';
import { seedNationalNorms, seedTenantGuidelines } from './seed-data.ts';
import {
  electricityNormFor,
  parseTenantGuidelines,
  rentCeilingFor,
  type TenantGuidelinesInput,
} from './tenant-guidelines.ts';

const dataDir = new URL('../../data/', import.meta.url);
const readJson = (name: string): unknown => JSON.parse(readFileSync(new URL(name, dataDir), 'utf8'));

function issuesOf(fn: () => unknown): { path: string; message: string }[] {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    const issues = (e as DomainError).details?.issues;
    expect(Array.isArray(issues)).toBe(true);
    return issues as { path: string; message: string }[];
  }
  throw new Error('expected a DomainError');
}

const validGuidelines = (): TenantGuidelinesInput => ({
  effectiveFrom: '2025-01-01',
  rentCeilings: {
    rows: [
      { adults: 1, children: 0, maxRentOre: 630000 },
      { adults: 1, children: 1, maxRentOre: 762500 },
      { adults: 1, children: 2, maxRentOre: 942500 },
      { adults: 2, children: 0, maxRentOre: 630000 },
      { adults: 2, children: 1, maxRentOre: 762500 },
      { adults: 2, children: 2, maxRentOre: 942500 },
    ],
    extraChildOre: 180000,
  },
  electricityNorm: { bySize: [40000, 50000, 60000, 70000, 80000, 90000], eachExtraOre: 10000 },
  robotApprovableCostTypes: ['rent', 'electricity'],
  manualThresholds: { rentChangePercent: 10, rentChangeOre: 50000, maxRobotAmountOre: 2500000 },
  blindReviewRate: 0.02,
  paymentDay: 27,
  rounding: 'down_to_krona',
  localNormRows: {},
});

describe('data files', () => {
  const files = readdirSync(dataDir).filter((f) => f.endsWith('.json'));

  it('has the four seed files', () => {
    expect(files.sort()).toEqual([
      'guidelines-1263-svedala.json',
      'guidelines-1287-trelleborg.json',
      'riksnorm-2025.json',
      'riksnorm-2026.json',
    ]);
  });

  it.each(files)('%s parses with its schema', (file) => {
    const input = readJson(file);
    if (file.startsWith('riksnorm-')) {
      expect(parseNationalNorm(input).year).toBe(Number(file.slice(9, 13)));
    } else {
      const g = parseTenantGuidelines(input);
      expect(g.paymentDay).toBe(27);
      expect(g.rounding).toBe('down_to_krona');
      expect(g.sampleCheckRate).toBe(0.1);
      expect(g.effectiveFrom).toBe('2025-01-01');
    }
  });

  it('riksnorm 2026 reproduces the official totals 5 220 kr (single) and 8 510 kr (couple)', () => {
    const n = parseNationalNorm(readJson('riksnorm-2026.json'));
    expect(n.personal.singleAdult + n.common.size1).toBe(522000);
    expect(n.personal.coupleAdults + n.common.size2).toBe(851000);
    expect(n.priceBaseAmount).toBe(5920000);
  });

  it('riksnorm 2026 rows are the 2025 rows × 1.007 rounded to 10 kr', () => {
    const n25 = parseNationalNorm(readJson('riksnorm-2025.json'));
    const n26 = parseNationalNorm(readJson('riksnorm-2026.json'));
    for (const [key, v] of Object.entries(n25.personal)) {
      expect(n26.personal[key as keyof typeof n26.personal], key).toBe(Math.round((v * 1.007) / 1000) * 1000);
    }
    expect(n25.priceBaseAmount).toBe(5880000);
  });

  it('the seed helpers parse the bundled data', () => {
    expect(seedNationalNorms().map((n) => n.year)).toEqual([2025, 2026]);
    expect(seedTenantGuidelines().map((s) => s.municipalityCode)).toEqual(['1287', '1263']);
  });
});

describe('parseNationalNorm', () => {
  const base = (): Record<string, unknown> => readJson('riksnorm-2026.json') as Record<string, unknown>;

  it('refuses unknown keys, also nested', () => {
    const issues = issuesOf(() => parseNationalNorm({ ...base(), extra: 1 }));
    expect(issues).toEqual([{ path: 'extra', message: 'Okänd nyckel.' }]);
    const nested = base();
    nested.personal = { ...(nested.personal as object), grandparent: 100 };
    expect(issuesOf(() => parseNationalNorm(nested))).toEqual([
      { path: 'personal.grandparent', message: 'Okänd nyckel.' },
    ]);
  });

  it('refuses negative, fractional and unsafe amounts with the path of the field', () => {
    for (const bad of [-1, 1.5, 2 ** 60]) {
      const input = base();
      input.personal = { ...(input.personal as object), child0: bad };
      const issues = issuesOf(() => parseNationalNorm(input));
      expect(issues.map((i) => i.path)).toContain('personal.child0');
    }
  });

  it('refuses a year that does not match effectiveFrom, with a Swedish message', () => {
    const issues = issuesOf(() => parseNationalNorm({ ...base(), effectiveFrom: '2025-01-01' }));
    expect(issues).toEqual([{ path: 'effectiveFrom', message: expect.stringContaining('normåret 2026') }]);
  });

  it('refuses an impossible date and a wrong eachExtra', () => {
    expect(issuesOf(() => parseNationalNorm({ ...base(), effectiveFrom: '2026-02-30' }))[0]?.path).toBe(
      'effectiveFrom',
    );
    const input = base();
    input.common = { ...(input.common as object), eachExtra: 20000 };
    expect(issuesOf(() => parseNationalNorm(input))[0]?.path).toBe('common.eachExtra');
  });

  it('throws norm_invalid', () => {
    expect(() => parseNationalNorm(null)).toThrow(expect.objectContaining({ code: 'norm_invalid' }));
  });
});

describe('parseTenantGuidelines', () => {
  it('applies the default sample-check rate of 10 %', () => {
    const g = parseTenantGuidelines(validGuidelines());
    expect(g.sampleCheckRate).toBe(0.1);
    expect(g.localNormRows).toEqual({});
  });

  it('throws guidelines_invalid', () => {
    expect(() => parseTenantGuidelines({})).toThrow(expect.objectContaining({ code: 'guidelines_invalid' }));
  });

  it('refuses duplicate rent ceiling rows', () => {
    const input = validGuidelines();
    input.rentCeilings.rows.push({ adults: 1, children: 1, maxRentOre: 800000 });
    const issues = issuesOf(() => parseTenantGuidelines(input));
    expect(issues.some((i) => i.path === 'rentCeilings.rows.6' && i.message.includes('finns redan'))).toBe(
      true,
    );
  });

  it('requires a 0-children row for both 1 and 2 adults, and ceilings not falling with more children', () => {
    const missing = validGuidelines();
    missing.rentCeilings.rows = missing.rentCeilings.rows.filter((r) => r.adults === 1);
    expect(issuesOf(() => parseTenantGuidelines(missing))[0]?.message).toContain('2 vuxen/vuxna utan barn');
    const falling = validGuidelines();
    falling.rentCeilings.rows[1] = { adults: 1, children: 1, maxRentOre: 100 };
    expect(issuesOf(() => parseTenantGuidelines(falling))[0]?.message).toContain('lägre');
  });

  it('refuses rates outside 0..1 and a combined rate above 1', () => {
    expect(
      issuesOf(() => parseTenantGuidelines({ ...validGuidelines(), sampleCheckRate: 1.2 }))[0]?.path,
    ).toBe('sampleCheckRate');
    expect(
      issuesOf(() => parseTenantGuidelines({ ...validGuidelines(), blindReviewRate: -0.1 }))[0]?.path,
    ).toBe('blindReviewRate');
    const both = { ...validGuidelines(), sampleCheckRate: 0.9, blindReviewRate: 0.2 };
    expect(issuesOf(() => parseTenantGuidelines(both))[0]?.path).toBe('blindReviewRate');
  });

  it('refuses a payment day outside 1..28, an unknown rounding rule, unknown keys', () => {
    expect(issuesOf(() => parseTenantGuidelines({ ...validGuidelines(), paymentDay: 31 }))[0]?.path).toBe(
      'paymentDay',
    );
    expect(issuesOf(() => parseTenantGuidelines({ ...validGuidelines(), rounding: 'up' }))[0]?.path).toBe(
      'rounding',
    );
    expect(issuesOf(() => parseTenantGuidelines({ ...validGuidelines(), colour: 'blue' }))).toEqual([
      { path: 'colour', message: 'Okänd nyckel.' },
    ]);
  });

  it("refuses 'otherItem' and duplicates as robot-approvable cost types", () => {
    const other = { ...validGuidelines(), robotApprovableCostTypes: ['rent', 'otherItem'] };
    expect(issuesOf(() => parseTenantGuidelines(other))[0]?.message).toContain('handläggare');
    const dup = { ...validGuidelines(), robotApprovableCostTypes: ['rent', 'rent'] };
    expect(issuesOf(() => parseTenantGuidelines(dup))[0]?.path).toBe('robotApprovableCostTypes');
  });

  it('accepts partial local rows for children without lunch', () => {
    const g = parseTenantGuidelines({
      ...validGuidelines(),
      localNormRows: { childWithoutLunch: { child3: 250000 } },
    });
    expect(g.localNormRows.childWithoutLunch).toEqual({ child3: 250000 });
  });

  it('needs exactly six electricity sizes', () => {
    const input = validGuidelines();
    input.electricityNorm.bySize = [1, 2, 3];
    expect(issuesOf(() => parseTenantGuidelines(input))[0]?.path).toBe('electricityNorm.bySize');
  });
});

describe('rentCeilingFor / electricityNormFor', () => {
  const g = parseTenantGuidelines(validGuidelines());

  it('follows the Malmö-style table: 6 300 / 7 625 / 9 425, +1 800 per extra child', () => {
    expect(rentCeilingFor(g, 1, 0)).toBe(630000);
    expect(rentCeilingFor(g, 2, 0)).toBe(630000);
    expect(rentCeilingFor(g, 2, 1)).toBe(762500);
    expect(rentCeilingFor(g, 1, 2)).toBe(942500);
    expect(rentCeilingFor(g, 2, 4)).toBe(942500 + 2 * 180000);
    expect(rentCeilingFor(g, 3, 0)).toBe(630000);
  });

  it('electricity by size and per extra person', () => {
    expect(electricityNormFor(g, 1)).toBe(40000);
    expect(electricityNormFor(g, 6)).toBe(90000);
    expect(electricityNormFor(g, 8)).toBe(110000);
  });
});
