import { insertOutbox, platform, tenant } from '@samverkan/db';
import { DomainError, decisionDueAt, parsePersonnummer } from '@samverkan/domain';
import { outboxMessage } from '@samverkan/jobs';
import type { RegisterGateway } from '@samverkan/registers';
import { sql } from 'kysely';
import { recordAudit } from '../audit/record-audit.ts';
import type { Ctx } from '../context.ts';
import { ensureCitizen } from './citizens.ts';
import { householdKey, parseCompleteForm } from './form.ts';
import { notify } from './notifications.ts';

export interface SubmitDeps {
  registers: RegisterGateway | null;
}

const isUniqueViolation = (e: unknown, constraint: string) =>
  typeof e === 'object' &&
  e !== null &&
  (e as { code?: string }).code === '23505' &&
  (e as { constraint?: string }).constraint === constraint;

/**
 * Folkbokföring check against the population register. If the register does not answer, the
 * application is still accepted (citizens must be able to apply when other systems are down);
 * the robot checks residency again before deciding.
 */
async function checkResidency(ctx: Ctx, deps: SubmitDeps, personnummer: string) {
  if (!deps.registers) return { checked: false as const, record: null };
  try {
    const record = await deps.registers.lookupPerson(personnummer);
    if (!record || record.municipalityCode !== ctx.tenant.code || record.deceased) {
      throw new DomainError(
        'not_resident',
        `Du måste vara folkbokförd i ${ctx.tenant.name} för att ansöka här.`,
      );
    }
    return { checked: true as const, record };
  } catch (error) {
    if (error instanceof DomainError && error.code === 'register_unavailable') {
      ctx.log.warn(
        { err: error.message },
        'population register unavailable; residency checked later by the robot',
      );
      return { checked: false as const, record: null };
    }
    throw error;
  }
}

export interface SubmitInput {
  personnummer: string;
  givenName: string;
  familyName: string;
  form: unknown;
  slotId?: string | undefined;
  channel: 'digital' | 'paper';
}

/**
 * Submits an application: complete form, residency, first-meeting booking for first-time
 * applicants, one application per household and month (a unique index), and the robot's job —
 * all in one transaction, so a refused or failed submission leaves nothing behind and a committed
 * one always reaches the robot (transactional outbox).
 */
export async function submitApplication(ctx: Ctx, deps: SubmitDeps, input: SubmitInput) {
  const personnummer = parsePersonnummer(input.personnummer).value;
  const form = parseCompleteForm(input.form);
  const key = householdKey(personnummer, form);
  const residency = await checkResidency(ctx, deps, personnummer);
  const now = ctx.now();
  const registeredBy = input.channel === 'paper' && ctx.actor.kind === 'staff' ? ctx.actor.username : null;

  try {
    return await ctx.db.transaction().execute(async (trx) => {
      const t = tenant(trx, ctx.tenant.schema);
      const { personId } = await ensureCitizen(t, {
        personnummer,
        givenName: residency.record?.givenName ?? input.givenName,
        familyName: residency.record?.familyName ?? input.familyName,
      });
      const earlier = await t
        .selectFrom('applications')
        .select('applicationId')
        .where('personId', '=', personId)
        .where('status', 'not in', ['draft', 'withdrawn'])
        .limit(1)
        .executeTakeFirst();
      let slotId: string | null = null;
      // A first-time applicant who already booked a nysamtal (e.g. before withdrawing an
      // earlier application) keeps that time rather than booking another.
      const alreadyBooked =
        earlier || input.slotId
          ? undefined
          : await t
              .selectFrom('intakeSlots')
              .select('slotId')
              .where('bookedPersonId', '=', personId)
              .orderBy('startsAt', 'desc')
              .limit(1)
              .executeTakeFirst();
      if (alreadyBooked) slotId = alreadyBooked.slotId;
      else if (!earlier) {
        if (!input.slotId) {
          throw new DomainError(
            'intake_meeting_required',
            'Boka en tid för nysamtal innan du skickar din första ansökan.',
          );
        }
        const booked = await t
          .updateTable('intakeSlots')
          .set({ bookedPersonId: personId, bookedAt: now })
          .where('slotId', '=', input.slotId)
          .where('bookedPersonId', 'is', null)
          .where('startsAt', '>', now)
          .returning('slotId')
          .executeTakeFirst();
        if (!booked)
          throw new DomainError(
            'slot_unavailable',
            'Tiden för nysamtal är inte längre ledig. Välj en annan tid.',
          );
        slotId = booked.slotId;
      }
      const { n } = await sql<{
        n: string;
      }>`SELECT nextval(${sql.lit(`${ctx.tenant.schema}.case_number_seq`)}::regclass) AS n`
        .execute(trx)
        .then((r) => r.rows[0] ?? { n: '0' });
      const caseNumber = `EB-${ctx.tenant.code}-${form.month.slice(0, 4)}-${String(n).padStart(6, '0')}`;
      // A draft for the month becomes the submitted application (drafts are never deleted).
      const draft = await t
        .selectFrom('applications')
        .select('applicationId')
        .where('personId', '=', personId)
        .where('month', '=', form.month)
        .where('status', '=', 'draft')
        .executeTakeFirst();
      const values = {
        caseNumber,
        personId,
        month: form.month,
        channel: input.channel,
        status: 'submitted' as const,
        householdKey: key,
        form: JSON.stringify(form),
        slotId,
        registeredBy,
        submittedAt: now,
        dueAt: decisionDueAt(now),
        processing: 'queued' as const,
        manualReasons: JSON.stringify([]),
        updatedAt: now,
      };
      const application = await (draft
        ? t.updateTable('applications').set(values).where('applicationId', '=', draft.applicationId)
        : t.insertInto('applications').values(values)
      )
        .returningAll()
        .executeTakeFirstOrThrow();
      await t
        .insertInto('caseEvents')
        .values({
          applicationId: application.applicationId,
          kind: 'submitted',
          actor: registeredBy ?? personnummer,
          detail: JSON.stringify({ channel: input.channel, residencyChecked: residency.checked }),
        })
        .execute();
      await insertOutbox(
        platform(trx),
        outboxMessage('application.assess', {
          municipalityCode: ctx.tenant.code,
          applicationId: application.applicationId,
        }),
      );
      await notify(t, {
        personId,
        applicationId: application.applicationId,
        kind: 'submitted',
        title: 'Din ansökan har kommit in',
        body: `Vi har tagit emot din ansökan om ekonomiskt bistånd för ${form.month} (ärende ${caseNumber}). Du får beslut senast nästa vardag.`,
      });
      await recordAudit(
        ctx,
        {
          action: 'application.submit',
          objectType: 'application',
          objectId: application.applicationId,
          personId,
          detail: { channel: input.channel },
        },
        trx,
      );
      return application;
    });
  } catch (error) {
    if (isUniqueViolation(error, 'applications_household_month_uq')) {
      throw new DomainError('application_duplicate', `Hushållet har redan en ansökan för ${form.month}.`);
    }
    throw error;
  }
}

/** Drafts: any part of the form, saved per person and month, never validated beyond shape. */
export async function saveDraft(
  ctx: Ctx,
  input: {
    personnummer: string;
    givenName: string;
    familyName: string;
    month: string;
    form: Record<string, unknown>;
  },
) {
  const personnummer = parsePersonnummer(input.personnummer).value;
  return ctx.db.transaction().execute(async (trx) => {
    const t = tenant(trx, ctx.tenant.schema);
    const { personId } = await ensureCitizen(t, {
      personnummer,
      givenName: input.givenName,
      familyName: input.familyName,
    });
    const existing = await t
      .selectFrom('applications')
      .select('applicationId')
      .where('personId', '=', personId)
      .where('month', '=', input.month)
      .where('status', '=', 'draft')
      .executeTakeFirst();
    const form = JSON.stringify({ ...input.form, month: input.month });
    const row = existing
      ? await t
          .updateTable('applications')
          .set({ form, updatedAt: ctx.now() })
          .where('applicationId', '=', existing.applicationId)
          .returningAll()
          .executeTakeFirstOrThrow()
      : await t
          .insertInto('applications')
          .values({
            caseNumber: `UTKAST-${crypto.randomUUID()}`,
            personId,
            month: input.month,
            channel: 'digital',
            status: 'draft',
            householdKey: `draft:${personId}`,
            form,
            manualReasons: JSON.stringify([]),
          })
          .returningAll()
          .executeTakeFirstOrThrow();
    await recordAudit(
      ctx,
      { action: 'application.save_draft', objectType: 'application', objectId: row.applicationId, personId },
      trx,
    );
    return row;
  });
}
