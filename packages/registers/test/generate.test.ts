import { describe, expect, it } from 'vitest';
import {
  buildPersonnummer,
  buildRegisterResponse,
  DEMO_CITIZENS,
  generatePopulation,
  generateProfile,
  REGISTER_SOURCES,
  registerResponseSchema,
  SIMULATOR_TRIGGERS,
} from '../src/index.ts';

/** 400 ordinary persons (serials below 900) born 1950–2005. */
const population = Array.from({ length: 400 }, (_, i) => {
  const year = 1950 + (i % 56);
  const month = String((i % 12) + 1).padStart(2, '0');
  const day = String((i % 28) + 1).padStart(2, '0');
  return buildPersonnummer(`${year}${month}${day}`, String((i * 37) % 900).padStart(3, '0'));
});

describe('generated register data', () => {
  it('is realistic across a population: many with nothing, plausible wages, correct child allowance', () => {
    let withoutIncome = 0;
    for (const p of population) {
      const profile = generateProfile(p, 2026);
      const income =
        profile.wages.length +
        profile.benefits.filter((b) => !['barnbidrag', 'flerbarnstillagg'].includes(b.type)).length +
        profile.pensions.length +
        (profile.unemploymentFund ? 1 : 0) +
        (profile.studentAid ? 1 : 0);
      if (income === 0) withoutIncome++;
      for (const w of profile.wages) {
        expect(w.monthlyGrossOre).toBeGreaterThanOrEqual(600_000);
        expect(w.monthlyGrossOre).toBeLessThanOrEqual(4_100_000);
      }
      for (const b of profile.benefits.filter((x) => x.type === 'barnbidrag')) {
        expect(b.monthlyAmountOre % 125_000).toBe(0);
      }
      for (const b of profile.benefits.filter((x) => x.type === 'bostadsbidrag')) {
        expect(b.monthlyAmountOre).toBeGreaterThanOrEqual(30_000);
        expect(b.monthlyAmountOre).toBeLessThanOrEqual(600_000);
      }
      if (Number(p.slice(0, 4)) <= 1960) expect(profile.pensions.length).toBeGreaterThan(0);
    }
    expect(withoutIncome / population.length).toBeGreaterThan(0.2);
    expect(withoutIncome / population.length).toBeLessThan(0.6);
  });

  it('every answer validates against the response schema', () => {
    for (const p of population.slice(0, 100)) {
      const response = buildRegisterResponse(
        { profile: generateProfile(p, 2026) },
        {
          personnummer: p,
          periods: ['2026-06', '2026-07', '2026-08'],
          sources: [...REGISTER_SOURCES],
          caseReference: 'x',
          municipalityCode: '1287',
        },
        new Date('2026-08-15T08:00:00Z'),
      );
      expect(registerResponseSchema.safeParse(response).success).toBe(true);
    }
  });

  it('pays no studiemedel in July', () => {
    const student = buildPersonnummer('20010505', '935');
    const response = buildRegisterResponse(
      { profile: generateProfile(student, 2026) },
      {
        personnummer: student,
        periods: ['2026-06', '2026-07', '2026-08'],
        sources: ['csn'],
        caseReference: 'x',
        municipalityCode: '1287',
      },
      new Date(),
    );
    const csn = response.results[0];
    expect(csn?.source === 'csn' && csn.payments.map((p) => p.month)).toEqual(['2026-06', '2026-08']);
  });

  it('places generated persons only in the given municipalities', () => {
    const codes = new Set(population.map((p) => generatePopulation(p, ['1287', '1263'])?.municipalityCode));
    expect(codes).toEqual(new Set(['1287', '1263']));
  });

  it('has unique trigger serials, all in the 900 range', () => {
    const serials = SIMULATOR_TRIGGERS.map((t) => t.serial);
    expect(new Set(serials).size).toBe(serials.length);
    for (const s of serials) expect(s).toMatch(/^9\d\d$/);
  });
});

describe('README', () => {
  it('documents every trigger serial and every demo citizen', async () => {
    const { readFile } = await import('node:fs/promises');
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    for (const t of SIMULATOR_TRIGGERS) expect(readme).toMatch(new RegExp(`^\\| ${t.serial}\\s+\\|`, 'm'));
    for (const d of DEMO_CITIZENS) {
      const p = d.population.personnummer;
      const name = `${d.population.givenName} ${d.population.familyName}`;
      expect(readme).toMatch(new RegExp(`^\\| ${p.slice(0, 8)}-${p.slice(8)}\\s+\\| ${name}\\s+\\|`, 'm'));
    }
    expect(readme).toMatch(
      new RegExp(
        `buildPersonnummer\\('19850312', '912'\\)\`\\s+\\(→ \`${buildPersonnummer('19850312', '912')}\``,
      ),
    );
  });
});
