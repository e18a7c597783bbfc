import type { ColumnType, Generated, JSONColumnType } from 'kysely';

/**
 * Row types of the tenant schema's follow-up tables (statistics inputs, official reporting,
 * retention), migrations/tenant/0004. Kept apart from schema.ts so the follow-up capability owns
 * its tables.
 */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type DateString = ColumnType<string, string, string>;

export const SELF_SUPPORT_OBSTACLES = [
  'unemployed',
  'sick_with_certificate',
  'sick_without_certificate',
  'social_reasons',
  'parental_leave',
  'insufficient_income',
  'other',
] as const;
export type SelfSupportObstacle = (typeof SELF_SUPPORT_OBSTACLES)[number];

export const EXIT_REASONS = ['work', 'studies', 'other_income', 'moved', 'other'] as const;
export type ExitReason = (typeof EXIT_REASONS)[number];

export interface PopulationYearsTable {
  year: number;
  residents: number;
  source: string | null;
  setBy: string;
  setAt: Timestamp;
}

export interface SelfSupportObstaclesTable {
  obstacleId: Generated<string>;
  personId: string;
  validFrom: DateString;
  obstacle: SelfSupportObstacle;
  recordedBy: string;
  recordedAt: Timestamp;
}

export interface AssistanceExitsTable {
  exitId: Generated<string>;
  personId: string;
  exitMonth: string;
  reason: ExitReason;
  recordedBy: string;
  recordedAt: Timestamp;
}

export interface RetentionPolicyTable {
  singleton: Generated<boolean>;
  retentionYears: number;
  keepBirthDays: number[];
  updatedBy: string;
  updatedAt: Timestamp;
}

export interface DisposalRunsTable {
  runId: Generated<string>;
  asOf: DateString;
  retentionYears: number;
  keepBirthDays: number[];
  personsDisposed: number;
  personsKept: number;
  caseNumbers: string[];
  tableCounts: JSONColumnType<Record<string, number>>;
  executedBy: string;
  executedAt: Timestamp;
}

export interface FollowUpTables {
  populationYears: PopulationYearsTable;
  selfSupportObstacles: SelfSupportObstaclesTable;
  assistanceExits: AssistanceExitsTable;
  retentionPolicy: RetentionPolicyTable;
  disposalRuns: DisposalRunsTable;
}
