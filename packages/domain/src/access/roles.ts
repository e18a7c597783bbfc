/**
 * Staff roles and what each may do. A role only says what kind of work a person does;
 * *where* they may do it is decided by the agreement check in access.ts, and *which
 * decisions* they may take by the tenant's delegation rules (delegation.ts).
 */
export const STAFF_ROLES = [
  'caseworker', // handläggare
  'labour_officer', // arbetsmarknadssekreterare (ASK)
  'unit_manager', // enhetschef
  'follow_up', // uppföljare (tenant side)
  'finance', // ekonomi
  'platform_admin',
] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export const AGREEMENT_SCOPES = ['assistance', 'labour_market'] as const;
/** assistance = ekonomiskt bistånd; labour_market = arbetsmarknadsinsatser. */
export type AgreementScope = (typeof AGREEMENT_SCOPES)[number];

export const ACTIONS = [
  'municipality.read',
  'norms.read',
  'norms.write',
  'delegation.read',
  'delegation.write',
  'cases.read',
  'cases.write',
  'cases.decide',
  'labour.write',
  'audit.read',
  'statistics.read',
  'statistics.write',
  'reporting.export',
  'tenant.export',
  'records.dispose',
  'billing.read',
  'billing.write',
] as const;
export type Action = (typeof ACTIONS)[number];

/** Actions that only the municipality's own staff may take: the huvudman's own rules. */
export const OWN_STAFF_ONLY: ReadonlySet<Action> = new Set([
  'norms.write',
  'delegation.write',
  'audit.read',
  // The huvudman's own data duties: population figures, the person-level official report, the
  // whole-schema export and disposal (gallring) are never done for it by the host.
  'statistics.write',
  'reporting.export',
  'tenant.export',
  'records.dispose',
]);

/**
 * Roles that act only for the employer's own municipality: the huvudman's follow-up officer
 * follows up its own cases and never works for another municipality under an agreement.
 */
export const OWN_MUNICIPALITY_ROLES: ReadonlySet<StaffRole> = new Set(['follow_up']);

/** Actions that touch case work and so need the agreement scope when done for another municipality. */
export const ACTION_SCOPE: Partial<Record<Action, AgreementScope>> = {
  'cases.read': 'assistance',
  'cases.write': 'assistance',
  'cases.decide': 'assistance',
  // Statistics show assistance figures (decisions, amounts, households).
  'statistics.read': 'assistance',
  'labour.write': 'labour_market',
};

export const ROLE_ACTIONS: Record<StaffRole, readonly Action[]> = {
  caseworker: [
    'municipality.read',
    'norms.read',
    'delegation.read',
    'cases.read',
    'cases.write',
    'cases.decide',
  ],
  labour_officer: ['municipality.read', 'norms.read', 'cases.read', 'labour.write'],
  unit_manager: [
    'municipality.read',
    'norms.read',
    'norms.write',
    'delegation.read',
    'delegation.write',
    'cases.read',
    'cases.write',
    'cases.decide',
    'audit.read',
    'statistics.read',
    'statistics.write',
    'reporting.export',
    'tenant.export',
    'records.dispose',
  ],
  follow_up: [
    'municipality.read',
    'norms.read',
    'norms.write',
    'delegation.read',
    'delegation.write',
    'cases.read',
    'audit.read',
    'statistics.read',
    'statistics.write',
    'reporting.export',
    'tenant.export',
    'billing.read',
  ],
  finance: ['municipality.read', 'statistics.read', 'billing.read', 'billing.write'],
  platform_admin: ['municipality.read'],
};

export const isStaffRole = (value: string): value is StaffRole =>
  (STAFF_ROLES as readonly string[]).includes(value);
