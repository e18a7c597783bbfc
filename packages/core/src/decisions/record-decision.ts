import { randomUUID } from 'node:crypto';
import {
  type CaseEventsTable,
  type DecisionsTable,
  executeSteps,
  findMunicipality,
  insertFromJson,
  type JsonRow,
  type PaymentsTable,
  platform,
  type RootDb,
  tenant,
} from '@samverkan/db';
import {
  type Calculation,
  DomainError,
  formatKronor,
  nextWorkingDay,
  paymentDateFor,
  stockholmDate,
} from '@samverkan/domain';
import { type RawBuilder, sql } from 'kysely';
import type { ApplicationForm } from '../applications/form.ts';
import { type NewNotification, notificationStep } from '../applications/notifications.ts';
import { type AuditEvent, type AuditGroup, auditStep } from '../audit/record-audit.ts';
import type { Ctx } from '../context.ts';

export const LEGAL_BASIS = '12 kap. 1 § socialtjänstlagen (2025:400)';

export interface DecisionInput {
  applicationId: string;
  outcome: 'approved' | 'partially_approved' | 'rejected';
  amountOre: number;
  calculation: Calculation | null;
  reasons: string[];
  decidedBy: {
    kind: 'robot' | 'person';
    id: string;
    name: string;
    title?: string;
    employerCode: string | null;
  };
  delegation: { ruleId: string; reference: string };
  proposalId?: string | null;
  normVersion?: string | null;
  guidelinesVersionId?: string | null;
  paymentDay: number;
}

export interface LockedApplication {
  applicationId: string;
  caseNumber: string;
  month: string;
  form: unknown;
  personId: string;
  personnummer: string;
  givenName: string;
  familyName: string;
}

function maskAccount(account: ApplicationForm['payoutAccount']): string {
  const digits = account.kind === 'bank_account' ? account.account : account.number;
  return `${account.kind === 'bank_account' ? `${account.clearing}-` : 'BG '}****${digits.slice(-4)}`;
}

/** Whose employer performs the work, when it is not the tenant itself (named in the letter). */
export function performerCodeOf(ctx: Ctx, input: Pick<DecisionInput, 'decidedBy'>): string | null {
  // Work done for another municipality under an agreement: the performer is the decider's
  // employer (or the agreement's host), named from the registry.
  return input.decidedBy.employerCode !== null && input.decidedBy.employerCode !== ctx.tenant.code
    ? input.decidedBy.employerCode
    : ctx.access.basis === 'agreement'
      ? ctx.access.hostCode
      : null;
}

/** The rows THE decision on an application writes, before they are put into a statement. */
export interface DecisionRows {
  decisionId: string;
  paymentDate: string | null;
  decision: JsonRow<DecisionsTable>;
  /** For an approval: its one payment. */
  payment: JsonRow<PaymentsTable> | null;
  event: JsonRow<CaseEventsTable>;
  notification: NewNotification;
  audit: AuditEvent;
}

/**
 * The decision with its letter, for an approval its one payment, the case event, the citizen's
 * notification and the audit entry — as rows, shared by the caseworker's statement
 * (`decisionSteps`) and the robot's batched write (robot-write.ts).
 */
export function decisionRows(
  ctx: Ctx,
  app: LockedApplication,
  input: DecisionInput,
  /** The performing municipality (see `performerCodeOf`), looked up by the caller. */
  performer?: { name: string },
): DecisionRows {
  const decisionId = randomUUID();
  const form = app.form as unknown as ApplicationForm;
  const now = ctx.now();
  const today = stockholmDate(now);
  let paymentDate = paymentDateFor(app.month, input.paymentDay);
  if (paymentDate < today) paymentDate = nextWorkingDay(today);
  const onBehalf = performer !== undefined;
  const letter = {
    municipality: {
      code: ctx.tenant.code,
      name: ctx.tenant.name,
      committeeName: ctx.tenant.committeeName,
      postalAddress: ctx.tenant.postalAddress ?? ctx.tenant.name,
      orgNumber: ctx.tenant.organisationNumber ?? '',
    },
    ...(performer
      ? {
          performedBy: {
            name: performer.name,
            note: `Handläggningen utförs av ${performer.name} enligt avtal om samverkan (kommunallagen 9 kap. 37 §).`,
          },
        }
      : {}),
    caseReference: app.caseNumber,
    decisionDate: today,
    applicant: { name: `${app.givenName} ${app.familyName}`, personnummer: app.personnummer },
    ...(form.household.partner
      ? {
          coApplicant: {
            name: `${form.household.partner.givenName} ${form.household.partner.familyName}`,
            personnummer: form.household.partner.personnummer,
          },
        }
      : {}),
    outcome: input.outcome,
    period: { month: app.month },
    approvedAmountOre: input.amountOre,
    // The applied-for amount is shown only for a partial approval (what was not granted);
    // for a full approval the calculation's rounding must not read as a partial refusal.
    ...(input.outcome === 'partially_approved' && input.calculation
      ? { appliedAmountOre: Math.max(input.amountOre, input.calculation.resultOre) }
      : {}),
    calculationLines: (input.calculation?.lines ?? []).map((l) => ({
      label: l.label,
      amountOre: l.amountOre,
    })),
    reasons: input.reasons,
    legalBasis: LEGAL_BASIS,
    decidedBy: {
      kind: input.decidedBy.kind,
      name: input.decidedBy.name,
      ...(input.decidedBy.title ? { title: input.decidedBy.title } : {}),
      delegationReference: `${ctx.tenant.committeeName}s delegationsordning punkt ${input.delegation.reference}`,
      ...(onBehalf ? { onBehalfOf: ctx.tenant.committeeName } : {}),
    },
    ...(input.amountOre > 0
      ? { payment: { date: paymentDate, accountMasked: maskAccount(form.payoutAccount) } }
      : {}),
  };
  const text =
    input.outcome === 'rejected'
      ? `Din ansökan för ${app.month} har fått avslag. Läs beslutet och hur du överklagar under Mina ärenden.`
      : `Din ansökan för ${app.month} är beviljad med ${formatKronor(input.amountOre)}. Pengarna betalas ut ${paymentDate}.`;
  return {
    decisionId,
    paymentDate: input.amountOre > 0 ? paymentDate : null,
    decision: {
      decisionId,
      applicationId: app.applicationId,
      outcome: input.outcome,
      amountOre: input.amountOre,
      month: app.month,
      calculation: input.calculation,
      reasons: input.reasons,
      legalBasis: LEGAL_BASIS,
      decidedByKind: input.decidedBy.kind,
      decidedBy: input.decidedBy.id,
      decidedByName: input.decidedBy.name,
      decidedByEmployer: input.decidedBy.employerCode,
      delegationRuleId: input.delegation.ruleId,
      delegationReference: input.delegation.reference,
      proposalId: input.proposalId ?? null,
      agreementId: ctx.access.basis === 'agreement' ? ctx.access.agreementId : null,
      committeeName: ctx.tenant.committeeName,
      normVersion: input.normVersion ?? null,
      guidelinesVersionId: input.guidelinesVersionId ?? null,
      letter,
      decidedAt: now,
    },
    payment:
      input.amountOre > 0
        ? {
            decisionId,
            applicationId: app.applicationId,
            amountOre: input.amountOre,
            payeeName: `${app.givenName} ${app.familyName}`,
            payeeAccount: form.payoutAccount,
            paymentDate,
          }
        : null,
    event: {
      applicationId: app.applicationId,
      kind: 'decided',
      actor: input.decidedBy.id,
      detail: {
        outcome: input.outcome,
        amountOre: input.amountOre,
        delegationRuleId: input.delegation.ruleId,
      },
    },
    notification: {
      personId: app.personId,
      applicationId: app.applicationId,
      kind: 'decided',
      title: 'Beslut i ditt ärende',
      body: text,
    },
    audit: {
      action: 'decision.record',
      objectType: 'decision',
      objectId: decisionId,
      personId: app.personId,
      delegationRuleId: input.delegation.ruleId,
      detail: { applicationId: app.applicationId, outcome: input.outcome, amountOre: input.amountOre },
    },
  };
}

export interface DecisionWrite {
  decisionId: string;
  paymentDate: string | null;
  /** Steps of one statement (see `withSteps`); the decision step is named `decision`. */
  steps: [string, RawBuilder<unknown>][];
  /** Its audit entries, for the statement's one audit step (`auditStep`), after the caller's own. */
  audit: AuditGroup;
}

/**
 * `decisionRows` as steps of ONE statement — with the signed proposal and the application's new
 * state — and its audit entries. Every step after the decision runs only if the decision row was
 * inserted (a second caller gets a unique violation: `isDecisionExists`).
 */
export function decisionSteps(
  ctx: Ctx,
  app: LockedApplication,
  input: DecisionInput,
  options: { performer?: { name: string } } = {},
): DecisionWrite {
  const schema = ctx.tenant.schema;
  const rows = decisionRows(ctx, app, input, options.performer);
  const now = ctx.now();
  const decided = sql`EXISTS (SELECT 1 FROM decision)`;
  const steps: [string, RawBuilder<unknown>][] = [
    ['decision', insertFromJson(schema, 'decisions', [rows.decision], { returning: ['decisionId'] })],
  ];
  if (rows.payment) {
    steps.push(['payment', insertFromJson(schema, 'payments', [rows.payment], { when: decided })]);
  }
  if (input.proposalId) {
    steps.push([
      'signed',
      sql`UPDATE ${sql.id(schema, 'proposals')} SET status = 'signed', closed_at = ${now}
        WHERE proposal_id = ${input.proposalId} AND ${decided}`,
    ]);
  }
  steps.push(
    [
      'moved',
      sql`UPDATE ${sql.id(schema, 'applications')}
        SET status = 'completed', processing = 'decided', updated_at = ${now}
        WHERE application_id = ${app.applicationId} AND ${decided}`,
    ],
    ['decided_event', insertFromJson(schema, 'caseEvents', [rows.event], { when: decided })],
    ['decided_notification', notificationStep(schema, rows.notification, decided)],
  );
  return {
    decisionId: rows.decisionId,
    paymentDate: rows.paymentDate,
    steps,
    audit: { events: [rows.audit], when: decided },
  };
}

/** A unique violation on the decision or its payment: the application is already decided. */
export function isDecisionExists(error: unknown): boolean {
  const e = error as { code?: string; constraint?: string } | null;
  return (
    e?.code === '23505' &&
    (e.constraint?.startsWith('decisions_') === true || e.constraint?.startsWith('payments_') === true)
  );
}

/**
 * Records THE decision on an application and, for an approval, its one payment — in the
 * caller's transaction, in one statement. Both rows are unique per application, so a second
 * caller (a redelivered robot job, a double click, a concurrent signature) gets
 * `decision_exists` and nothing else happens. The letter model is stored with the decision so
 * it can be rendered identically later.
 */
export async function recordDecision(ctx: Ctx, trx: RootDb, input: DecisionInput) {
  const app: LockedApplication | undefined = await tenant(trx, ctx.tenant.schema)
    .selectFrom('applications')
    .innerJoin('citizens', 'citizens.personId', 'applications.personId')
    .select([
      'applications.applicationId',
      'applications.caseNumber',
      'applications.month',
      'applications.form',
      'applications.personId',
      'citizens.personnummer',
      'citizens.givenName',
      'citizens.familyName',
    ])
    .where('applications.applicationId', '=', input.applicationId)
    .forUpdate()
    .executeTakeFirst();
  if (!app) throw new DomainError('application_not_found', 'Ansökan finns inte.');
  const performerCode = performerCodeOf(ctx, input);
  const performer = performerCode ? await findMunicipality(platform(trx), performerCode) : undefined;
  const write = decisionSteps(ctx, app, input, {
    ...(performer ? { performer } : {}),
  });
  try {
    await executeSteps(trx, [...write.steps, ['audit', auditStep(ctx, [write.audit])]], sql`SELECT 1`);
  } catch (error) {
    if (isDecisionExists(error)) throw new DomainError('decision_exists', 'Ansökan är redan beslutad.');
    throw error;
  }
  return { decisionId: write.decisionId, paymentDate: write.paymentDate };
}
