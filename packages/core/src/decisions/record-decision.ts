import { findMunicipality, platform, type RootDb, tenant } from '@samverkan/db';
import {
  type Calculation,
  DomainError,
  formatKronor,
  nextWorkingDay,
  paymentDateFor,
  stockholmDate,
} from '@samverkan/domain';
import type { ApplicationForm } from '../applications/form.ts';
import { notify } from '../applications/notifications.ts';
import { type AuditEvent, recordAudit } from '../audit/record-audit.ts';
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
  /** The caller's own audit entries for this step, written with the decision's (one insert). */
  auditWith?: AuditEvent[];
  /**
   * The application as the caller read it after locking its row in this same transaction (the
   * robot's claim); without it the row is read and locked here.
   */
  locked?: LockedApplication;
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

const isUniqueViolation = (e: unknown) =>
  typeof e === 'object' && e !== null && (e as { code?: string }).code === '23505';

function maskAccount(account: ApplicationForm['payoutAccount']): string {
  const digits = account.kind === 'bank_account' ? account.account : account.number;
  return `${account.kind === 'bank_account' ? `${account.clearing}-` : 'BG '}****${digits.slice(-4)}`;
}

/**
 * Records THE decision on an application and, for an approval, its one payment — in the
 * caller's transaction. Both rows are unique per application, so a second caller (a redelivered
 * robot job, a double click, a concurrent signature) gets `decision_exists` and nothing else
 * happens. The letter model is stored with the decision so it can be rendered identically later.
 */
export async function recordDecision(ctx: Ctx, trx: RootDb, input: DecisionInput) {
  const t = tenant(trx, ctx.tenant.schema);
  const app: LockedApplication | undefined =
    input.locked ??
    (await t
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
      .executeTakeFirst());
  if (!app) throw new DomainError('application_not_found', 'Ansökan finns inte.');
  const form = app.form as unknown as ApplicationForm;
  const now = ctx.now();
  const today = stockholmDate(now);
  let paymentDate = paymentDateFor(app.month, input.paymentDay);
  if (paymentDate < today) paymentDate = nextWorkingDay(today);
  // Work done for another municipality under an agreement: the performer is the decider's
  // employer (or the agreement's host), named from the registry.
  const performerCode =
    input.decidedBy.employerCode !== null && input.decidedBy.employerCode !== ctx.tenant.code
      ? input.decidedBy.employerCode
      : ctx.access.basis === 'agreement'
        ? ctx.access.hostCode
        : null;
  const performer = performerCode ? await findMunicipality(platform(trx), performerCode) : undefined;
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

  let decision: { decisionId: string };
  try {
    decision = await t
      .insertInto('decisions')
      .values({
        applicationId: app.applicationId,
        outcome: input.outcome,
        amountOre: input.amountOre,
        month: app.month,
        calculation: input.calculation ? JSON.stringify(input.calculation) : null,
        reasons: JSON.stringify(input.reasons),
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
        letter: JSON.stringify(letter),
        decidedAt: now,
      })
      .returning('decisionId')
      .executeTakeFirstOrThrow();
  } catch (error) {
    if (isUniqueViolation(error)) throw new DomainError('decision_exists', 'Ansökan är redan beslutad.');
    throw error;
  }
  if (input.amountOre > 0) {
    await t
      .insertInto('payments')
      .values({
        decisionId: decision.decisionId,
        applicationId: app.applicationId,
        amountOre: input.amountOre,
        payeeName: `${app.givenName} ${app.familyName}`,
        payeeAccount: JSON.stringify(form.payoutAccount),
        paymentDate,
      })
      .execute();
  }
  if (input.proposalId) {
    await t
      .updateTable('proposals')
      .set({ status: 'signed', closedAt: now })
      .where('proposalId', '=', input.proposalId)
      .execute();
  }
  await t
    .updateTable('applications')
    .set({ status: 'completed', processing: 'decided', updatedAt: now })
    .where('applicationId', '=', app.applicationId)
    .execute();
  await t
    .insertInto('caseEvents')
    .values({
      applicationId: app.applicationId,
      kind: 'decided',
      actor: input.decidedBy.id,
      detail: JSON.stringify({
        outcome: input.outcome,
        amountOre: input.amountOre,
        delegationRuleId: input.delegation.ruleId,
      }),
    })
    .execute();
  const text =
    input.outcome === 'rejected'
      ? `Din ansökan för ${app.month} har fått avslag. Läs beslutet och hur du överklagar under Mina ärenden.`
      : `Din ansökan för ${app.month} är beviljad med ${formatKronor(input.amountOre)}. Pengarna betalas ut ${paymentDate}.`;
  await notify(t, {
    personId: app.personId,
    applicationId: app.applicationId,
    kind: 'decided',
    title: 'Beslut i ditt ärende',
    body: text,
  });
  await recordAudit(
    ctx,
    [
      ...(input.auditWith ?? []),
      {
        action: 'decision.record',
        objectType: 'decision',
        objectId: decision.decisionId,
        personId: app.personId,
        delegationRuleId: input.delegation.ruleId,
        detail: { applicationId: app.applicationId, outcome: input.outcome, amountOre: input.amountOre },
      },
    ],
    trx,
  );
  return { decisionId: decision.decisionId, paymentDate: input.amountOre > 0 ? paymentDate : null };
}
