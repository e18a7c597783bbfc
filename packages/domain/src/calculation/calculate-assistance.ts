import {
  type DateParts,
  daysInMonth,
  formatIsoDate,
  parseIsoDate,
  parseIsoMonth,
} from '../calendar/iso-date.ts';
import { DomainError } from '../errors.ts';
import { formatKronor, type Ore } from '../money.ts';
import type { ValidationIssue } from '../norms/issues.ts';
import { type NationalNorm, nationalNormVersion, type PersonalNormRow } from '../norms/national-norm.ts';
import { electricityNormFor, rentCeilingFor, type TenantGuidelines } from '../norms/tenant-guidelines.ts';
import { COST_TYPES, type CostType, INCOME_TYPES } from '../norms/types.ts';
import { ageOn, childNormRow, PERSONAL_ROW_LABELS } from './age.ts';
import { COST_LABELS, INCOME_LABELS } from './labels.ts';
import { LEGAL_REFERENCES } from './legal-references.ts';
import { ROUNDING_LABELS, roundByRule } from './rounding.ts';
import type {
  Calculation,
  CalculationInput,
  CalculationLine,
  CappedCost,
  CostEntry,
  HouseholdMember,
  MemberExemption,
} from './types.ts';

/** 12 kap. 8 §: share of work income left uncounted, and for how many months. */
const WORK_INCOME_RELIEF_SHARE = 0.25;
const WORK_INCOME_RELIEF_MIN_CONSECUTIVE_MONTHS = 6;
const WORK_INCOME_RELIEF_MAX_MONTHS = 24;

/** Cost types that are cost items of the norm paragraph (12 kap. 7 §); the rest are livsföring i övrigt. */
const COST_ITEMS_OF_7_SECTION: ReadonlySet<CostType> = new Set<CostType>([
  'rent',
  'electricity',
  'homeInsurance',
  'unionFee',
  'unemploymentFundFee',
  'workTravel',
]);

/** A member as the calculation sees them on the first day of the month. */
interface ClassifiedMember {
  readonly member: HouseholdMember;
  readonly name: string;
  readonly age: number;
  /** The child/youth row, or undefined for an adult. */
  readonly childRow: PersonalNormRow | undefined;
  /** otherAdult, or a 'child' who by age counts as an adult: shares the home without being a partner. */
  readonly isSharingAdult: boolean;
}

const sumOre = (values: readonly number[]): Ore => values.reduce((a, b) => a + b, 0);

/**
 * The monthly normberäkning (DOMAIN.md §3): riksnorm by member and household size, reasonable
 * costs (rent capped at the tenant's skälig hyra, electricity capped at the tenant's norm), all
 * income except the 12 kap. 8–9 §§ exemptions, and the tenant's rounding. Pure and deterministic.
 *
 * Throws DomainError('validation_failed', …, { issues }) for a malformed input and
 * DomainError('calculation_failed') when the norm or guidelines do not apply to the month.
 */
export function calculateAssistance(input: CalculationInput): Calculation {
  const { nationalNorm: norm, guidelines } = input;
  const monthStart = validateInput(input);
  checkApplicability(input.month, monthStart, norm, guidelines);

  const members = input.members.map((member): ClassifiedMember => {
    const birth = parseIsoDate(member.birthDate);
    // Born during the month applied for: counted as 0 years.
    const age = Math.max(0, ageOn(birth, monthStart));
    const childRow =
      member.role === 'child' ? childNormRow(age, member.inSchoolLivingAtHome === true) : undefined;
    const isSharingAdult =
      member.role === 'otherAdult' || (member.role === 'child' && childRow === undefined);
    return { member, name: member.displayName ?? member.id, age, childRow, isSharingAdult };
  });

  const lines: CalculationLine[] = [
    ...personalCostLines(members, norm, guidelines),
    ...commonCostLines(members, norm, input.sharedHousehold?.totalPersons ?? members.length),
  ];

  // Reasonable costs outside the norm.
  const cappedCosts: CappedCost[] = [];
  const unassessedItems: CostEntry[] = input.costs.filter((c) => c.type === 'otherItem');
  const adults = members.filter((m) => m.childRow === undefined).length;
  const children = members.length - adults;
  const rent = input.costs.filter((c) => c.type === 'rent');
  if (rent.length > 0) {
    const applied = sumOre(rent.map((c) => c.amountOre));
    const ceiling = rentCeilingFor(guidelines, adults, children);
    const accepted = Math.min(applied, ceiling);
    if (accepted < applied) cappedCosts.push({ type: 'rent', appliedOre: applied, acceptedOre: accepted });
    const composition = `${adults} ${adults === 1 ? 'vuxen' : 'vuxna'} och ${children} barn`;
    lines.push({
      code: 'cost.rent',
      label:
        accepted < applied
          ? `${COST_LABELS.rent}, begärt ${formatKronor(applied)}, godtaget upp till skälig hyra för ${composition}`
          : COST_LABELS.rent,
      amountOre: accepted,
      legalReference:
        accepted < applied
          ? `${LEGAL_REFERENCES.normAndCostItems}; ${LEGAL_REFERENCES.tenantGuidelines}`
          : LEGAL_REFERENCES.normAndCostItems,
    });
  }
  // Household electricity: taken at the actual cost but never above the tenant's electricity
  // norm for the household size (members of this calculation). The excess is reported in
  // cappedCosts, so the robot hands the case to a caseworker, who may still accept it.
  const electricity = input.costs.filter((c) => c.type === 'electricity');
  if (electricity.length > 0) {
    const applied = sumOre(electricity.map((c) => c.amountOre));
    const ceiling = electricityNormFor(guidelines, members.length);
    const accepted = Math.min(applied, ceiling);
    if (accepted < applied)
      cappedCosts.push({ type: 'electricity', appliedOre: applied, acceptedOre: accepted });
    lines.push({
      code: 'cost.electricity',
      label:
        accepted < applied
          ? `${COST_LABELS.electricity}, begärt ${formatKronor(applied)}, godtaget upp till kommunens elnorm för ${members.length} ${members.length === 1 ? 'person' : 'personer'}`
          : COST_LABELS.electricity,
      amountOre: accepted,
      legalReference:
        accepted < applied
          ? `${LEGAL_REFERENCES.normAndCostItems}; ${LEGAL_REFERENCES.tenantGuidelines}`
          : LEGAL_REFERENCES.normAndCostItems,
    });
  }
  for (const cost of input.costs) {
    if (cost.type === 'rent' || cost.type === 'electricity' || cost.type === 'otherItem') continue;
    lines.push({
      code: `cost.${cost.type}`,
      label: cost.description ? `${COST_LABELS[cost.type]}: ${cost.description}` : COST_LABELS[cost.type],
      amountOre: cost.amountOre,
      legalReference: COST_ITEMS_OF_7_SECTION.has(cost.type)
        ? LEGAL_REFERENCES.normAndCostItems
        : LEGAL_REFERENCES.assistance,
    });
  }
  const needOre = sumOre(lines.map((l) => l.amountOre));

  // Income: every type counts, in full, except the exemptions below.
  for (const income of input.incomes) {
    const who = members.find((m) => m.member.id === income.memberId);
    const label = `${INCOME_LABELS[income.type]} (${who?.name ?? income.memberId})`;
    lines.push({
      code: `income.${income.type}`,
      label: income.description ? `${label}: ${income.description}` : label,
      memberId: income.memberId,
      amountOre: 0 - income.amountOre, // never -0
      legalReference: LEGAL_REFERENCES.assistance,
    });
  }
  const exemptions = workIncomeExemptions(members, input, norm);
  for (const e of exemptions) lines.push(...e.lines);

  const countedIncomeOre = 0 - sumOre(lines.filter((l) => !isNeedLine(l)).map((l) => l.amountOre));
  const resultOre = needOre - countedIncomeOre;
  let payableOre = 0;
  if (resultOre > 0) {
    payableOre = roundByRule(resultOre, guidelines.rounding);
    if (payableOre !== resultOre) {
      lines.push({
        code: 'rounding',
        label: `Avrundning ${ROUNDING_LABELS[guidelines.rounding]}`,
        amountOre: payableOre - resultOre,
        legalReference: LEGAL_REFERENCES.tenantGuidelines,
      });
    }
  }

  return {
    month: input.month,
    normYear: norm.year,
    normVersion: nationalNormVersion(norm),
    guidelinesEffectiveFrom: guidelines.effectiveFrom,
    lines,
    needOre,
    countedIncomeOre,
    resultOre,
    payableOre,
    unassessedItems,
    cappedCosts,
    memberExemptions: exemptions.map((e) => e.bookkeeping),
  };
}

const isNeedLine = (line: CalculationLine): boolean =>
  line.code.startsWith('norm.') || line.code.startsWith('cost.');

function personalCostLines(
  members: readonly ClassifiedMember[],
  norm: NationalNorm,
  guidelines: TenantGuidelines,
): CalculationLine[] {
  const lines: CalculationLine[] = [];
  const applicant = members.find((m) => m.member.role === 'applicant');
  const partner = members.find((m) => m.member.role === 'partner');
  if (applicant && partner) {
    lines.push({
      code: 'norm.personal.coupleAdults',
      label: `Personlig kostnad, ${PERSONAL_ROW_LABELS.coupleAdults} (${applicant.name} och ${partner.name})`,
      amountOre: norm.personal.coupleAdults,
      legalReference: norm.legalReference,
    });
  } else if (applicant) {
    lines.push({
      code: 'norm.personal.singleAdult',
      label: `Personlig kostnad, ${PERSONAL_ROW_LABELS.singleAdult} (${applicant.name}, ${applicant.age} år)`,
      memberId: applicant.member.id,
      amountOre: norm.personal.singleAdult,
      legalReference: norm.legalReference,
    });
  }
  for (const m of members) {
    const who = `${m.name}, ${m.age} år`;
    if (m.isSharingAdult) {
      lines.push({
        code: 'norm.personal.singleAdult',
        label: `Personlig kostnad, vuxen som delar bostad (${who})`,
        memberId: m.member.id,
        amountOre: norm.personal.singleAdult,
        legalReference: norm.legalReference,
      });
      continue;
    }
    const row = m.childRow;
    if (!row) continue; // applicant/partner handled above
    const base = `Personlig kostnad, ${PERSONAL_ROW_LABELS[row]}`;
    const localRow = lunchRow(row);
    if (m.member.preschoolLunch === true && localRow) {
      const local = guidelines.localNormRows.childWithoutLunch?.[localRow];
      if (local !== undefined) {
        lines.push({
          code: `norm.personal.${row}.without_lunch`,
          label: `${base}, utan lunch (äter lunch på förskolan) (${who})`,
          memberId: m.member.id,
          amountOre: local,
          legalReference: `${norm.legalReference}; ${LEGAL_REFERENCES.tenantGuidelines} (lokal normrad)`,
        });
        continue;
      }
      lines.push({
        code: `norm.personal.${row}`,
        label: `${base} (${who}); äter lunch på förskolan men kommunen har ingen normrad utan lunch, så riksnormens belopp används`,
        memberId: m.member.id,
        amountOre: norm.personal[row],
        legalReference: norm.legalReference,
      });
      continue;
    }
    lines.push({
      code: `norm.personal.${row}`,
      label: `${base} (${who})`,
      memberId: m.member.id,
      amountOre: norm.personal[row],
      legalReference: norm.legalReference,
    });
  }
  return lines;
}

function lunchRow(row: PersonalNormRow): 'child1to2' | 'child3' | 'child4to6' | undefined {
  return row === 'child1to2' || row === 'child3' || row === 'child4to6' ? row : undefined;
}

/** Common household costs for a household of `persons` (size 1–7, then + eachExtra per person). */
export function commonCostFor(norm: NationalNorm, persons: number): Ore {
  const c = norm.common;
  const table = [c.size1, c.size2, c.size3, c.size4, c.size5, c.size6, c.size7];
  if (persons <= 7) return table[Math.max(1, persons) - 1] ?? c.size1;
  return c.size7 + (persons - 7) * c.eachExtra;
}

const personsText = (n: number): string => `${n} ${n === 1 ? 'person' : 'personer'}`;

/**
 * Common costs. Everyone in the calculation, in a home nobody else lives in, gets one line for
 * the household size. When an adult shares the home without being a partner (otherAdult, an
 * adult child), or the home is shared with people outside the calculation, each share is
 * (common costs of the whole home ÷ persons): one line per sharing adult and one for the rest of
 * the household. Shares are rounded to whole öre; the household line takes the remainder so the
 * lines add up to round(total × members ÷ persons).
 */
function commonCostLines(
  members: readonly ClassifiedMember[],
  norm: NationalNorm,
  totalPersons: number,
): CalculationLine[] {
  const total = commonCostFor(norm, totalPersons);
  const sharing = members.filter((m) => m.isSharingAdult);
  if (sharing.length === 0 && totalPersons === members.length) {
    const extra =
      totalPersons > 7
        ? ` (7 personer + ${personsText(totalPersons - 7)} à ${formatKronor(norm.common.eachExtra)})`
        : '';
    return [
      {
        code: 'norm.common',
        label: `Gemensamma hushållskostnader, ${personsText(totalPersons)}${extra}`,
        amountOre: total,
        legalReference: norm.legalReference,
      },
    ];
  }
  const whole = `${formatKronor(total)} för ${personsText(totalPersons)}`;
  const lines: CalculationLine[] = sharing.map((m) => ({
    code: 'norm.common.share',
    label: `Andel av gemensamma hushållskostnader, vuxen som delar bostad (${m.name}): 1/${totalPersons} av ${whole}`,
    memberId: m.member.id,
    amountOre: Math.round(total / totalPersons),
    legalReference: norm.legalReference,
  }));
  const rest = members.length - sharing.length;
  if (rest > 0) {
    const membersShare = Math.round((total * members.length) / totalPersons);
    lines.unshift({
      code: 'norm.common.share',
      label: `Andel av gemensamma hushållskostnader, hushållet: ${rest}/${totalPersons} av ${whole}`,
      amountOre: membersShare - sumOre(lines.map((l) => l.amountOre)),
      legalReference: norm.legalReference,
    });
  }
  return lines;
}

/**
 * Work-income exemptions per member, on the member's wages for the month:
 * 1. 12 kap. 9 §: a child (under 18) or a person under 21 in school living at home keeps wages
 *    uncounted up to one prisbasbelopp per calendar year (running total carried by the caller).
 * 2. 12 kap. 8 §: after 6 consecutive months with assistance, 25 % of the wages still counted
 *    are left uncounted, for at most 24 months. Applied after step 1, on what step 1 left.
 */
function workIncomeExemptions(
  members: readonly ClassifiedMember[],
  input: CalculationInput,
  norm: NationalNorm,
): { lines: CalculationLine[]; bookkeeping: MemberExemption }[] {
  return members.flatMap((m) => {
    const wages = sumOre(
      input.incomes.filter((i) => i.memberId === m.member.id && i.type === 'wage').map((i) => i.amountOre),
    );
    if (wages === 0) return [];
    const lines: CalculationLine[] = [];
    const usedBefore = m.member.exemptWorkIncomeUsedThisYearOre ?? 0;
    let exemptWorkIncomeOre = 0;
    const isYouth =
      (m.member.role === 'child' && m.age < 18) || (m.age < 21 && m.member.inSchoolLivingAtHome === true);
    if (isYouth) {
      const remaining = Math.max(0, norm.priceBaseAmount - usedBefore);
      exemptWorkIncomeOre = Math.min(wages, remaining);
      if (exemptWorkIncomeOre > 0) {
        lines.push({
          code: 'exemption.youth_work_income',
          label: `Arbetsinkomst som inte räknas, ${m.age < 18 ? 'barn' : 'ungdom i skolan'} (${m.name}, ${m.age} år): ${formatKronor(exemptWorkIncomeOre)} av årets återstående fribelopp ${formatKronor(remaining)} (ett prisbasbelopp ${formatKronor(norm.priceBaseAmount)} per år)`,
          memberId: m.member.id,
          amountOre: exemptWorkIncomeOre,
          legalReference: LEGAL_REFERENCES.youthWorkIncome,
        });
      }
    }
    let workIncomeReliefOre = 0;
    const reliefMonthsUsed = m.member.workIncomeReliefMonthsUsed ?? 0;
    const stillCounted = wages - exemptWorkIncomeOre;
    if (
      stillCounted > 0 &&
      (m.member.consecutiveAssistanceMonths ?? 0) >= WORK_INCOME_RELIEF_MIN_CONSECUTIVE_MONTHS &&
      reliefMonthsUsed < WORK_INCOME_RELIEF_MAX_MONTHS
    ) {
      workIncomeReliefOre = Math.round(stillCounted * WORK_INCOME_RELIEF_SHARE);
      lines.push({
        code: 'exemption.work_income_25',
        label: `25 % av lönen räknas inte (${m.name}), månad ${reliefMonthsUsed + 1} av ${WORK_INCOME_RELIEF_MAX_MONTHS}`,
        memberId: m.member.id,
        amountOre: workIncomeReliefOre,
        legalReference: LEGAL_REFERENCES.workIncomeRelief,
      });
    }
    return [
      {
        lines,
        bookkeeping: {
          memberId: m.member.id,
          workIncomeReliefApplied: workIncomeReliefOre > 0,
          workIncomeReliefOre,
          exemptWorkIncomeOre,
          exemptWorkIncomeUsedThisYearOre: usedBefore + exemptWorkIncomeOre,
        },
      },
    ];
  });
}

function checkApplicability(
  month: string,
  monthStart: DateParts,
  norm: NationalNorm,
  g: TenantGuidelines,
): void {
  const first = formatIsoDate(monthStart.year, monthStart.month, 1);
  if (norm.year !== monthStart.year || norm.effectiveFrom > first) {
    throw new DomainError('calculation_failed', `Riksnormen för ${norm.year} gäller inte för ${month}.`, {
      month,
      normYear: norm.year,
      normEffectiveFrom: norm.effectiveFrom,
    });
  }
  if (g.effectiveFrom > first) {
    throw new DomainError('calculation_failed', `Riktlinjerna gäller först från ${g.effectiveFrom}.`, {
      month,
      guidelinesEffectiveFrom: g.effectiveFrom,
    });
  }
}

function validateInput(input: CalculationInput): DateParts {
  const issues: ValidationIssue[] = [];
  const add = (path: string, message: string): void => {
    issues.push({ path, message });
  };
  const checkOre = (path: string, value: unknown): void => {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      add(path, 'Beloppet måste vara ett icke-negativt heltal i öre.');
    }
  };
  const checkCount = (path: string, value: unknown): void => {
    if (value !== undefined && (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)) {
      add(path, 'Antalet måste vara ett icke-negativt heltal.');
    }
  };
  let monthStart: DateParts = { year: 0, month: 1, day: 1 };
  let monthEnd = '';
  try {
    const { year, month } = parseIsoMonth(input.month);
    monthStart = { year, month, day: 1 };
    monthEnd = formatIsoDate(year, month, daysInMonth(year, month));
  } catch {
    add('month', 'Månaden ska anges som ÅÅÅÅ-MM.');
  }

  const ids = new Set<string>();
  if (input.members.length === 0) add('members', 'Hushållet saknar medlemmar.');
  input.members.forEach((m, i) => {
    if (!m.id) add(`members.${i}.id`, 'Id saknas.');
    if (ids.has(m.id)) add(`members.${i}.id`, `Id ${m.id} förekommer flera gånger.`);
    ids.add(m.id);
    try {
      parseIsoDate(m.birthDate);
      if (monthEnd && m.birthDate > monthEnd)
        add(`members.${i}.birthDate`, 'Födelsedatumet ligger efter månaden.');
    } catch {
      add(`members.${i}.birthDate`, 'Ogiltigt födelsedatum.');
    }
    checkCount(`members.${i}.consecutiveAssistanceMonths`, m.consecutiveAssistanceMonths);
    checkCount(`members.${i}.workIncomeReliefMonthsUsed`, m.workIncomeReliefMonthsUsed);
    if (m.exemptWorkIncomeUsedThisYearOre !== undefined) {
      checkOre(`members.${i}.exemptWorkIncomeUsedThisYearOre`, m.exemptWorkIncomeUsedThisYearOre);
    }
  });
  const applicants = input.members.filter((m) => m.role === 'applicant').length;
  if (applicants !== 1) add('members', 'Hushållet ska ha exakt en sökande.');
  if (input.members.filter((m) => m.role === 'partner').length > 1)
    add('members', 'Hushållet kan ha högst en partner.');

  input.incomes.forEach((inc, i) => {
    if (!ids.has(inc.memberId)) add(`incomes.${i}.memberId`, `Okänd hushållsmedlem ${inc.memberId}.`);
    if (!(INCOME_TYPES as readonly string[]).includes(inc.type))
      add(`incomes.${i}.type`, 'Okänd inkomsttyp.');
    checkOre(`incomes.${i}.amountOre`, inc.amountOre);
  });
  input.costs.forEach((c, i) => {
    if (!(COST_TYPES as readonly string[]).includes(c.type)) add(`costs.${i}.type`, 'Okänd kostnadstyp.');
    checkOre(`costs.${i}.amountOre`, c.amountOre);
  });
  const total = input.sharedHousehold?.totalPersons;
  if (total !== undefined && (!Number.isSafeInteger(total) || total < input.members.length)) {
    add(
      'sharedHousehold.totalPersons',
      'Antalet personer i bostaden måste vara ett heltal, minst hushållets storlek.',
    );
  }
  if (issues.length > 0) {
    throw new DomainError('validation_failed', 'Underlaget för beräkningen är ogiltigt.', { issues });
  }
  return monthStart;
}
