import type { Calculation } from '../calculation/types.ts';
import type { Ore } from '../money.ts';
import type { TenantGuidelines } from '../norms/tenant-guidelines.ts';

export interface PreviousDecision {
  /** 'YYYY-MM' the decision concerned. */
  readonly month: string;
  /** Rent applied for in that decision. */
  readonly rentOre: Ore;
  readonly payableOre: Ore;
}

/** The labour-market officer's view for the month (arbetsmarknadsplan). */
export interface LabourPlanStatus {
  readonly coversMonth: boolean;
  /** true/false as judged by the labour officer; null when not (yet) judged. */
  readonly availableForWork: boolean | null;
  /** Stated reason when not available for work (e.g. sick leave with certificate). */
  readonly reason?: string;
}

export interface RegisterFinding {
  readonly code: string;
  readonly text: string;
  readonly severity: 'mismatch' | 'info';
}

export interface AssessmentInput {
  readonly calculation: Calculation;
  readonly guidelines: TenantGuidelines;
  readonly previousDecision?: PreviousDecision;
  readonly labourPlan?: LabourPlanStatus;
  readonly registerFindings: readonly RegisterFinding[];
  /** The application has entries under "övriga poster". */
  readonly hasOtherItems: boolean;
  /** Set when fetching or processing failed; the case goes to a human. */
  readonly technicalError?: string;
}

export type AssessmentOutcome = 'approve' | 'reject' | 'manual';

export type AssessmentReasonCode =
  // → manual
  | 'other_items'
  | 'cost_above_guideline'
  | 'cost_type_not_robot_approvable'
  | 'rent_change'
  | 'register_mismatch'
  | 'no_labour_plan'
  | 'availability_not_judged'
  | 'availability_reason_to_assess'
  | 'technical_error'
  | 'amount_above_robot_limit'
  | 'decision_exists_for_month'
  // → reject
  | 'income_covers_need'
  | 'amount_rounds_to_zero'
  | 'not_available_for_work'
  // → approve
  | 'approved';

export interface AssessmentReason {
  readonly code: AssessmentReasonCode;
  /**
   * Plain Swedish. For 'reject' and 'approve' written to the citizen (du/ni); for 'manual'
   * written to the caseworker.
   */
  readonly text: string;
  readonly legalReference?: string;
}

export interface Assessment {
  readonly outcome: AssessmentOutcome;
  readonly reasons: readonly AssessmentReason[];
}
