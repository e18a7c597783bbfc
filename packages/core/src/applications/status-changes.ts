import { type ApplicationStatus, type RootDb, tenant } from '@samverkan/db';
import { addWorkingDays, DomainError, formatSwedishMonth, stockholmDate } from '@samverkan/domain';
import { recordAudit } from '../audit/record-audit.ts';
import type { Ctx } from '../context.ts';
import { notify } from './notifications.ts';

/** The common Swedish e-service status names shown to citizens. */
export const E_SERVICE_STATUS: Record<Exclude<ApplicationStatus, 'draft'>, string> = {
  submitted: 'Inskickad',
  in_progress: 'Under handläggning',
  waiting_for_completion: 'Väntar på komplettering',
  completed: 'Avslutad',
  withdrawn: 'Återkallad',
};

/** Working days a citizen gets to complete an application unless the caseworker says otherwise. */
export const COMPLETION_DEFAULT_WORKING_DAYS = 5;

const OPEN_STATUSES = ['submitted', 'in_progress', 'waiting_for_completion'] as const;

/**
 * Locks the application for a status change. A citizen reaches only their own (another's is
 * "not found"); staff reach any in this municipality's schema.
 */
async function lockApplication(trx: RootDb, ctx: Ctx, applicationId: string) {
  let q = tenant(trx, ctx.tenant.schema)
    .selectFrom('applications')
    .innerJoin('citizens', 'citizens.personId', 'applications.personId')
    .select([
      'applications.applicationId',
      'applications.status',
      'applications.processing',
      'applications.month',
      'applications.personId',
    ])
    .where('applications.applicationId', '=', applicationId)
    .where('applications.status', '<>', 'draft');
  if (ctx.actor.kind === 'citizen') q = q.where('citizens.personnummer', '=', ctx.actor.personnummer);
  const app = await q.forUpdate(['applications']).executeTakeFirst();
  if (!app) throw new DomainError('application_not_found', 'Ansökan finns inte.');
  return app;
}

const actorName = (ctx: Ctx): string =>
  ctx.actor.kind === 'staff' ? ctx.actor.username : ctx.actor.kind === 'citizen' ? 'sökande' : ctx.actor.name;

/**
 * Withdraws an application that has no decision yet (the citizen on Mina ärenden, or a
 * caseworker who took the call). The robot stops (processing `none`), an open proposal is
 * returned, and a database trigger refuses any decision on a withdrawn application — so a robot
 * run in flight cannot decide it afterwards. The household may apply again for the month.
 */
export async function withdrawApplication(ctx: Ctx, applicationId: string, reason?: string) {
  return ctx.db.transaction().execute(async (trx) => {
    const app = await lockApplication(trx, ctx, applicationId);
    if (!(OPEN_STATUSES as readonly string[]).includes(app.status))
      throw new DomainError(
        'invalid_state',
        'Ansökan är redan avgjord eller återkallad och kan inte återkallas.',
      );
    const t = tenant(trx, ctx.tenant.schema);
    const decided = await t
      .selectFrom('decisions')
      .select('decisionId')
      .where('applicationId', '=', applicationId)
      .executeTakeFirst();
    if (decided)
      throw new DomainError('invalid_state', 'Ansökan har redan fått ett beslut och kan inte återkallas.');
    const now = ctx.now();
    await t
      .updateTable('applications')
      .set({ status: 'withdrawn', processing: 'none', updatedAt: now })
      .where('applicationId', '=', applicationId)
      .execute();
    await t
      .updateTable('proposals')
      .set({ status: 'returned', closedAt: now })
      .where('applicationId', '=', applicationId)
      .where('status', '=', 'open')
      .execute();
    await t
      .insertInto('caseEvents')
      .values({
        applicationId,
        kind: 'withdrawn',
        actor: actorName(ctx),
        detail: JSON.stringify(reason ? { reason } : {}),
      })
      .execute();
    await notify(t, {
      personId: app.personId,
      applicationId,
      kind: 'withdrawn',
      title: 'Din ansökan är återkallad',
      body: `Din ansökan om ekonomiskt bistånd för ${formatSwedishMonth(app.month)} är återkallad. Du kan ansöka igen.`,
    });
    await recordAudit(
      ctx,
      {
        action: 'application.withdraw',
        objectType: 'application',
        objectId: applicationId,
        personId: app.personId,
        ...(reason ? { detail: { reason } } : {}),
      },
      trx,
    );
    return { applicationId, status: 'withdrawn' as const, eServiceStatus: E_SERVICE_STATUS.withdrawn };
  });
}

/**
 * A caseworker asks the citizen to complete the application (komplettering). Only a case with a
 * person — the manual queue — since the robot does not wait for answers. One open request at a
 * time (a partial unique index).
 */
export async function requestCompletion(
  ctx: Ctx,
  applicationId: string,
  input: { message: string; dueDate?: string | undefined },
) {
  if (ctx.actor.kind !== 'staff')
    throw new DomainError('forbidden', 'Endast handläggare kan begära komplettering.');
  const requestedBy = ctx.actor.username;
  const today = stockholmDate(ctx.now());
  const dueDate = input.dueDate ?? addWorkingDays(today, COMPLETION_DEFAULT_WORKING_DAYS);
  if (dueDate <= today)
    throw new DomainError('validation_failed', 'Sista dag för komplettering måste vara efter i dag.', {
      issues: [{ path: 'dueDate', message: 'Datumet måste vara efter i dag' }],
    });
  return ctx.db.transaction().execute(async (trx) => {
    const app = await lockApplication(trx, ctx, applicationId);
    if (app.status !== 'in_progress' || app.processing !== 'manual')
      throw new DomainError(
        'invalid_state',
        app.status === 'waiting_for_completion'
          ? 'Ärendet väntar redan på komplettering.'
          : 'Komplettering kan bara begäras i ett ärende som handläggs manuellt och saknar beslut.',
      );
    const t = tenant(trx, ctx.tenant.schema);
    await t
      .insertInto('completionRequests')
      .values({ applicationId, message: input.message, dueDate, requestedBy })
      .execute();
    await t
      .updateTable('applications')
      .set({ status: 'waiting_for_completion', updatedAt: ctx.now() })
      .where('applicationId', '=', applicationId)
      .execute();
    await t
      .insertInto('caseEvents')
      .values({
        applicationId,
        kind: 'completion.requested',
        actor: requestedBy,
        detail: JSON.stringify({ dueDate }),
      })
      .execute();
    await notify(t, {
      personId: app.personId,
      applicationId,
      kind: 'completion_request',
      title: 'Komplettera din ansökan',
      body: `Vi behöver mer underlag för din ansökan för ${formatSwedishMonth(app.month)}. Svara senast ${dueDate} på Mina ärenden: ${input.message}`,
      dedupeKey: `completion:${applicationId}:${ctx.now().toISOString()}`,
    });
    await recordAudit(
      ctx,
      {
        action: 'application.request_completion',
        objectType: 'application',
        objectId: applicationId,
        personId: app.personId,
      },
      trx,
    );
    return {
      applicationId,
      status: 'waiting_for_completion' as const,
      eServiceStatus: E_SERVICE_STATUS.waiting_for_completion,
      dueDate,
    };
  });
}

/** The citizen answers the open completion request; the case goes back to the caseworker. */
export async function answerCompletion(ctx: Ctx, applicationId: string, answer: string) {
  if (ctx.actor.kind !== 'citizen') throw new DomainError('forbidden', 'Endast den sökande kan komplettera.');
  return ctx.db.transaction().execute(async (trx) => {
    const app = await lockApplication(trx, ctx, applicationId);
    const t = tenant(trx, ctx.tenant.schema);
    const open = await t
      .selectFrom('completionRequests')
      .select('completionRequestId')
      .where('applicationId', '=', applicationId)
      .where('answeredAt', 'is', null)
      .executeTakeFirst();
    if (!open || app.status !== 'waiting_for_completion')
      throw new DomainError('invalid_state', 'Det finns ingen begäran om komplettering att svara på.');
    const now = ctx.now();
    await t
      .updateTable('completionRequests')
      .set({ answer, answeredAt: now })
      .where('completionRequestId', '=', open.completionRequestId)
      .execute();
    await t
      .updateTable('applications')
      .set({ status: 'in_progress', updatedAt: now })
      .where('applicationId', '=', applicationId)
      .execute();
    await t
      .insertInto('caseEvents')
      .values({ applicationId, kind: 'completion.answered', actor: 'sökande', detail: '{}' })
      .execute();
    await recordAudit(
      ctx,
      {
        action: 'application.answer_completion',
        objectType: 'application',
        objectId: applicationId,
        personId: app.personId,
      },
      trx,
    );
    return { applicationId, status: 'in_progress' as const, eServiceStatus: E_SERVICE_STATUS.in_progress };
  });
}
