import { tenant } from '@samverkan/db';
import { type Calculation, DomainError } from '@samverkan/domain';
import type { Ctx } from '../context.ts';
import { evaluateIn, loadDelegationContext } from '../delegation/delegation-rules.ts';
import { normsForMonth } from '../norms/norms-for-month.ts';
import { recordDecision } from './record-decision.ts';

export type SignResult =
  | { proposalId: string; status: 'signed'; decisionId: string }
  | { proposalId: string; status: 'refused'; code: string; message: string };

/**
 * A named delegate signs robot proposals — one, or the whole day's list in one action. Each
 * proposal is signed in its own transaction (one refusal does not undo the others), and each
 * signature is checked against the tenant's delegation rules for this person and this amount.
 * The decision records the person and the rule; the unique decision per application makes a
 * double signature (two clicks, two delegates at once) a refusal, not a second payment.
 */
export async function signProposals(ctx: Ctx, proposalIds: string[]): Promise<SignResult[]> {
  if (ctx.actor.kind !== 'staff')
    throw new DomainError('forbidden', 'Endast en namngiven delegat kan signera.');
  const actor = ctx.actor;
  const results: SignResult[] = [];
  // One delegation context and one norm lookup per month for the whole batch, not per proposal.
  const delegation = await loadDelegationContext(ctx);
  const paymentDays = new Map<string, number>();
  const paymentDayFor = async (month: string) => {
    const known = paymentDays.get(month);
    if (known !== undefined) return known;
    const { guidelines } = await normsForMonth(ctx.db, ctx.tenant.schema, month);
    paymentDays.set(month, guidelines.paymentDay);
    return guidelines.paymentDay;
  };
  for (const proposalId of proposalIds) {
    const proposal = await tenant(ctx.db, ctx.tenant.schema)
      .selectFrom('proposals')
      .innerJoin('robotAssessments', 'robotAssessments.applicationId', 'proposals.applicationId')
      .innerJoin('applications', 'applications.applicationId', 'proposals.applicationId')
      .select([
        'proposals.proposalId',
        'proposals.applicationId',
        'proposals.decisionType',
        'proposals.amountOre',
        'proposals.normOre',
        'proposals.status',
        'robotAssessments.calculation',
        'robotAssessments.reasons',
        'robotAssessments.normVersion',
        'robotAssessments.guidelinesVersionId',
        'applications.month',
      ])
      .where('proposals.proposalId', '=', proposalId)
      .executeTakeFirst();
    if (!proposal) {
      results.push({ proposalId, status: 'refused', code: 'not_found', message: 'Förslaget finns inte.' });
      continue;
    }
    if (proposal.status !== 'open') {
      results.push({
        proposalId,
        status: 'refused',
        code: 'decision_exists',
        message: 'Förslaget är redan signerat.',
      });
      continue;
    }
    const decisionType = proposal.decisionType as 'assistance.approve' | 'assistance.reject';
    const answer = evaluateIn(ctx, delegation, {
      actor,
      decisionType,
      amountOre: proposal.amountOre,
      ...(proposal.normOre === null ? {} : { normOre: proposal.normOre }),
    });
    if (answer.mode !== 'decide') {
      results.push({
        proposalId,
        status: 'refused',
        code: 'delegation_denied',
        message: 'Du har inte delegation att fatta detta beslut.',
      });
      continue;
    }
    const paymentDay = await paymentDayFor(proposal.month);
    try {
      const decided = await ctx.db.transaction().execute(async (trx) => {
        // Lock the proposal: of two concurrent signers exactly one passes this point with 'open'.
        const locked = await tenant(trx, ctx.tenant.schema)
          .selectFrom('proposals')
          .select('status')
          .where('proposalId', '=', proposalId)
          .forUpdate()
          .executeTakeFirstOrThrow();
        if (locked.status !== 'open')
          throw new DomainError('decision_exists', 'Förslaget är redan signerat.');
        return recordDecision(ctx, trx, {
          applicationId: proposal.applicationId,
          outcome: decisionType === 'assistance.approve' ? 'approved' : 'rejected',
          amountOre: proposal.amountOre,
          calculation: proposal.calculation as unknown as Calculation,
          reasons: (proposal.reasons as { text: string }[]).map((r) => r.text),
          decidedBy: {
            kind: 'person',
            id: actor.username,
            name: actor.displayName,
            employerCode: actor.employerCode,
          },
          delegation: { ruleId: answer.rule.ruleId, reference: answer.rule.reference },
          proposalId,
          normVersion: proposal.normVersion,
          guidelinesVersionId: proposal.guidelinesVersionId,
          paymentDay,
        });
      });
      results.push({ proposalId, status: 'signed', decisionId: decided.decisionId });
    } catch (error) {
      if (error instanceof DomainError) {
        results.push({ proposalId, status: 'refused', code: error.code, message: error.message });
        continue;
      }
      throw error;
    }
  }
  return results;
}

export async function listOpenProposals(ctx: Ctx) {
  return tenant(ctx.db, ctx.tenant.schema)
    .selectFrom('proposals')
    .innerJoin('applications', 'applications.applicationId', 'proposals.applicationId')
    .select([
      'proposals.proposalId',
      'proposals.applicationId',
      'proposals.decisionType',
      'proposals.amountOre',
      'proposals.createdAt',
      'applications.caseNumber',
      'applications.month',
    ])
    .where('proposals.status', '=', 'open')
    .orderBy('proposals.createdAt')
    .execute();
}
