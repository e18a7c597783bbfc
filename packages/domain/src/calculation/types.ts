import type { Ore } from '../money.ts';
import type { NationalNorm } from '../norms/national-norm.ts';
import type { TenantGuidelines } from '../norms/tenant-guidelines.ts';
import type { CostType, IncomeType } from '../norms/types.ts';

/**
 * - applicant: the person applying (exactly one).
 * - partner: spouse/cohabitant; applicant + partner get the couple row once.
 * - child: a child in the household (by age; 19–20 only counts as youth when in school at home,
 *   otherwise an adult child is treated as an adult sharing the home, like otherAdult).
 * - otherAdult: an adult who lives in the home and is part of this calculation without being a
 *   partner (e.g. a sibling or adult child): single adult's personal cost + a per-person share of
 *   the common costs of the whole home.
 */
export type MemberRole = 'applicant' | 'partner' | 'child' | 'otherAdult';

export interface HouseholdMember {
  readonly id: string;
  readonly role: MemberRole;
  readonly birthDate: string;
  /** First name for line labels (falls back to the id). */
  readonly displayName?: string;
  readonly inSchoolLivingAtHome?: boolean;
  /** The child eats lunch at preschool (local "utan lunch" row when the tenant has one). */
  readonly preschoolLunch?: boolean;
  /** Months with assistance immediately before the month applied for (12 kap. 8 §). */
  readonly consecutiveAssistanceMonths?: number;
  /** Months in which the 25 % relief has already been applied (max 24, 12 kap. 8 §). */
  readonly workIncomeReliefMonthsUsed?: number;
  /** Work income already left uncounted this calendar year under 12 kap. 9 §. */
  readonly exemptWorkIncomeUsedThisYearOre?: Ore;
}

export interface IncomeEntry {
  readonly memberId: string;
  readonly type: IncomeType;
  /** Net amount for the month. */
  readonly amountOre: Ore;
  readonly description?: string;
}

export interface CostEntry {
  readonly type: CostType;
  readonly amountOre: Ore;
  readonly description?: string;
}

export interface CalculationInput {
  /** The month applied for, 'YYYY-MM'. */
  readonly month: string;
  readonly members: readonly HouseholdMember[];
  readonly incomes: readonly IncomeEntry[];
  readonly costs: readonly CostEntry[];
  /** The riksnorm of the month's year. */
  readonly nationalNorm: NationalNorm;
  /** The tenant's guidelines in force on the first day of the month. */
  readonly guidelines: TenantGuidelines;
  /**
   * The home is shared with people who are NOT part of this calculation (e.g. the applicant
   * rents a room in a friend's flat). `totalPersons` counts everyone living there, members
   * included. The common costs are then those of a `totalPersons` household, and the members
   * get `members.length / totalPersons` of them (DOMAIN.md §3: common costs for the whole
   * household ÷ persons).
   */
  readonly sharedHousehold?: { readonly totalPersons: number };
}

export interface CalculationLine {
  /** Stable code, e.g. 'norm.personal.child7to10', 'norm.common', 'cost.rent', 'income.wage'. */
  readonly code: string;
  /** Swedish, shown to caseworkers and citizens. */
  readonly label: string;
  readonly memberId?: string;
  /** Positive for need (and for income left uncounted), negative for income. */
  readonly amountOre: Ore;
  readonly legalReference: string;
}

export interface CappedCost {
  readonly type: CostType;
  readonly appliedOre: Ore;
  readonly acceptedOre: Ore;
}

/** Per-member bookkeeping the caller stores to carry the 12 kap. 8–9 §§ counters forward. */
export interface MemberExemption {
  readonly memberId: string;
  /** 12 kap. 8 §: true when the 25 % relief was applied this month (counts as one of the 24 months). */
  readonly workIncomeReliefApplied: boolean;
  readonly workIncomeReliefOre: Ore;
  /** 12 kap. 9 §: work income left uncounted this month. */
  readonly exemptWorkIncomeOre: Ore;
  /** 12 kap. 9 §: the year's running total after this month. */
  readonly exemptWorkIncomeUsedThisYearOre: Ore;
}

export interface Calculation {
  readonly month: string;
  readonly normYear: number;
  /** E.g. 'riksnorm-2026'. */
  readonly normVersion: string;
  readonly guidelinesEffectiveFrom: string;
  readonly lines: readonly CalculationLine[];
  /** Norm + accepted costs. */
  readonly needOre: Ore;
  /** Income after the 12 kap. 8–9 §§ exemptions. */
  readonly countedIncomeOre: Ore;
  /** needOre − countedIncomeOre; negative when income exceeds the need. */
  readonly resultOre: Ore;
  /** resultOre rounded by the tenant's rule, never below 0. */
  readonly payableOre: Ore;
  /** 'otherItem' costs: never included automatically; a caseworker assesses them. */
  readonly unassessedItems: readonly CostEntry[];
  /** Costs accepted only up to the tenant's guideline. */
  readonly cappedCosts: readonly CappedCost[];
  readonly memberExemptions: readonly MemberExemption[];
}
