import { describe, expect, it } from 'vitest';
import { type CaseFacts, defaultPeriods, sourcesFor } from '../src/index.ts';

const base: CaseFacts = {
  hasChildren: false,
  isStudent: false,
  hasVehicleQuestion: false,
  isNonCitizen: false,
};

describe('sourcesFor', () => {
  it('asks an ordinary working-age case only the income registers and Arbetsförmedlingen', () => {
    expect(sourcesFor(base)).toEqual(['forsakringskassan', 'arbetsformedlingen', 'akassa', 'skatteverket']);
  });
  it('adds CSN, Transportstyrelsen and Migrationsverket only when the case needs them', () => {
    expect(sourcesFor({ ...base, isStudent: true })).toContain('csn');
    expect(sourcesFor({ ...base, hasVehicleQuestion: true })).toContain('transportstyrelsen');
    expect(sourcesFor({ ...base, isNonCitizen: true })).toContain('migrationsverket');
    expect(sourcesFor({ ...base, hasChildren: true })).not.toContain('csn');
    expect(sourcesFor({ ...base, hasChildren: true, hasChildInUpperSecondary: true })).toContain('csn');
  });
  it('asks Pensionsmyndigheten instead of Arbetsförmedlingen and a-kassa for a pensioner', () => {
    expect(sourcesFor({ ...base, isPensioner: true })).toEqual([
      'forsakringskassan',
      'pensionsmyndigheten',
      'skatteverket',
    ]);
  });
  it('skips a-kassa when the applicant is known not to be a member', () => {
    expect(sourcesFor({ ...base, hasUnemploymentFund: false })).not.toContain('akassa');
  });
});

describe('defaultPeriods', () => {
  it('gives the two previous months and the month itself, oldest first', () => {
    expect(defaultPeriods('2026-03')).toEqual(['2026-01', '2026-02', '2026-03']);
  });
  it('crosses the year boundary', () => {
    expect(defaultPeriods('2026-01')).toEqual(['2025-11', '2025-12', '2026-01']);
    expect(defaultPeriods('2026-02')).toEqual(['2025-12', '2026-01', '2026-02']);
  });
  it('rejects a malformed month', () => {
    expect(() => defaultPeriods('2026-13')).toThrow(/ÅÅÅÅ-MM/);
    expect(() => defaultPeriods('202603')).toThrow();
  });
});
