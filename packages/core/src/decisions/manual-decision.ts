import { tenant } from '@samverkan/db';
import { type Calculation, calculateAssistance, DomainError } from '@samverkan/domain';
import { type ApplicationForm, toCalculationInput } from '../applications/form.ts';
import type { Ctx } from '../context.ts';
import { evaluateFor } from '../delegation/delegation-rules.ts';
import { normsForMonth } from '../norms/norms-for-month.ts';
import { recordDecision } from './record-decision.ts';

export interface ManualDecisionInput {
  outcome: 'approved' | 'partially_approved' | 'rejected';
  /** The amount decided. For approvals, the caseworker's adjusted figure (öre). */
  amountOre: number;
  /** Adjusted or added calculation lines (e.g. an approved other item), shown in the letter. */
  adjustments: { label: string; amountOre: number }[];
  reasons: string[];
}

/**
 * A caseworker decides a case by hand (the manual queue, or when Redis/the robot is down):
 * approve with adjusted lines or reject with reasons. The caseworker's own delegation decides
 * whether they may; the amount must equal the calculation plus their adjustments, so the
 * letter always explains the figure.
 */
export async function decideManually(ctx: Ctx, applicationId: string, input: ManualDecisionInput) {
  if (ctx.actor.kind !== 'staff') throw new DomainError('forbidden', 'Endast handläggare kan fatta beslut.');
  const actor = ctx.actor;
  const app = await tenant(ctx.db, ctx.tenant.schema)
    .selectFrom('applications')
    .innerJoin('citizens', 'citizens.personId', 'applications.personId')
    .select([
      'applications.applicationId',
      'applications.status',
      'applications.form',
      'applications.month',
      'citizens.personnummer',
      'citizens.givenName',
    ])
    .where('applications.applicationId', '=', applicationId)
    .executeTakeFirst();
  if (!app || app.status === 'draft') throw new DomainError('application_not_found', 'Ansökan finns inte.');
  if (app.status === 'withdrawn')
    throw new DomainError('invalid_state', 'Ansökan är återkallad och kan inte få ett beslut.');
  if (app.status === 'completed') throw new DomainError('decision_exists', 'Ansökan är redan beslutad.');
  if (input.reasons.length === 0) throw new DomainError('validation_failed', 'Ett beslut måste motiveras.');
  if ((input.outcome === 'rejected') !== (input.amountOre === 0)) {
    throw new DomainError('validation_failed', 'Avslag har beloppet 0 kr och bifall ett belopp över 0 kr.');
  }
  const form = app.form as unknown as ApplicationForm;
  const { norm, guidelines, guidelinesVersionId } = await normsForMonth(ctx.db, ctx.tenant.schema, app.month);
  const base = calculateAssistance(
    toCalculationInput({ personnummer: app.personnummer, givenName: app.givenName }, form, norm, guidelines),
  );
  const adjusted = base.payableOre + input.adjustments.reduce((s, a) => s + a.amountOre, 0);
  if (input.outcome !== 'rejected' && input.amountOre > Math.max(0, adjusted)) {
    throw new DomainError(
      'validation_failed',
      `Beloppet överstiger beräkningen med justeringar (${adjusted} öre).`,
    );
  }
  const calculation: Calculation = {
    ...base,
    lines: [
      ...base.lines,
      ...input.adjustments.map((a, i) => ({
        code: `adjustment.${i}`,
        label: a.label,
        amountOre: a.amountOre,
        legalReference: '12 kap. 1 § socialtjänstlagen (2025:400)',
      })),
    ],
    payableOre: input.amountOre,
  };
  const norms = base.lines.filter((l) => l.code.startsWith('norm.')).reduce((s, l) => s + l.amountOre, 0);
  const answer = await evaluateFor(ctx, {
    actor,
    decisionType: input.outcome === 'rejected' ? 'assistance.reject' : 'assistance.approve',
    amountOre: input.amountOre,
    normOre: norms,
  });
  if (answer.mode !== 'decide')
    throw new DomainError('delegation_denied', 'Du har inte delegation att fatta detta beslut.');
  return ctx.db.transaction().execute(async (trx) => {
    // Close an open robot proposal for the same case: the manual decision replaces it.
    await tenant(trx, ctx.tenant.schema)
      .updateTable('proposals')
      .set({ status: 'returned', closedAt: ctx.now() })
      .where('applicationId', '=', applicationId)
      .where('status', '=', 'open')
      .execute();
    return recordDecision(ctx, trx, {
      applicationId,
      outcome: input.outcome,
      amountOre: input.amountOre,
      calculation,
      reasons: input.reasons,
      decidedBy: {
        kind: 'person',
        id: actor.username,
        name: actor.displayName,
        employerCode: actor.employerCode,
      },
      delegation: { ruleId: answer.rule.ruleId, reference: answer.rule.reference },
      normVersion: base.normVersion,
      guidelinesVersionId,
      paymentDay: guidelines.paymentDay,
    });
  });
}
