import { tenant } from '@samverkan/db';
import { DomainError, parsePersonnummer } from '@samverkan/domain';
import { recordAudit } from '../audit/record-audit.ts';
import type { Ctx } from '../context.ts';
import { ensureCitizen } from './citizens.ts';

/** Free first-meeting (nysamtal) times from now on. */
export function listFreeSlots(ctx: Ctx, limit = 50) {
  return tenant(ctx.db, ctx.tenant.schema)
    .selectFrom('intakeSlots')
    .select(['slotId', 'startsAt', 'endsAt', 'place', 'locationName'])
    .where('bookedPersonId', 'is', null)
    .where('startsAt', '>', ctx.now())
    .orderBy('startsAt')
    .limit(limit)
    .execute();
}

export async function createSlots(
  ctx: Ctx,
  slots: {
    startsAt: string;
    endsAt: string;
    place: 'tenant_office' | 'host_office' | 'video';
    locationName: string;
    officerUsername: string;
  }[],
) {
  return ctx.db.transaction().execute(async (trx) => {
    const rows = await tenant(trx, ctx.tenant.schema)
      .insertInto('intakeSlots')
      .values(slots)
      .returningAll()
      .execute();
    await recordAudit(ctx, { action: 'intake.create_slots', detail: { count: rows.length } }, trx);
    return rows;
  });
}

/**
 * The labour officer's outcome of the first meeting: available for work (aktiv) or not, with
 * reason, and the plan period. The robot requires a plan covering the month applied for.
 */
export async function recordLabourAssessment(
  ctx: Ctx,
  input: {
    personnummer: string;
    slotId?: string;
    availableForWork: boolean;
    reason?: string;
    planFrom: string;
    planTo: string;
    track?: string;
  },
) {
  if (ctx.actor.kind !== 'staff') throw new DomainError('forbidden', 'Endast arbetsmarknadssekreterare.');
  if (!input.availableForWork && !input.reason) {
    throw new DomainError(
      'validation_failed',
      'Ange skäl när personen inte bedöms stå till arbetsmarknadens förfogande.',
      {
        issues: [{ path: 'reason', message: 'Skäl krävs' }],
      },
    );
  }
  if (input.planTo < input.planFrom) {
    throw new DomainError('validation_failed', 'Planens slutdatum ligger före startdatum.', {
      issues: [{ path: 'planTo', message: 'Före planFrom' }],
    });
  }
  const recordedBy = ctx.actor.username;
  const personnummer = parsePersonnummer(input.personnummer).value;
  return ctx.db.transaction().execute(async (trx) => {
    const t = tenant(trx, ctx.tenant.schema);
    const person = await t
      .selectFrom('citizens')
      .selectAll()
      .where('personnummer', '=', personnummer)
      .executeTakeFirst();
    if (!person) throw new DomainError('not_found', 'Personen är inte känd i kommunen.');
    const { personId } = await ensureCitizen(t, person);
    const row = await t
      .insertInto('labourAssessments')
      .values({
        personId,
        slotId: input.slotId ?? null,
        availableForWork: input.availableForWork,
        reason: input.reason ?? null,
        planFrom: input.planFrom,
        planTo: input.planTo,
        track: input.track ?? null,
        recordedBy,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(
      ctx,
      {
        action: 'labour.record_assessment',
        objectType: 'labour_assessment',
        objectId: row.labourAssessmentId,
        personId,
      },
      trx,
    );
    return row;
  });
}
