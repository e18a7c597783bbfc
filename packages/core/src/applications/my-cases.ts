import { tenant } from '@samverkan/db';
import { DomainError } from '@samverkan/domain';
import { recordAudit } from '../audit/record-audit.ts';
import type { Ctx } from '../context.ts';

const citizenPnr = (ctx: Ctx) => {
  if (ctx.actor.kind !== 'citizen') throw new DomainError('forbidden', 'Endast för den sökande.');
  return ctx.actor.personnummer;
};

/** The calling citizen's record in this municipality (undefined before their first application). */
function findMe(ctx: Ctx) {
  return tenant(ctx.db, ctx.tenant.schema)
    .selectFrom('citizens')
    .select('personId')
    .where('personnummer', '=', citizenPnr(ctx))
    .executeTakeFirst();
}

/** The citizen's own applications, and only theirs (filtered by the token's personnummer). */
export async function listMyApplications(ctx: Ctx) {
  const t = tenant(ctx.db, ctx.tenant.schema);
  const me = await findMe(ctx);
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
  const [decision, payment, requests, completionRequests] = await Promise.all([
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
    t
      .selectFrom('completionRequests')
      .select(['message', 'dueDate', 'requestedAt', 'answer', 'answeredAt'])
      .where('applicationId', '=', applicationId)
      .orderBy('requestedAt')
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
    completionRequests,
  };
}

export async function listMyNotifications(ctx: Ctx) {
  const t = tenant(ctx.db, ctx.tenant.schema);
  const me = await findMe(ctx);
  if (!me) return [];
  return t
    .selectFrom('notifications')
    .selectAll()
    .where('personId', '=', me.personId)
    .orderBy('createdAt', 'desc')
    .limit(100)
    .execute();
}
