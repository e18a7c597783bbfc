/** Cost items a household can apply for outside the norm (DOMAIN.md §3). */
export const COST_TYPES = [
  'rent',
  'electricity',
  'homeInsurance',
  'unionFee',
  'unemploymentFundFee',
  'workTravel',
  'childcare',
  'medicine',
  'dentalCareAcute',
  'otherItem',
] as const;

export type CostType = (typeof COST_TYPES)[number];

/** Income types; all of them count in the calculation except the 12 kap. 8–9 §§ exemptions on wages. */
export const INCOME_TYPES = [
  'wage',
  'unemploymentBenefit',
  'sicknessBenefit',
  'activitySupport',
  'housingAllowance',
  'childAllowance',
  'maintenanceSupport',
  'studentAid',
  'pension',
  'parentalBenefit',
  'other',
] as const;

export type IncomeType = (typeof INCOME_TYPES)[number];

export const isCostType = (value: string): value is CostType =>
  (COST_TYPES as readonly string[]).includes(value);

export const isIncomeType = (value: string): value is IncomeType =>
  (INCOME_TYPES as readonly string[]).includes(value);
