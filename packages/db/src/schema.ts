import type { ColumnType, Generated, Insertable, JSONColumnType, Selectable } from 'kysely';
import type { BillingTables } from './schema-billing.ts';
import type { FollowUpTables } from './schema-follow-up.ts';

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
  payoutAccount: JSONColumnType<
    { kind: 'iban'; iban: string; bic?: string } | { kind: 'bankgiro'; number: string }
  > | null;
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

export interface PlatformTables extends BillingTables {
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

type Json<T extends object = Record<string, unknown>> = JSONColumnType<T>;
type Id = Generated<string>;

export interface IntakeSlotsTable {
  slotId: Id;
  startsAt: ColumnType<Date, Date | string, Date | string>;
  endsAt: ColumnType<Date, Date | string, Date | string>;
  place: 'tenant_office' | 'host_office' | 'video';
  locationName: string;
  officerUsername: string;
  bookedPersonId: string | null;
  bookedAt: Date | null;
  createdAt: Timestamp;
}

export interface LabourAssessmentsTable {
  labourAssessmentId: Id;
  personId: string;
  slotId: string | null;
  availableForWork: boolean;
  reason: string | null;
  planFrom: DateString;
  planTo: DateString;
  track: string | null;
  recordedBy: string;
  recordedAt: Timestamp;
}

export type ApplicationStatus =
  | 'draft'
  | 'submitted'
  | 'in_progress'
  | 'waiting_for_completion'
  | 'completed'
  | 'withdrawn';
export type Processing = 'none' | 'queued' | 'assessing' | 'proposed' | 'manual' | 'decided';

export interface ApplicationsTable {
  applicationId: Id;
  caseNumber: string;
  personId: string;
  month: string;
  channel: 'digital' | 'paper';
  status: ApplicationStatus;
  householdKey: string;
  form: Json;
  slotId: string | null;
  registeredBy: string | null;
  submittedAt: Date | null;
  dueAt: Date | null;
  processing: Generated<Processing>;
  manualReasons: Json<{ code: string; text: string }[]>;
  robotAttempts: Generated<number>;
  /** A worker process that took the case along as a companion, and until when (advisory). */
  robotLeaseOwner: string | null;
  robotLeaseUntil: Date | null;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface RegisterFetchesTable {
  fetchId: Id;
  applicationId: string;
  personnummer: string;
  sources: string[];
  periods: string[];
  outcome: 'ok' | 'failed';
  response: Json | null;
  error: string | null;
  fetchedAt: Timestamp;
}

export interface RobotAssessmentsTable {
  applicationId: string;
  outcome: 'approve' | 'reject' | 'manual';
  reasons: Json<{ code: string; text: string }[]>;
  calculation: Json | null;
  normVersion: string | null;
  guidelinesVersionId: string | null;
  createdAt: Timestamp;
}

export interface ProposalsTable {
  proposalId: Id;
  applicationId: string;
  decisionType: string;
  amountOre: number;
  normOre: number | null;
  proposeRuleId: string;
  status: Generated<'open' | 'signed' | 'returned'>;
  createdAt: Timestamp;
  closedAt: Date | null;
}

export type DecisionOutcome = 'approved' | 'partially_approved' | 'rejected';

export interface DecisionsTable {
  decisionId: Id;
  applicationId: string;
  outcome: DecisionOutcome;
  amountOre: number;
  month: string;
  calculation: Json | null;
  reasons: Json<string[]>;
  legalBasis: string;
  decidedByKind: 'robot' | 'person';
  decidedBy: string;
  decidedByName: string;
  decidedByEmployer: string | null;
  delegationRuleId: string;
  delegationReference: string;
  proposalId: string | null;
  agreementId: string | null;
  committeeName: string;
  normVersion: string | null;
  guidelinesVersionId: string | null;
  letter: Json;
  decidedAt: Timestamp;
}

export interface PaymentFilesTable {
  paymentFileId: Id;
  paymentDate: DateString;
  messageId: string;
  format: string;
  paymentCount: number;
  totalOre: number;
  content: string;
  createdBy: string;
  createdAt: Timestamp;
}

export interface PaymentsTable {
  paymentId: Id;
  decisionId: string;
  applicationId: string;
  amountOre: number;
  payeeName: string;
  payeeAccount: Json<
    { kind: 'bank_account'; clearing: string; account: string } | { kind: 'bankgiro'; number: string }
  >;
  paymentDate: DateString;
  status: Generated<'pending' | 'in_file'>;
  paymentFileId: string | null;
  createdAt: Timestamp;
}

export interface NotificationsTable {
  notificationId: Id;
  personId: string;
  applicationId: string | null;
  kind: string;
  title: string;
  body: string;
  dedupeKey: string;
  createdAt: Timestamp;
  deliveredVia: string | null;
  deliveredAt: Date | null;
  readAt: Date | null;
}

export interface JournalNotesTable {
  noteId: Id;
  applicationId: string;
  author: string;
  body: string;
  createdAt: Timestamp;
}

export interface CaseEventsTable {
  eventId: Generated<number>;
  applicationId: string;
  kind: string;
  actor: string;
  detail: Json;
  occurredAt: Timestamp;
}

export interface SampleChecksTable {
  sampleCheckId: Id;
  applicationId: string;
  kind: 'documents' | 'blind_review';
  drawMonth: string;
  requestedDocuments: Json<string[]>;
  dueDate: DateString | null;
  status: Generated<'open' | 'completed'>;
  outcome: string | null;
  blindOutcome: DecisionOutcome | null;
  blindAmountOre: number | null;
  agreesWithDecision: boolean | null;
  recordedBy: string | null;
  recordedAt: Date | null;
  assignedTo: string | null;
  assignedAt: Date | null;
  note: string | null;
  createdAt: Timestamp;
}

export type SampleCheckOutcome = 'no_deviation' | 'deviation' | 'not_submitted';

export interface SampleDrawsTable {
  drawMonth: string;
  population: number;
  blindPopulation: number;
  /** numeric(4,3): pg returns a string. */
  sampleRate: ColumnType<string, number | string, never>;
  blindRate: ColumnType<string, number | string, never>;
  documentsDrawn: number;
  blindDrawn: number;
  drawnBy: string;
  drawnAt: Timestamp;
}

export interface CompletionRequestsTable {
  completionRequestId: Id;
  applicationId: string;
  message: string;
  dueDate: DateString;
  requestedBy: string;
  requestedAt: Timestamp;
  answer: string | null;
  answeredAt: Date | null;
}

export interface DailySummariesTable {
  summaryDate: DateString;
  body: Json;
  createdBy: string;
  createdAt: Timestamp;
}

export interface TenantTables extends FollowUpTables {
  delegationRules: DelegationRulesTable;
  guidelineVersions: GuidelineVersionsTable;
  citizens: CitizensTable;
  auditLog: AuditLogTable;
  intakeSlots: IntakeSlotsTable;
  labourAssessments: LabourAssessmentsTable;
  applications: ApplicationsTable;
  registerFetches: RegisterFetchesTable;
  robotAssessments: RobotAssessmentsTable;
  proposals: ProposalsTable;
  decisions: DecisionsTable;
  paymentFiles: PaymentFilesTable;
  payments: PaymentsTable;
  notifications: NotificationsTable;
  journalNotes: JournalNotesTable;
  caseEvents: CaseEventsTable;
  sampleChecks: SampleChecksTable;
  sampleDraws: SampleDrawsTable;
  completionRequests: CompletionRequestsTable;
  dailySummaries: DailySummariesTable;
}

export type Application = Selectable<ApplicationsTable>;
export type Decision = Selectable<DecisionsTable>;
export type Payment = Selectable<PaymentsTable>;
export type Proposal = Selectable<ProposalsTable>;

export type Municipality = Selectable<MunicipalitiesTable>;
export type Agreement = Selectable<AgreementsTable>;
export type Staff = Selectable<StaffTable>;
export type AuditEntry = Selectable<AuditLogTable>;
export type NewAuditEntry = Insertable<AuditLogTable>;
export type DelegationRuleRow = Selectable<DelegationRulesTable>;
