import type { CostType, IncomeType } from '../norms/types.ts';

export const COST_LABELS: Readonly<Record<CostType, string>> = {
  rent: 'Boendekostnad (hyra)',
  electricity: 'Hushållsel',
  homeInsurance: 'Hemförsäkring',
  unionFee: 'Fackföreningsavgift',
  unemploymentFundFee: 'Avgift till arbetslöshetskassa',
  workTravel: 'Arbetsresor',
  childcare: 'Avgift för förskola/fritidshem',
  medicine: 'Receptbelagd medicin',
  dentalCareAcute: 'Akut tandvård',
  otherItem: 'Övrig post',
};

export const INCOME_LABELS: Readonly<Record<IncomeType, string>> = {
  wage: 'Lön (netto)',
  unemploymentBenefit: 'Arbetslöshetsersättning',
  sicknessBenefit: 'Sjukpenning/sjukersättning',
  activitySupport: 'Aktivitetsstöd',
  housingAllowance: 'Bostadsbidrag',
  childAllowance: 'Barnbidrag',
  maintenanceSupport: 'Underhållsstöd/underhållsbidrag',
  studentAid: 'Studiemedel',
  pension: 'Pension',
  parentalBenefit: 'Föräldrapenning',
  other: 'Övrig inkomst',
};
