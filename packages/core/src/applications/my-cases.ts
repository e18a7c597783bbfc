import { tenant } from '@samverkan/db';
import { DomainError } from '@samverkan/domain';
import { recordAudit } from '../audit/record-audit.ts';
import type { Ctx } from '../context.ts';

/** Common Swedish e-service statuses (Mina ärenden) from our internal state. */
export function publicStatus(
  status: string,
): 'draft' | 'submitted' | 'in_progress' | 'waiting_for_completion' | 'completed' | 'withdrawn' {
  return status as never;
}

const citizenPnr = (ctx: Ctx) => {
  if (ctx.actor.kind !== 'citizen') throw new DomainError('forbidden', 'Endast för den sökande.');
  return ctx.actor.personnummer;
};

/** The citizen's own applications, and only theirs (filtered by the token's personnummer). */
export async function listMyApplications(ctx: Ctx) {
  const pnr = citizenPnr(ctx);
  const t = tenant(ctx.db, ctx.tenant.schema);
  const me = await t
    .selectFrom('citizens')
    .select('personId')
    .where('personnummer', '=', pnr)
    .executeTakeFirst();
  if (!me) return [];
  const rows = await t
    .selectFrom('applications')
    .leftJoin('decisions', 'decisions.applicationId', 'applications.applicationId')
    .select([
      'applications.applicationId',
      'applications.caseNumber',
      'applications.month',
      'applications.status',
      'applications.channel',
      'applications.submittedAt',
      'applications.dueAt',
      'decisions.outcome',
      'decisions.amountOre',
      'decisions.decidedAt',
    ])
    .where('applications.personId', '=', me.personId)
    .orderBy('applications.month', 'desc')
    .execute();
  await recordAudit(ctx, { action: 'citizen.list_applications', personId: me.personId });
  return rows;
}

export async function getMyApplication(ctx: Ctx, applicationId: string) {
  const pnr = citizenPnr(ctx);
  const t = tenant(ctx.db, ctx.tenant.schema);
  const app = await t
    .selectFrom('applications')
    .innerJoin('citizens', 'citizens.personId', 'applications.personId')
    .selectAll('applications')
    .where('applications.applicationId', '=', applicationId)
    .where('citizens.personnummer', '=', pnr)
    .executeTakeFirst();
  // Someone else's application is "not found" — never a hint that it exists.
  if (!app) throw new DomainError('application_not_found', 'Ansökan finns inte.');
  const [decision, payment, requests] = await Promise.all([
    t.selectFrom('decisions').selectAll().where('applicationId', '=', applicationId).executeTakeFirst(),
    t
      .selectFrom('payments')
      .select(['amountOre', 'paymentDate', 'status'])
      .where('applicationId', '=', applicationId)
      .executeTakeFirst(),
    t
      .selectFrom('sampleChecks')
      .selectAll()
      .where('applicationId', '=', applicationId)
      .where('kind', '=', 'documents')
      .execute(),
  ]);
  await recordAudit(ctx, {
    action: 'citizen.read_application',
    objectType: 'application',
    objectId: applicationId,
    personId: app.personId,
  });
  return {
    application: app,
    decision: decision ?? null,
    payment: payment ?? null,
    documentRequests: requests,
  };
}

export async function listMyNotifications(ctx: Ctx) {
  const pnr = citizenPnr(ctx);
  const t = tenant(ctx.db, ctx.tenant.schema);
  const me = await t
    .selectFrom('citizens')
    .select('personId')
    .where('personnummer', '=', pnr)
    .executeTakeFirst();
  if (!me) return [];
  return t
    .selectFrom('notifications')
    .selectAll()
    .where('personId', '=', me.personId)
    .orderBy('createdAt', 'desc')
    .limit(100)
    .execute();
}
