import { describe, expect, it } from 'vitest';
import { calculateAssistance } from '../calculation/calculate-assistance.ts';
import type { Calculation, CalculationInput } from '../calculation/types.ts';
import { seedNationalNorms, seedTenantGuidelines } from '../norms/seed-data.ts';
import type { TenantGuidelines } from '../norms/tenant-guidelines.ts';
import { appliedRentOre, assessApplication } from './assess-application.ts';
import type { AssessmentInput } from './types.ts';

const nbsp = (s: string): string => s.replace(/ (?=\d{3}\b)/g, '\u00a0');

const norm2026 = seedNationalNorms().find((n) => n.year === 2026);
const guidelines = seedTenantGuidelines().find((s) => s.municipalityCode === '1287')?.guidelines;
if (!norm2026 || !guidelines) throw new Error('seed data missing');
const g: TenantGuidelines = guidelines;

const calc = (extra: Partial<CalculationInput> = {}): Calculation =>
  calculateAssistance({
    month: '2026-03',
    members: [{ id: 'a', role: 'applicant', birthDate: '1990-05-10' }],
    incomes: [],
    costs: [{ type: 'rent', amountOre: 600000 }],
    nationalNorm: norm2026,
    guidelines: g,
    ...extra,
  });

const assess = (extra: Partial<AssessmentInput> = {}) =>
  assessApplication({
    calculation: calc(),
    guidelines: g,
    previousDecision: { month: '2026-02', rentOre: 600000, payableOre: 1122000 },
    labourPlan: { coversMonth: true, availableForWork: true },
    registerFindings: [],
    hasOtherItems: false,
    ...extra,
  });

const codes = (a: { reasons: readonly { code: string }[] }): string[] => a.reasons.map((r) => r.code);

describe('assessApplication: approve', () => {
  it('approves a clean case and states the amount (5 220 + 6 000 = 11 220 kr)', () => {
    const a = assess();
    expect(a.outcome).toBe('approve');
    expect(a.reasons).toEqual([
      {
        code: 'approved',
        text: nbsp(
          'Du beviljas ekonomiskt bistånd till försörjningen med 11 220 kr för mars 2026. Beloppet är normen och godtagbara kostnader (11 220 kr) minus hushållets inkomster (0 kr).',
        ),
        legalReference: '12 kap. 1 § socialtjänstlagen (2025:400)',
      },
    ]);
  });

  it('info register findings, and a rent change within the thresholds, do not stop approval', () => {
    const a = assess({
      registerFindings: [
        { code: 'fk_housing_allowance', text: 'Bostadsbidrag oförändrat', severity: 'info' },
      ],
      previousDecision: { month: '2026-02', rentOre: 580000, payableOre: 1102000 }, // +200 kr, +3,4 %
    });
    expect(a.outcome).toBe('approve');
  });
});

describe('assessApplication: manual', () => {
  it.each([
    ['other items flagged by the application', { hasOtherItems: true }, 'other_items'],
    ['technical error', { technicalError: 'SSBTEK svarade inte' }, 'technical_error'],
    [
      'register mismatch',
      {
        registerFindings: [
          { code: 'fk_income', text: 'Sjukpenning 4 000 kr saknas i ansökan', severity: 'mismatch' },
        ],
      },
      'register_mismatch',
    ],
    ['no labour plan', { labourPlan: undefined }, 'no_labour_plan'],
    [
      'plan not covering the month',
      { labourPlan: { coversMonth: false, availableForWork: true } },
      'no_labour_plan',
    ],
    [
      'availability not judged',
      { labourPlan: { coversMonth: true, availableForWork: null } },
      'availability_not_judged',
    ],
    [
      'not available but with a stated reason',
      { labourPlan: { coversMonth: true, availableForWork: false, reason: 'Sjukskriven med läkarintyg' } },
      'availability_reason_to_assess',
    ],
    [
      'a decision already exists for the month',
      { previousDecision: { month: '2026-03', rentOre: 600000, payableOre: 1122000 } },
      'decision_exists_for_month',
    ],
  ] as const)('%s', (_name, extra, code) => {
    const a = assess(extra as Partial<AssessmentInput>);
    expect(a.outcome).toBe('manual');
    expect(codes(a)).toContain(code);
  });

  it('other items in the calculation are listed with their sum', () => {
    const a = assess({
      calculation: calc({ costs: [{ type: 'otherItem', amountOre: 250000, description: 'Glasögon' }] }),
    });
    expect(a.outcome).toBe('manual');
    expect(a.reasons[0]?.text).toBe(
      nbsp('Ansökan innehåller övriga poster som ska prövas av handläggare: Glasögon (sammanlagt 2 500 kr).'),
    );
  });

  it('rent above the guideline', () => {
    const a = assess({
      calculation: calc({ costs: [{ type: 'rent', amountOre: 800000 }] }),
      previousDecision: { month: '2026-02', rentOre: 800000, payableOre: 1212000 },
    });
    expect(a.outcome).toBe('manual');
    expect(a.reasons).toEqual([
      {
        code: 'cost_above_guideline',
        text: nbsp('Boendekostnad (hyra): sökt 8 000 kr är högre än riktlinjernas 6 900 kr.'),
        legalReference: 'Kommunens riktlinjer för ekonomiskt bistånd',
      },
    ]);
  });

  it('rent 3 000 → 5 000 kr against the previous decision (DOMAIN.md example)', () => {
    const c = calc({ costs: [{ type: 'rent', amountOre: 500000 }] });
    expect(appliedRentOre(c)).toBe(500000);
    const a = assess({
      calculation: c,
      previousDecision: { month: '2026-02', rentOre: 300000, payableOre: 822000 },
    });
    expect(a.outcome).toBe('manual');
    expect(a.reasons).toEqual([
      {
        code: 'rent_change',
        text: nbsp(
          'Hyran har ändrats från 3 000 kr till 5 000 kr (+2 000 kr, +66,7 %) jämfört med beslutet för februari 2026.',
        ),
      },
    ]);
  });

  it('rent change: percent threshold alone, and kronor threshold alone', () => {
    // both thresholds: 5 300 → 6 000 kr is +700 kr (> 500 kr) and +13,2 % (> 10 %)
    const both = assess({ previousDecision: { month: '2026-02', rentOre: 530000, payableOre: 0 } });
    expect(codes(both)).toEqual(['rent_change']);
    // percent only: 1 000 → 1 200 kr (+200 kr, +20 %)
    const pct = assess({
      calculation: calc({ costs: [{ type: 'rent', amountOre: 120000 }] }),
      previousDecision: { month: '2026-02', rentOre: 100000, payableOre: 0 },
    });
    expect(codes(pct)).toEqual(['rent_change']);
    // kronor only: relaxed percent, 6 000 → 5 400 kr (−600 kr > 500 kr)
    const kr = assess({
      guidelines: { ...g, manualThresholds: { ...g.manualThresholds, rentChangePercent: 50 } },
      previousDecision: { month: '2026-02', rentOre: 660000, payableOre: 0 },
    });
    expect(kr.reasons[0]?.text).toContain('(−600');
    expect(kr.reasons[0]?.text).toContain('−9,1 %');
  });

  it('payable above the robot limit', () => {
    const a = assess({
      guidelines: { ...g, manualThresholds: { ...g.manualThresholds, maxRobotAmountOre: 1000000 } },
    });
    expect(a.outcome).toBe('manual');
    expect(a.reasons[0]?.text).toBe(
      nbsp('Beloppet 11 220 kr är högre än gränsen för automatiskt beslut (10 000 kr).'),
    );
  });

  it('a cost type the tenant does not let the robot approve', () => {
    const a = assess({
      calculation: calc({
        costs: [
          { type: 'rent', amountOre: 600000 },
          { type: 'dentalCareAcute', amountOre: 90000 },
        ],
      }),
    });
    expect(a.outcome).toBe('manual');
    expect(a.reasons).toEqual([
      {
        code: 'cost_type_not_robot_approvable',
        text: 'Kostnader som enligt riktlinjerna inte beviljas automatiskt: akut tandvård.',
      },
    ]);
  });

  it('manual wins over reject, and the rejection grounds are listed after the manual ones', () => {
    const a = assess({
      calculation: calc({ incomes: [{ memberId: 'a', type: 'pension', amountOre: 2000000 }] }),
      technicalError: 'Timeout',
    });
    expect(a.outcome).toBe('manual');
    expect(codes(a)).toEqual(['technical_error', 'income_covers_need']);
  });
});

describe('assessApplication: reject', () => {
  it('income above the norm and costs, with both figures in the text', () => {
    // need 5 220 + 6 000 = 11 220 kr; pension 12 500 kr
    const a = assess({
      calculation: calc({ incomes: [{ memberId: 'a', type: 'pension', amountOre: 1250000 }] }),
    });
    expect(a.outcome).toBe('reject');
    expect(a.reasons).toEqual([
      {
        code: 'income_covers_need',
        text: nbsp(
          'Hushållets inkomster för månaden (12 500 kr) överstiger normen och godtagbara kostnader (11 220 kr). Ni har därför inte rätt till ekonomiskt bistånd till försörjningen för mars 2026.',
        ),
        legalReference: '12 kap. 1 § socialtjänstlagen (2025:400)',
      },
    ]);
  });

  it('income exactly equal to the need', () => {
    const a = assess({
      calculation: calc({ incomes: [{ memberId: 'a', type: 'pension', amountOre: 1122000 }] }),
    });
    expect(a.outcome).toBe('reject');
    expect(a.reasons[0]?.text).toContain('är lika stora som normen');
  });

  it('a positive result that rounds to 0 kr', () => {
    const a = assess({
      calculation: calc({ incomes: [{ memberId: 'a', type: 'pension', amountOre: 1121950 }] }),
    });
    expect(a.outcome).toBe('reject');
    expect(codes(a)).toEqual(['amount_rounds_to_zero']);
    expect(a.reasons[0]?.text).toContain('0,50 kr');
  });

  it('not available for work without a stated good reason (12 kap. 3 §)', () => {
    const a = assess({ labourPlan: { coversMonth: true, availableForWork: false } });
    expect(a.outcome).toBe('reject');
    expect(a.reasons).toHaveLength(1);
    expect(a.reasons[0]?.code).toBe('not_available_for_work');
    expect(a.reasons[0]?.text).toMatch(/^Du har inte stått till arbetsmarknadens förfogande/);
    expect(a.reasons[0]?.text).toContain('mars 2026');
    expect(a.reasons[0]?.legalReference).toBe('12 kap. 3 § socialtjänstlagen (2025:400)');
  });

  it('both rejection grounds together', () => {
    const a = assess({
      calculation: calc({ incomes: [{ memberId: 'a', type: 'wage', amountOre: 1500000 }] }),
      labourPlan: { coversMonth: true, availableForWork: false, reason: '  ' },
    });
    expect(a.outcome).toBe('reject');
    expect(codes(a)).toEqual(['income_covers_need', 'not_available_for_work']);
  });
});
