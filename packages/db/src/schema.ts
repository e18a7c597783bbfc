import type { ColumnType, Generated, Insertable, JSONColumnType, Selectable } from 'kysely';

/**
 * Row types of the two schema kinds, camelCased by kysely's CamelCasePlugin.
 * `PlatformTables` live in schema `platform`; `TenantTables` in every `kommun_NNNN` schema.
 * Keep in step with migrations/ (a test compares both against the migrated database).
 */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type DateString = ColumnType<string, string, string>;

export interface MunicipalitiesTable {
  municipalityCode: string;
  name: string;
  organisationNumber: string | null;
  schemaName: string;
  committeeName: string;
  postalAddress: string | null;
  status: Generated<'active' | 'suspended' | 'offboarded'>;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface AgreementsTable {
  agreementId: Generated<string>;
  title: string;
  hostCode: string;
  tenantCode: string;
  scopes: string[];
  validFrom: DateString;
  validTo: DateString | null;
  status: Generated<'active' | 'terminated'>;
  billingTerms: JSONColumnType<Record<string, unknown>>;
  dataControllerNote: string | null;
  createdAt: Timestamp;
}

export interface StaffTable {
  staffId: Generated<string>;
  username: string;
  displayName: string;
  title: string | null;
  employerCode: string;
  roles: string[];
  active: Generated<boolean>;
  createdAt: Timestamp;
}

export interface NationalNormsTable {
  year: number;
  effectiveFrom: DateString;
  legalReference: string;
  body: JSONColumnType<Record<string, unknown>>;
  createdBy: string;
  createdAt: Timestamp;
}

export interface OutboxTable {
  outboxId: Generated<number>;
  municipalityCode: string;
  queue: string;
  jobName: string;
  jobId: string;
  payload: JSONColumnType<Record<string, unknown>>;
  createdAt: Timestamp;
  sentAt: Date | null;
  attempts: Generated<number>;
  lastError: string | null;
}

export interface PlatformAuditLogTable {
  auditId: Generated<number>;
  occurredAt: Timestamp;
  actorKind: string;
  actorId: string;
  actorEmployerCode: string | null;
  action: string;
  outcome: 'allowed' | 'refused';
  target: string | null;
  requestId: string | null;
  detail: JSONColumnType<Record<string, unknown>>;
}

export interface PlatformTables {
  municipalities: MunicipalitiesTable;
  agreements: AgreementsTable;
  staff: StaffTable;
  nationalNorms: NationalNormsTable;
  outbox: OutboxTable;
  auditLog: PlatformAuditLogTable;
}

export interface DelegationRulesTable {
  ruleId: Generated<string>;
  reference: string;
  decisionType: string;
  delegate: JSONColumnType<Record<string, unknown>>;
  maxAmountOre: number | null;
  maxNormMultiple: ColumnType<string | null, number | string | null, number | string | null>;
  validFrom: DateString;
  validTo: DateString | null;
  note: string | null;
  createdBy: string;
  createdAt: Timestamp;
  endedBy: string | null;
  endedAt: Date | null;
}

export interface GuidelineVersionsTable {
  versionId: Generated<string>;
  effectiveFrom: DateString;
  body: JSONColumnType<Record<string, unknown>>;
  createdBy: string;
  createdAt: Timestamp;
}

export interface CitizensTable {
  personId: Generated<string>;
  personnummer: string;
  givenName: string;
  familyName: string;
  createdAt: Timestamp;
}

export interface AuditLogTable {
  auditId: Generated<number>;
  occurredAt: Timestamp;
  actorKind: 'staff' | 'citizen' | 'robot' | 'system';
  actorId: string;
  actorEmployerCode: string | null;
  actingForCode: string;
  accessBasis: 'own' | 'agreement' | 'citizen' | 'robot' | null;
  agreementId: string | null;
  delegationRuleId: string | null;
  action: string;
  outcome: 'allowed' | 'refused';
  objectType: string | null;
  objectId: string | null;
  personId: string | null;
  requestId: string | null;
  detail: JSONColumnType<Record<string, unknown>>;
}

export interface TenantTables {
  delegationRules: DelegationRulesTable;
  guidelineVersions: GuidelineVersionsTable;
  citizens: CitizensTable;
  auditLog: AuditLogTable;
}

export type Municipality = Selectable<MunicipalitiesTable>;
export type Agreement = Selectable<AgreementsTable>;
export type Staff = Selectable<StaffTable>;
export type AuditEntry = Selectable<AuditLogTable>;
export type NewAuditEntry = Insertable<AuditLogTable>;
export type DelegationRuleRow = Selectable<DelegationRulesTable>;
