import type { NewMunicipality } from '@samverkan/db';
import type { DelegationRuleInput, StaffRole } from '@samverkan/domain';

/**
 * The demo platform: Trelleborg (host, also its own tenant) and Svedala (tenant under an
 * agreement covering both scopes). Figures from the seeds (004: 5.75 posts, 3 992 500 kr/year
 * including 15 % on-cost). Svedala's organisation number is not confirmed, so it is left empty
 * until an administrator enters it.
 */
export const TRELLEBORG: NewMunicipality = {
  code: '1287',
  name: 'Trelleborgs kommun',
  organisationNumber: '2120001199',
  committeeName: 'Arbetsmarknadsnämnden i Trelleborgs kommun',
  postalAddress: 'Trelleborgs kommun, Arbetsmarknadsförvaltningen, 231 83 Trelleborg',
};

export const SVEDALA: NewMunicipality = {
  code: '1263',
  name: 'Svedala kommun',
  organisationNumber: null,
  committeeName: 'Socialnämnden i Svedala kommun',
  postalAddress: 'Svedala kommun, Socialnämnden, 233 80 Svedala',
};

export const DEMO_AGREEMENT = {
  title: 'Avtalssamverkan om ekonomiskt bistånd och arbetsmarknadsinsatser (KL 9 kap. 37 §)',
  hostCode: '1287',
  tenantCode: '1263',
  scopes: ['assistance', 'labour_market'],
  validFrom: '2025-01-01',
  validTo: null,
  billingTerms: {
    invoicePeriod: 'monthly',
    priceModel: 'fixed_yearly',
    fixedYearlyOre: 399_250_000,
    fullTimePosts: 5.75,
    onCostPercent: 15,
    indexation: [] as { from: string; percent: number }[],
    // Seed 004: 16 989 kr per enrolled person and year (235 enrolled) against Svedala's own 28 915 kr.
    perEnrolledPersonYearOre: 1_698_900,
    costBeforeAgreementPerEnrolledOre: 2_891_500,
    variableCostsAtCostPrice: true,
    assistancePayout: 'tenant_account',
    vatCategory: 'O',
    buyerReference: 'Svedala socialförvaltning',
    paymentTermsDays: 30,
  },
  dataControllerNote:
    'Svedala kommun (socialnämnden) är huvudman och personuppgiftsansvarig för sina invånares ärenden. ' +
    'Trelleborgs kommun utför arbetet och behandlar uppgifterna för Svedalas räkning enligt avtalet.',
};

export const DEMO_STAFF: {
  username: string;
  displayName: string;
  title: string;
  employerCode: string;
  roles: StaffRole[];
}[] = [
  {
    username: 'handlaggare.trelleborg',
    displayName: 'Hanna Handläggare',
    title: 'Handläggare ekonomiskt bistånd',
    employerCode: '1287',
    roles: ['caseworker'],
  },
  {
    username: 'ask.trelleborg',
    displayName: 'Adam Arbetsmarknadssekreterare',
    title: 'Arbetsmarknadssekreterare',
    employerCode: '1287',
    roles: ['labour_officer'],
  },
  {
    username: 'enhetschef.trelleborg',
    displayName: 'Eva Enhetschef',
    title: 'Enhetschef',
    employerCode: '1287',
    roles: ['unit_manager'],
  },
  {
    username: 'ekonomi.trelleborg',
    displayName: 'Erik Ekonom',
    title: 'Ekonom',
    employerCode: '1287',
    roles: ['finance'],
  },
  {
    username: 'uppfoljare.svedala',
    displayName: 'Ulla Uppföljare',
    title: 'Uppföljare, socialförvaltningen',
    employerCode: '1263',
    roles: ['follow_up'],
  },
  {
    username: 'admin',
    displayName: 'Plattformsadministratör',
    title: 'Systemförvaltare',
    employerCode: '1287',
    roles: ['platform_admin'],
  },
];

type SeedRule = Omit<DelegationRuleInput, 'maxAmountOre' | 'maxNormMultiple' | 'validTo' | 'note'> &
  Partial<Pick<DelegationRuleInput, 'maxAmountOre' | 'maxNormMultiple' | 'note'>>;

/** Trelleborg lets the robot decide approvals up to 15 000 kr and all rejections. */
export const TRELLEBORG_DELEGATION: SeedRule[] = [
  {
    reference: '4.1.1',
    decisionType: 'assistance.approve',
    delegate: { kind: 'robot', mode: 'decide' },
    maxAmountOre: 1_500_000,
    validFrom: '2025-01-01',
    note: 'Automatiserat beslut, KL 6 kap. 37 §',
  },
  {
    reference: '4.1.2',
    decisionType: 'assistance.reject',
    delegate: { kind: 'robot', mode: 'decide' },
    validFrom: '2025-01-01',
    note: 'Automatiserat beslut, KL 6 kap. 37 §',
  },
  {
    reference: '4.2.1',
    decisionType: 'assistance.approve',
    delegate: { kind: 'role', role: 'caseworker', employerCode: '1287' },
    maxNormMultiple: 3,
    validFrom: '2025-01-01',
  },
  {
    reference: '4.2.2',
    decisionType: 'assistance.reject',
    delegate: { kind: 'role', role: 'caseworker', employerCode: '1287' },
    validFrom: '2025-01-01',
  },
  {
    reference: '4.3.1',
    decisionType: 'assistance.approve',
    delegate: { kind: 'role', role: 'unit_manager', employerCode: '1287' },
    validFrom: '2025-01-01',
  },
  {
    reference: '4.3.2',
    decisionType: 'assistance.reject',
    delegate: { kind: 'role', role: 'unit_manager', employerCode: '1287' },
    validFrom: '2025-01-01',
  },
];

/**
 * Svedala does not let the robot decide: it proposes, and a named Trelleborg employee signs
 * under external delegation (KL 9 kap. 37 §) — whether Svedala may delegate to a function run by
 * Trelleborg is unsettled in law.
 */
export const SVEDALA_DELEGATION: SeedRule[] = [
  {
    reference: '3.1',
    decisionType: 'assistance.approve',
    delegate: { kind: 'robot', mode: 'propose' },
    validFrom: '2025-01-01',
    note: 'Roboten lämnar förslag; beslut fattas av namngiven delegat',
  },
  {
    reference: '3.1',
    decisionType: 'assistance.reject',
    delegate: { kind: 'robot', mode: 'propose' },
    validFrom: '2025-01-01',
    note: 'Roboten lämnar förslag; beslut fattas av namngiven delegat',
  },
  {
    reference: '3.2',
    decisionType: 'assistance.approve',
    delegate: { kind: 'person', username: 'handlaggare.trelleborg', employerCode: '1287' },
    maxNormMultiple: 2,
    validFrom: '2025-01-01',
    note: 'Extern delegation enligt avtal, KL 9 kap. 37 §',
  },
  {
    reference: '3.2',
    decisionType: 'assistance.reject',
    delegate: { kind: 'person', username: 'handlaggare.trelleborg', employerCode: '1287' },
    validFrom: '2025-01-01',
    note: 'Extern delegation enligt avtal, KL 9 kap. 37 §',
  },
  {
    reference: '3.3',
    decisionType: 'assistance.approve',
    delegate: { kind: 'person', username: 'enhetschef.trelleborg', employerCode: '1287' },
    validFrom: '2025-01-01',
    note: 'Extern delegation enligt avtal, KL 9 kap. 37 §',
  },
  {
    reference: '3.3',
    decisionType: 'assistance.reject',
    delegate: { kind: 'person', username: 'enhetschef.trelleborg', employerCode: '1287' },
    validFrom: '2025-01-01',
    note: 'Extern delegation enligt avtal, KL 9 kap. 37 §',
  },
];

/** Demo payer accounts (fictitious Bankgiro numbers with valid check digits are not needed by banks' test files). */
export const PAYOUT_ACCOUNTS: Record<string, { kind: 'bankgiro'; number: string }> = {
  '1287': { kind: 'bankgiro', number: '50501055' },
  '1263': { kind: 'bankgiro', number: '56781234' },
};
