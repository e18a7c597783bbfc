import { tenant } from '@samverkan/db';
import {
  actorId,
  addDays,
  previousWorkingDay,
  stockholmDate,
  stockholmEndOfDay,
  stockholmStartOfDay,
} from '@samverkan/domain';
import type { Ctx } from '../context.ts';
import { ownOpenBlindReviews } from '../sample-checks/sample-checks.ts';

/**
 * The morning summary for one municipality: the robot's decisions on the previous working day
 * (for the caseworkers' reasonableness review) and the open manual queue.
 */
export async function dailySummary(ctx: Ctx, date?: string) {
  const today = date ?? stockholmDate(ctx.now());
  const day = previousWorkingDay(today);
  const from = stockholmStartOfDay(day);
  const to = stockholmStartOfDay(addDays(day, 1));
  const t = tenant(ctx.db, ctx.tenant.schema);
  const [decisions, manual, proposals] = await Promise.all([
    t
      .selectFrom('decisions')
      .innerJoin('applications', 'applications.applicationId', 'decisions.applicationId')
      .select(['applications.caseNumber', 'decisions.outcome', 'decisions.amountOre'])
      .where('decisions.decidedByKind', '=', 'robot')
      .where('decisions.decidedAt', '>=', from)
      .where('decisions.decidedAt', '<', to)
      .orderBy('decisions.decidedAt')
      .execute(),
    t
      .selectFrom('applications')
      .select(['manualReasons', 'dueAt'])
      .where('processing', '=', 'manual')
      .where('status', '<>', 'completed')
      .execute(),
    t
      .selectFrom('proposals')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', 'open')
      .executeTakeFirstOrThrow(),
  ]);
  const byReason: Record<string, number> = {};
  for (const m of manual) {
    for (const r of m.manualReasons as { code: string }[]) byReason[r.code] = (byReason[r.code] ?? 0) + 1;
  }
  const now = ctx.now();
  return {
    kommunkod: ctx.tenant.code,
    date: day,
    robotDecisions: {
      approved: decisions.filter((d) => d.outcome !== 'rejected').length,
      rejected: decisions.filter((d) => d.outcome === 'rejected').length,
      amountOre: decisions.reduce((s, d) => s + d.amountOre, 0),
      items: decisions,
    },
    manualQueue: {
      open: manual.length,
      overdue: manual.filter((m) => m.dueAt !== null && m.dueAt < now).length,
      byReason,
    },
    openProposals: Number(proposals.n),
    window: { from, to: stockholmEndOfDay(day) },
  };
}

/**
 * The morning job: computes the summary and keeps it, once per reviewed day, so the review works
 * from the list as it was sent. A second run returns the stored one unchanged.
 */
export async function storeDailySummary(ctx: Ctx, date?: string) {
  // A re-run (redelivered job) finds the stored summary without computing it again.
  const stored = await storedDailySummary(ctx, previousWorkingDay(date ?? stockholmDate(ctx.now())));
  if (stored) return stored;
  const summary = await dailySummary(ctx, date);
  const t = tenant(ctx.db, ctx.tenant.schema);
  await t
    .insertInto('dailySummaries')
    .values({ summaryDate: summary.date, body: JSON.stringify(summary), createdBy: actorId(ctx.actor) })
    .onConflict((oc) => oc.column('summaryDate').doNothing())
    .execute();
  return storedDailySummary(ctx, summary.date);
}

/** The stored morning summary for a reviewed day, if the job has run. */
export async function storedDailySummary(ctx: Ctx, reviewedDay: string) {
  const row = await tenant(ctx.db, ctx.tenant.schema)
    .selectFrom('dailySummaries')
    .select(['body'])
    .where('summaryDate', '=', reviewedDay)
    .executeTakeFirst();
  return row ? (row.body as unknown as Awaited<ReturnType<typeof dailySummary>>) : undefined;
}

/** Anmälan av delegationsbeslut: every decision taken under delegation in a period. */
export async function listDelegatedDecisions(ctx: Ctx, from: string, to: string) {
  // A caseworker never sees the decision of a case they are blind-reviewing.
  const blind = await ownOpenBlindReviews(ctx);
  const rows = await tenant(ctx.db, ctx.tenant.schema)
    .selectFrom('decisions')
    .innerJoin('applications', 'applications.applicationId', 'decisions.applicationId')
    .select([
      'decisions.decisionId',
      'decisions.applicationId',
      'applications.caseNumber',
      'decisions.month',
      'decisions.outcome',
      'decisions.amountOre',
      'decisions.decidedByKind',
      'decisions.decidedBy',
      'decisions.decidedByEmployer',
      'decisions.delegationReference',
      'decisions.agreementId',
      'decisions.decidedAt',
    ])
    .where('decisions.decidedAt', '>=', stockholmStartOfDay(from))
    .where('decisions.decidedAt', '<', stockholmStartOfDay(addDays(to, 1)))
    .orderBy('decisions.decidedAt')
    .execute();
  return rows.filter((r) => !blind.applicationIds.has(r.applicationId));
}
