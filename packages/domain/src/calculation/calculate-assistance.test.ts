import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.ts';
import type { NationalNorm } from '../norms/national-norm.ts';
import { seedNationalNorms, seedTenantGuidelines } from '../norms/seed-data.ts';
import type { TenantGuidelines } from '../norms/tenant-guidelines.ts';
import { calculateAssistance } from './calculate-assistance.ts';
import type { Calculation, CalculationInput, HouseholdMember } from './types.ts';

const norm = (year: number): NationalNorm => {
  const n = seedNationalNorms().find((x) => x.year === year);
  if (!n) throw new Error(`no seed norm ${year}`);
  return n;
};
const trelleborg = (): TenantGuidelines => {
  const g = seedTenantGuidelines().find((s) => s.municipalityCode === '1287')?.guidelines;
  if (!g) throw new Error('no seed guidelines');
  return g;
};

const applicant = (extra: Partial<HouseholdMember> = {}): HouseholdMember => ({
  id: 'a',
  role: 'applicant',
  birthDate: '1990-05-10',
  displayName: 'Anna',
  ...extra,
});

const input = (extra: Partial<CalculationInput> = {}): CalculationInput => ({
  month: '2026-03',
  members: [applicant()],
  incomes: [],
  costs: [],
  nationalNorm: norm(2026),
  guidelines: trelleborg(),
  ...extra,
});

const line = (c: Calculation, code: string, memberId?: string) =>
  c.lines.find((l) => l.code === code && (memberId === undefined || l.memberId === memberId));

const sumLines = (c: Calculation, includeRounding: boolean): number =>
  c.lines.filter((l) => includeRounding || l.code !== 'rounding').reduce((a, l) => a + l.amountOre, 0);

function expectConsistent(c: Calculation): void {
  expect(sumLines(c, false)).toBe(c.resultOre);
  expect(c.resultOre).toBe(c.needOre - c.countedIncomeOre);
  if (c.resultOre > 0) expect(sumLines(c, true)).toBe(c.payableOre);
  else expect(c.payableOre).toBe(0);
  for (const l of c.lines) {
    expect(l.legalReference.length, l.code).toBeGreaterThan(0);
    expect(Number.isSafeInteger(l.amountOre), l.code).toBe(true);
  }
}

describe('calculateAssistance: golden figures (riksnorm 2026, Trelleborg seed guidelines)', () => {
  it('single adult, no income: 3 940 + 1 280 = 5 220 kr = 522 000 öre', () => {
    const c = calculateAssistance(input());
    expect(c.needOre).toBe(522000);
    expect(c.countedIncomeOre).toBe(0);
    expect(c.resultOre).toBe(522000);
    expect(c.payableOre).toBe(522000);
    expect(c.normYear).toBe(2026);
    expect(c.normVersion).toBe('riksnorm-2026');
    expect(c.guidelinesEffectiveFrom).toBe('2025-01-01');
    expect(c.lines.map((l) => [l.code, l.amountOre])).toEqual([
      ['norm.personal.singleAdult', 394000],
      ['norm.common', 128000],
    ]);
    expect(line(c, 'norm.personal.singleAdult')?.label).toBe(
      'Personlig kostnad, ensamstående vuxen (Anna, 35 år)',
    );
    expect(line(c, 'norm.common')?.legalReference).toBe('12 kap. 7 § socialtjänstlagen (2025:400)');
    expectConsistent(c);
  });

  it('couple, no children: 7 100 + 1 410 = 8 510 kr (couple row once, not two singles)', () => {
    const c = calculateAssistance(
      input({ members: [applicant(), { id: 'p', role: 'partner', birthDate: '1988-02-01' }] }),
    );
    expect(c.needOre).toBe(851000);
    expect(c.lines.filter((l) => l.code.startsWith('norm.personal'))).toHaveLength(1);
  });

  it('couple with two children (4 and 9) and a part-time wage', () => {
    // Personal: couple 7 100 + child 4–6 3 050 + child 7–10 3 820 = 13 970 kr
    // Common, 4 persons: 2 020 kr → norm 15 990 kr
    // Costs: rent 9 500 (ceiling 2 adults + 2 children 10 300), electricity 600 (norm 4 p. 700),
    //        home insurance 180 → need 15 990 + 9 500 + 600 + 180 = 26 270 kr = 2 627 000 öre
    // Income: wage 12 345,67 + child allowance 2 650 + housing allowance 1 500 = 16 495,67 kr
    // Result 26 270 − 16 495,67 = 9 774,33 kr → rounded down to krona 9 774 kr
    const c = calculateAssistance(
      input({
        members: [
          applicant({ consecutiveAssistanceMonths: 3 }),
          { id: 'p', role: 'partner', birthDate: '1988-02-01', displayName: 'Omar' },
          { id: 'c1', role: 'child', birthDate: '2021-06-15', displayName: 'Sara' },
          { id: 'c2', role: 'child', birthDate: '2016-09-20', displayName: 'Ali' },
        ],
        incomes: [
          { memberId: 'a', type: 'wage', amountOre: 1234567 },
          { memberId: 'a', type: 'childAllowance', amountOre: 265000 },
          { memberId: 'p', type: 'housingAllowance', amountOre: 150000 },
        ],
        costs: [
          { type: 'rent', amountOre: 950000 },
          { type: 'electricity', amountOre: 60000 },
          { type: 'homeInsurance', amountOre: 18000 },
        ],
      }),
    );
    expect(line(c, 'norm.personal.coupleAdults')?.amountOre).toBe(710000);
    expect(line(c, 'norm.personal.coupleAdults')?.label).toBe(
      'Personlig kostnad, sammanboende vuxna (Anna och Omar)',
    );
    expect(line(c, 'norm.personal.child4to6', 'c1')?.amountOre).toBe(305000);
    expect(line(c, 'norm.personal.child7to10', 'c2')?.label).toBe(
      'Personlig kostnad, barn 7–10 år (Ali, 9 år)',
    );
    expect(line(c, 'norm.common')?.amountOre).toBe(202000);
    expect(c.needOre).toBe(2627000);
    expect(c.countedIncomeOre).toBe(1649567);
    expect(c.resultOre).toBe(977433);
    expect(c.payableOre).toBe(977400);
    expect(line(c, 'rounding')?.amountOre).toBe(-33);
    expect(line(c, 'income.wage', 'a')?.amountOre).toBe(-1234567);
    expect(line(c, 'income.wage')?.legalReference).toBe('12 kap. 1 § socialtjänstlagen (2025:400)');
    expect(c.cappedCosts).toEqual([]);
    expect(line(c, 'exemption.work_income_25')).toBeUndefined(); // only 3 months
    expectConsistent(c);
  });

  it('household of 9: common costs 2 830 + 2 × 190 = 3 210 kr', () => {
    // Children aged 0, 2, 3, 5, 8, 12, 16 on 2026-03-01:
    // 2 740 + 3 050 + 2 720 + 3 050 + 3 820 + 4 380 + 4 950 = 24 710; couple 7 100
    // need = 7 100 + 24 710 + 3 210 = 35 020 kr
    const births = [
      '2025-12-01',
      '2023-06-01',
      '2022-08-01',
      '2020-10-01',
      '2017-07-01',
      '2013-04-01',
      '2009-05-01',
    ];
    const c = calculateAssistance(
      input({
        members: [
          applicant(),
          { id: 'p', role: 'partner', birthDate: '1985-01-01' },
          ...births.map((b, i): HouseholdMember => ({ id: `c${i}`, role: 'child', birthDate: b })),
        ],
      }),
    );
    expect(line(c, 'norm.common')?.amountOre).toBe(321000);
    expect(line(c, 'norm.common')?.label).toContain('9 personer');
    expect(c.lines.filter((l) => l.code.startsWith('norm.personal.')).map((l) => l.code)).toEqual([
      'norm.personal.coupleAdults',
      'norm.personal.child0',
      'norm.personal.child1to2',
      'norm.personal.child3',
      'norm.personal.child4to6',
      'norm.personal.child7to10',
      'norm.personal.child11to14',
      'norm.personal.youth15to18',
    ]);
    expect(c.needOre).toBe(3502000);
    expectConsistent(c);
  });

  it('riksnorm 2025 for a 2025 month: single adult 3 910 + 1 270 = 5 180 kr', () => {
    const c = calculateAssistance(input({ month: '2025-11', nationalNorm: norm(2025) }));
    expect(c.needOre).toBe(518000);
    expect(c.normVersion).toBe('riksnorm-2025');
  });
});

describe('age on the first day of the month (2026-03-01)', () => {
  const withChild = (child: Partial<HouseholdMember>): Calculation =>
    calculateAssistance(
      input({
        members: [
          applicant(),
          { id: 'c', role: 'child', birthDate: '2019-03-01', displayName: 'Ali', ...child },
        ],
      }),
    );
  const personalOf = (c: Calculation) =>
    c.lines.find((l) => l.memberId === 'c' && l.code.startsWith('norm.personal'));

  it('a child who turns 7 on the 1st counts as 7 (3 820 kr); on the 2nd still as 6 (3 050 kr)', () => {
    const on1st = personalOf(withChild({ birthDate: '2019-03-01' }));
    expect(on1st?.code).toBe('norm.personal.child7to10');
    expect(on1st?.amountOre).toBe(382000);
    expect(on1st?.label).toBe('Personlig kostnad, barn 7–10 år (Ali, 7 år)');
    const on2nd = personalOf(withChild({ birthDate: '2019-03-02' }));
    expect(on2nd?.code).toBe('norm.personal.child4to6');
    expect(on2nd?.amountOre).toBe(305000);
  });

  it('0 years: born in the previous month, and born during the month applied for (2 740 kr)', () => {
    expect(personalOf(withChild({ birthDate: '2026-02-28' }))?.amountOre).toBe(274000);
    expect(personalOf(withChild({ birthDate: '2026-03-15' }))?.code).toBe('norm.personal.child0');
    expect(personalOf(withChild({ birthDate: '2025-03-02' }))?.code).toBe('norm.personal.child0');
    expect(personalOf(withChild({ birthDate: '2025-03-01' }))?.code).toBe('norm.personal.child1to2');
  });

  it('refuses a child born after the month', () => {
    expect(() => withChild({ birthDate: '2026-04-01' })).toThrow(
      expect.objectContaining({ code: 'validation_failed' }),
    );
  });

  it('18 → 19: youth 15–18 at 18; at 19 the youth 19–20 row only in school at home', () => {
    expect(personalOf(withChild({ birthDate: '2007-03-02' }))?.code).toBe('norm.personal.youth15to18');
    const inSchool = withChild({ birthDate: '2007-03-01', inSchoolLivingAtHome: true });
    expect(personalOf(inSchool)?.code).toBe('norm.personal.youth19to20');
    expect(personalOf(inSchool)?.amountOre).toBe(499000);
    // 3 940 + 4 990 + 1 410 = 10 340 kr
    expect(inSchool.needOre).toBe(1034000);
  });

  it('19 and not in school: an adult sharing the home (single adult + half the common costs)', () => {
    // Anna 3 940 + the adult child 3 940 + common 2 persons 1 410 split 705 / 705 = 9 290 kr
    const c = withChild({ birthDate: '2007-03-01', inSchoolLivingAtHome: false });
    expect(personalOf(c)?.code).toBe('norm.personal.singleAdult');
    expect(personalOf(c)?.label).toBe('Personlig kostnad, vuxen som delar bostad (Ali, 19 år)');
    expect(c.lines.filter((l) => l.code === 'norm.common.share').map((l) => l.amountOre)).toEqual([
      70500, 70500,
    ]);
    expect(c.needOre).toBe(929000);
    expectConsistent(c);
  });

  it('21 in school is an adult too', () => {
    expect(personalOf(withChild({ birthDate: '2005-02-01', inSchoolLivingAtHome: true }))?.code).toBe(
      'norm.personal.singleAdult',
    );
  });
});

describe('sharing a home without being a partner', () => {
  it('otherAdult: single adult + (common costs of the home ÷ persons)', () => {
    // Applicant + sister: 3 940 + 3 940 + 1 410 (705 each) = 9 290 kr
    const c = calculateAssistance(
      input({
        members: [applicant(), { id: 's', role: 'otherAdult', birthDate: '1995-01-01', displayName: 'Lina' }],
      }),
    );
    expect(line(c, 'norm.common.share', 's')?.amountOre).toBe(70500);
    expect(line(c, 'norm.common.share', 's')?.label).toContain('1/2 av 1');
    expect(line(c, 'norm.personal.singleAdult', 's')?.amountOre).toBe(394000);
    expect(c.needOre).toBe(929000);
    expectConsistent(c);
  });

  it('applicant sharing a flat with two people outside the calculation: 1/3 of the 3-person common costs', () => {
    // 3 940 + 1 780 / 3 = 3 940 + 593,33 = 4 533,33 kr → 4 533 kr
    const c = calculateAssistance(input({ sharedHousehold: { totalPersons: 3 } }));
    expect(line(c, 'norm.common.share')?.amountOre).toBe(59333);
    expect(line(c, 'norm.common.share')?.label).toContain('1/3 av 1');
    expect(c.needOre).toBe(453333);
    expect(c.payableOre).toBe(453300);
    expectConsistent(c);
  });

  it('parent + child + otherAdult in a home of 4: household gets 2/4, the other adult 1/4', () => {
    // common 4 persons 2 020 → 505 per person; household share 3 × 505 − 505 = 1 010
    const c = calculateAssistance(
      input({
        members: [
          applicant(),
          { id: 'c', role: 'child', birthDate: '2015-05-05' },
          { id: 'o', role: 'otherAdult', birthDate: '1960-01-01' },
        ],
        sharedHousehold: { totalPersons: 4 },
      }),
    );
    expect(
      c.lines.filter((l) => l.code === 'norm.common.share').map((l) => [l.memberId, l.amountOre]),
    ).toEqual([
      [undefined, 101000],
      ['o', 50500],
    ]);
    expectConsistent(c);
  });

  it('refuses a totalPersons smaller than the household', () => {
    expect(() =>
      calculateAssistance(
        input({
          members: [applicant(), { id: 'o', role: 'otherAdult', birthDate: '1960-01-01' }],
          sharedHousehold: { totalPersons: 1 },
        }),
      ),
    ).toThrow(expect.objectContaining({ code: 'validation_failed' }));
  });
});

describe('preschool lunch (local "utan lunch" row)', () => {
  const kid: HouseholdMember = {
    id: 'c',
    role: 'child',
    birthDate: '2021-06-15',
    displayName: 'Sara',
    preschoolLunch: true,
  };

  it('uses the local row when the tenant has filled it in', () => {
    const g = { ...trelleborg(), localNormRows: { childWithoutLunch: { child4to6: 240000 } } };
    const c = calculateAssistance(input({ members: [applicant(), kid], guidelines: g }));
    const l = line(c, 'norm.personal.child4to6.without_lunch', 'c');
    expect(l?.amountOre).toBe(240000);
    expect(l?.label).toContain('utan lunch');
    expect(l?.legalReference).toContain('Kommunens riktlinjer');
  });

  it('falls back to the riksnorm row and says so when the tenant has no figure', () => {
    const c = calculateAssistance(input({ members: [applicant(), kid] }));
    const l = line(c, 'norm.personal.child4to6', 'c');
    expect(l?.amountOre).toBe(305000);
    expect(l?.label).toContain('ingen normrad utan lunch');
  });
});

describe('costs', () => {
  it('rent above the ceiling is capped (1 adult: 6 900 kr) and reported', () => {
    // 5 220 + 6 900 = 12 120 kr
    const c = calculateAssistance(input({ costs: [{ type: 'rent', amountOre: 800000 }] }));
    expect(line(c, 'cost.rent')?.amountOre).toBe(690000);
    expect(line(c, 'cost.rent')?.label).toContain('begärt 8');
    expect(c.cappedCosts).toEqual([{ type: 'rent', appliedOre: 800000, acceptedOre: 690000 }]);
    expect(c.needOre).toBe(1212000);
    expectConsistent(c);
  });

  it('rent ceiling for extra children: 3-children row + 1 950 kr per child beyond', () => {
    const kids = ['2012-01-01', '2013-01-01', '2014-01-01', '2015-01-01', '2016-01-01'].map(
      (b, i): HouseholdMember => ({ id: `c${i}`, role: 'child', birthDate: b }),
    );
    const c = calculateAssistance(
      input({
        members: [applicant(), { id: 'p', role: 'partner', birthDate: '1980-01-01' }, ...kids],
        costs: [{ type: 'rent', amountOre: 2000000 }],
      }),
    );
    expect(c.cappedCosts).toEqual([{ type: 'rent', appliedOre: 2000000, acceptedOre: 1225000 + 2 * 195000 }]);
  });

  it('several rent entries are added before capping', () => {
    const c = calculateAssistance(
      input({
        costs: [
          { type: 'rent', amountOre: 600000 },
          { type: 'rent', amountOre: 50000, description: 'Garage' },
        ],
      }),
    );
    expect(line(c, 'cost.rent')?.amountOre).toBe(650000);
    expect(c.cappedCosts).toEqual([]);
  });

  it('electricity is capped at the tenant norm for the household size', () => {
    const c = calculateAssistance(input({ costs: [{ type: 'electricity', amountOre: 55000 }] }));
    expect(c.cappedCosts).toEqual([{ type: 'electricity', appliedOre: 55000, acceptedOre: 40000 }]);
    expect(line(c, 'cost.electricity')?.amountOre).toBe(40000);
  });

  it("other reasonable costs are taken as applied; 'otherItem' never, it is returned unassessed", () => {
    const c = calculateAssistance(
      input({
        costs: [
          { type: 'workTravel', amountOre: 93000, description: 'Skånetrafiken månadskort' },
          { type: 'medicine', amountOre: 12000 },
          { type: 'otherItem', amountOre: 250000, description: 'Glasögon' },
        ],
      }),
    );
    expect(line(c, 'cost.workTravel')?.label).toBe('Arbetsresor: Skånetrafiken månadskort');
    expect(line(c, 'cost.workTravel')?.legalReference).toBe('12 kap. 7 § socialtjänstlagen (2025:400)');
    expect(line(c, 'cost.medicine')?.legalReference).toBe('12 kap. 1 § socialtjänstlagen (2025:400)');
    expect(line(c, 'cost.otherItem')).toBeUndefined();
    expect(c.unassessedItems).toEqual([{ type: 'otherItem', amountOre: 250000, description: 'Glasögon' }]);
    expect(c.needOre).toBe(522000 + 93000 + 12000);
  });
});

describe('12 kap. 8 §: 25 % of work income after 6 consecutive months, for 24 months', () => {
  const withWage = (member: Partial<HouseholdMember>): Calculation =>
    calculateAssistance(
      input({ members: [applicant(member)], incomes: [{ memberId: 'a', type: 'wage', amountOre: 400000 }] }),
    );

  it('5 months: the whole wage counts (5 220 − 4 000 = 1 220 kr)', () => {
    const c = withWage({ consecutiveAssistanceMonths: 5 });
    expect(c.countedIncomeOre).toBe(400000);
    expect(c.resultOre).toBe(122000);
    expect(c.memberExemptions).toEqual([
      {
        memberId: 'a',
        workIncomeReliefApplied: false,
        workIncomeReliefOre: 0,
        exemptWorkIncomeOre: 0,
        exemptWorkIncomeUsedThisYearOre: 0,
      },
    ]);
  });

  it('6 months: 1 000 kr of the 4 000 kr wage is left uncounted (5 220 − 3 000 = 2 220 kr)', () => {
    const c = withWage({ consecutiveAssistanceMonths: 6 });
    const l = line(c, 'exemption.work_income_25', 'a');
    expect(l?.amountOre).toBe(100000);
    expect(l?.label).toBe('25 % av lönen räknas inte (Anna), månad 1 av 24');
    expect(l?.legalReference).toBe('12 kap. 8 § socialtjänstlagen (2025:400)');
    expect(c.countedIncomeOre).toBe(300000);
    expect(c.resultOre).toBe(222000);
    expect(c.memberExemptions[0]?.workIncomeReliefApplied).toBe(true);
    expectConsistent(c);
  });

  it('month 24 still applies; after 24 months used it no longer does', () => {
    expect(withWage({ consecutiveAssistanceMonths: 30, workIncomeReliefMonthsUsed: 23 }).resultOre).toBe(
      222000,
    );
    const used = withWage({ consecutiveAssistanceMonths: 30, workIncomeReliefMonthsUsed: 24 });
    expect(used.resultOre).toBe(122000);
    expect(line(used, 'exemption.work_income_25')).toBeUndefined();
  });

  it('only wages: other income is counted in full', () => {
    const c = calculateAssistance(
      input({
        members: [applicant({ consecutiveAssistanceMonths: 12 })],
        incomes: [{ memberId: 'a', type: 'unemploymentBenefit', amountOre: 400000 }],
      }),
    );
    expect(c.countedIncomeOre).toBe(400000);
    expect(c.memberExemptions).toEqual([]);
  });
});

describe('12 kap. 9 §: children’s work income up to one prisbasbelopp (59 200 kr in 2026) a year', () => {
  const family = (child: Partial<HouseholdMember>, wage: number): Calculation =>
    calculateAssistance(
      input({
        members: [
          applicant(),
          { id: 'c', role: 'child', birthDate: '2009-06-01', displayName: 'Ali', ...child },
        ],
        incomes: [{ memberId: 'c', type: 'wage', amountOre: wage }],
      }),
    );

  it('fully uncounted while below the limit', () => {
    // need 3 940 + 4 950 + 1 410 = 10 300 kr; wage 3 000 kr not counted
    const c = family({ exemptWorkIncomeUsedThisYearOre: 1000000 }, 300000);
    expect(c.needOre).toBe(1030000);
    expect(c.countedIncomeOre).toBe(0);
    expect(c.memberExemptions[0]?.exemptWorkIncomeUsedThisYearOre).toBe(1300000);
    expect(line(c, 'exemption.youth_work_income', 'c')?.legalReference).toBe(
      '12 kap. 9 § socialtjänstlagen (2025:400)',
    );
  });

  it('crossing the limit within the year: only the rest of the 59 200 kr is left uncounted', () => {
    // used 58 000 → 1 200 kr left; wage 3 000 → 1 200 uncounted, 1 800 counted; 10 300 − 1 800 = 8 500 kr
    const c = family({ exemptWorkIncomeUsedThisYearOre: 5800000 }, 300000);
    expect(line(c, 'exemption.youth_work_income', 'c')?.amountOre).toBe(120000);
    expect(c.countedIncomeOre).toBe(180000);
    expect(c.resultOre).toBe(850000);
    expect(c.memberExemptions[0]?.exemptWorkIncomeUsedThisYearOre).toBe(5920000);
    expectConsistent(c);
  });

  it('limit used up: the whole wage counts', () => {
    const c = family({ exemptWorkIncomeUsedThisYearOre: 5920000 }, 300000);
    expect(c.countedIncomeOre).toBe(300000);
    expect(line(c, 'exemption.youth_work_income')).toBeUndefined();
  });

  it('a 19-year-old in school at home qualifies; one not in school does not', () => {
    expect(family({ birthDate: '2006-06-01', inSchoolLivingAtHome: true }, 300000).countedIncomeOre).toBe(0);
    expect(family({ birthDate: '2006-06-01' }, 300000).countedIncomeOre).toBe(300000);
  });

  it('the 25 % rule applies to what 9 § leaves counted', () => {
    // 1 200 uncounted under 9 §, 25 % of the remaining 1 800 = 450 → counted 1 350 kr
    const c = family({ exemptWorkIncomeUsedThisYearOre: 5800000, consecutiveAssistanceMonths: 8 }, 300000);
    expect(line(c, 'exemption.work_income_25', 'c')?.amountOre).toBe(45000);
    expect(c.countedIncomeOre).toBe(135000);
  });
});

describe('rounding and the result', () => {
  const withCost = (amountOre: number, rounding: TenantGuidelines['rounding']): Calculation =>
    calculateAssistance(
      input({ costs: [{ type: 'homeInsurance', amountOre }], guidelines: { ...trelleborg(), rounding } }),
    );

  it.each([
    ['none', 12345, 534345],
    ['down_to_krona', 12345, 534300],
    ['nearest_krona', 12345, 534300],
    ['nearest_krona', 12350, 534400],
    ['down_to_ten_kronor', 12345, 534000],
    ['down_to_ten_kronor', 18000, 540000],
  ] as const)('%s: 5 220 kr + %i öre → %i öre', (rule, cost, payable) => {
    const c = withCost(cost, rule);
    expect(c.resultOre).toBe(522000 + cost);
    expect(c.payableOre).toBe(payable);
    const rounding = line(c, 'rounding');
    expect(rounding?.amountOre ?? 0).toBe(payable - c.resultOre);
    if (rounding) expect(rounding.legalReference).toBe('Kommunens riktlinjer för ekonomiskt bistånd');
    expectConsistent(c);
  });

  it('income above the need: negative result, nothing payable, no rounding line', () => {
    // 5 220 − 6 000 = −780 kr
    const c = calculateAssistance(
      input({ incomes: [{ memberId: 'a', type: 'sicknessBenefit', amountOre: 600000 }] }),
    );
    expect(c.resultOre).toBe(-78000);
    expect(c.payableOre).toBe(0);
    expect(line(c, 'rounding')).toBeUndefined();
    expectConsistent(c);
  });

  it('is deterministic', () => {
    const i = input({ costs: [{ type: 'rent', amountOre: 800000 }] });
    expect(calculateAssistance(i)).toEqual(calculateAssistance(i));
  });
});

describe('invalid input', () => {
  const issuesOf = (i: CalculationInput): unknown => {
    try {
      calculateAssistance(i);
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      return (e as DomainError).details?.issues;
    }
    throw new Error('expected an error');
  };

  it('collects every problem with its path', () => {
    const issues = issuesOf(
      input({
        month: '2026-13',
        members: [applicant(), applicant()],
        incomes: [{ memberId: 'x', type: 'wage', amountOre: -5 }],
        costs: [{ type: 'rent', amountOre: 1.5 }],
      }),
    );
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'month' }),
        expect.objectContaining({ path: 'members.1.id' }),
        expect.objectContaining({ path: 'members', message: 'Hushållet ska ha exakt en sökande.' }),
        expect.objectContaining({ path: 'incomes.0.memberId' }),
        expect.objectContaining({ path: 'incomes.0.amountOre' }),
        expect.objectContaining({ path: 'costs.0.amountOre' }),
      ]),
    );
  });

  it('refuses a norm of another year, and guidelines not yet in force', () => {
    expect(() => calculateAssistance(input({ nationalNorm: norm(2025) }))).toThrow(
      expect.objectContaining({ code: 'calculation_failed' }),
    );
    expect(() =>
      calculateAssistance(input({ guidelines: { ...trelleborg(), effectiveFrom: '2026-03-02' } })),
    ).toThrow(expect.objectContaining({ code: 'calculation_failed' }));
  });
});
