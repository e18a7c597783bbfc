import { tenant } from '@samverkan/db';
import { DomainError } from '@samverkan/domain';
import { recordAudit } from '../audit/record-audit.ts';
import type { Ctx } from '../context.ts';
import { assertNotBlindReviewer } from '../sample-checks/sample-checks.ts';

/** Everything about one case for a caseworker or the huvudman's follow-up; the read is audited. */
export async function getCase(ctx: Ctx, applicationId: string) {
  await assertNotBlindReviewer(ctx, applicationId);
  const t = tenant(ctx.db, ctx.tenant.schema);
  const application = await t
    .selectFrom('applications')
    .innerJoin('citizens', 'citizens.personId', 'applications.personId')
    .selectAll('applications')
    .select(['citizens.personnummer', 'citizens.givenName', 'citizens.familyName'])
    .where('applications.applicationId', '=', applicationId)
    .where('applications.status', '<>', 'draft')
    .executeTakeFirst();
  // Another municipality's id is simply not in this schema: "not found", never "forbidden".
  if (!application) throw new DomainError('application_not_found', 'Ansökan finns inte.');
  const [fetches, assessment, proposal, decision, payment, events, notes, completionRequests] =
    await Promise.all([
      t
        .selectFrom('registerFetches')
        .selectAll()
        .where('applicationId', '=', applicationId)
        .orderBy('fetchedAt')
        .execute(),
      t
        .selectFrom('robotAssessments')
        .selectAll()
        .where('applicationId', '=', applicationId)
        .executeTakeFirst(),
      t.selectFrom('proposals').selectAll().where('applicationId', '=', applicationId).executeTakeFirst(),
      t.selectFrom('decisions').selectAll().where('applicationId', '=', applicationId).executeTakeFirst(),
      t.selectFrom('payments').selectAll().where('applicationId', '=', applicationId).executeTakeFirst(),
      t
        .selectFrom('caseEvents')
        .selectAll()
        .where('applicationId', '=', applicationId)
        .orderBy('eventId')
        .execute(),
      t
        .selectFrom('journalNotes')
        .selectAll()
        .where('applicationId', '=', applicationId)
        .orderBy('createdAt')
        .execute(),
      t
        .selectFrom('completionRequests')
        .selectAll()
        .where('applicationId', '=', applicationId)
        .orderBy('requestedAt')
        .execute(),
    ]);
  await recordAudit(ctx, {
    action: 'case.read',
    objectType: 'application',
    objectId: applicationId,
    personId: application.personId,
  });
  return {
    application,
    fetches,
    assessment: assessment ?? null,
    proposal: proposal ?? null,
    decision: decision ?? null,
    payment: payment ?? null,
    events,
    notes,
    completionRequests,
  };
}

export async function addJournalNote(ctx: Ctx, applicationId: string, body: string) {
  if (ctx.actor.kind !== 'staff')
    throw new DomainError('forbidden', 'Endast personal kan skriva journalanteckningar.');
  const author = ctx.actor.username;
  return ctx.db.transaction().execute(async (trx) => {
    const t = tenant(trx, ctx.tenant.schema);
    const app = await t
      .selectFrom('applications')
      .select(['personId'])
      .where('applicationId', '=', applicationId)
      .executeTakeFirst();
    if (!app) throw new DomainError('application_not_found', 'Ansökan finns inte.');
    const note = await t
      .insertInto('journalNotes')
      .values({ applicationId, author, body })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(
      ctx,
      { action: 'case.add_note', objectType: 'journal_note', objectId: note.noteId, personId: app.personId },
      trx,
    );
    return note;
  });
}
