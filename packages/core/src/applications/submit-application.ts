import { randomUUID } from 'node:crypto';
import {
  executeSteps,
  insertFromJson,
  outboxNotify,
  outboxStep,
  type RootDb,
  snakeCase,
  tenant,
} from '@samverkan/db';
import { DomainError, decisionDueAt, parsePersonnummer } from '@samverkan/domain';
import { outboxMessage } from '@samverkan/jobs';
import type { RegisterGateway } from '@samverkan/registers';
import { type RawBuilder, sql } from 'kysely';
import { auditStep, recordAudit } from '../audit/record-audit.ts';
import type { Ctx } from '../context.ts';
import { ensureCitizen } from './citizens.ts';
import { householdKey, parseCompleteForm } from './form.ts';
import { notificationStep } from './notifications.ts';

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

/** What a submission needs to know about the person, read (and the person created) in one statement. */
interface Applicant {
  personId: string;
  /** Has a submitted application (not a draft, not withdrawn): no new first meeting needed. */
  appliedBefore: boolean;
  /** A nysamtal the person already booked (e.g. before withdrawing an earlier application). */
  bookedSlotId: string | null;
  /** A draft for the month, which becomes the submitted application. */
  draftId: string | null;
}

async function readApplicant(
  trx: RootDb,
  schema: string,
  person: { personnummer: string; givenName: string; familyName: string },
  month: string,
): Promise<Applicant> {
  const citizens = sql.id(schema, 'citizens');
  const facts = (personId: RawBuilder<unknown>) => sql`SELECT p.person_id AS "personId",
      EXISTS (SELECT 1 FROM ${sql.id(schema, 'applications')} a
        WHERE a.person_id = p.person_id AND a.status NOT IN ('draft', 'withdrawn')) AS "appliedBefore",
      (SELECT s.slot_id FROM ${sql.id(schema, 'intake_slots')} s WHERE s.booked_person_id = p.person_id
        ORDER BY s.starts_at DESC LIMIT 1) AS "bookedSlotId",
      (SELECT a.application_id FROM ${sql.id(schema, 'applications')} a
        WHERE a.person_id = p.person_id AND a.month = ${month} AND a.status = 'draft') AS "draftId"
    FROM ${personId} AS p LIMIT 1`;
  const [found] = await executeSteps<Applicant>(
    trx,
    [
      [
        'inserted',
        sql`INSERT INTO ${citizens} (personnummer, given_name, family_name)
          VALUES (${person.personnummer}, ${person.givenName}, ${person.familyName})
          ON CONFLICT (personnummer) DO NOTHING RETURNING person_id`,
      ],
    ],
    facts(
      sql`(SELECT person_id FROM inserted UNION ALL
        SELECT person_id FROM ${citizens} WHERE personnummer = ${person.personnummer})`,
    ),
    { prepared: true },
  );
  if (found) return found;
  // Created by a concurrent submission after this statement's snapshot: read it in a new one.
  const [again] = await executeSteps<Applicant>(
    trx,
    [],
    facts(sql`(SELECT person_id FROM ${citizens} WHERE personnummer = ${person.personnummer})`),
  );
  if (!again) throw new Error('citizen row missing after insert');
  return again;
}

/**
 * Submits an application: complete form, residency, first-meeting booking for first-time
 * applicants, one application per household and month (a unique index), and the robot's job —
 * all in one transaction, so a refused or failed submission leaves nothing behind and a committed
 * one always reaches the robot (transactional outbox).
 *
 * Two statements: one reads what the rules need (and creates the citizen row), one writes
 * everything — the booking, the application with its case number, the case event, the outbox
 * row and its NOTIFY, the notification and the audit entry (data-modifying CTEs). When the
 * booking finds the time taken, nothing else is written.
 */
export async function submitApplication(ctx: Ctx, deps: SubmitDeps, input: SubmitInput) {
  const personnummer = parsePersonnummer(input.personnummer).value;
  const form = parseCompleteForm(input.form);
  const key = householdKey(personnummer, form);
  const residency = await checkResidency(ctx, deps, personnummer);
  const now = ctx.now();
  const schema = ctx.tenant.schema;
  const registeredBy = input.channel === 'paper' && ctx.actor.kind === 'staff' ? ctx.actor.username : null;

  try {
    return await ctx.db.transaction().execute(async (trx) => {
      const applicant = await readApplicant(
        trx,
        schema,
        {
          personnummer,
          givenName: residency.record?.givenName ?? input.givenName,
          familyName: residency.record?.familyName ?? input.familyName,
        },
        form.month,
      );
      const { personId } = applicant;
      // First-time applicants need a nysamtal: the time they pick now, or one booked before.
      let slotId: string | null = null;
      let booking: string | null = null;
      if (!applicant.appliedBefore) {
        if (input.slotId) booking = input.slotId;
        else if (applicant.bookedSlotId) slotId = applicant.bookedSlotId;
        else {
          throw new DomainError(
            'intake_meeting_required',
            'Boka en tid för nysamtal innan du skickar din första ansökan.',
          );
        }
      }
      const applicationId = applicant.draftId ?? randomUUID();
      const booked = booking ? sql`EXISTS (SELECT 1 FROM booked)` : undefined;
      const written = sql`EXISTS (SELECT 1 FROM application)`;
      // The case number is drawn only when the application row is written (no number used up
      // when the time was taken; a duplicate still uses one, as the insert fails after drawing
      // it). At least six digits, more when the sequence passes 999 999 (lpad alone would cut).
      const caseNumber = sql`(SELECT ${`EB-${ctx.tenant.code}-${form.month.slice(0, 4)}-`} ||
        lpad(s.n::text, greatest(6, length(s.n::text)), '0')
        FROM (SELECT nextval(${sql.lit(`${schema}.case_number_seq`)}::regclass) AS n) AS s)`;
      const values = {
        personId,
        month: form.month,
        channel: input.channel,
        status: 'submitted',
        householdKey: key,
        form,
        slotId: booking ?? slotId,
        registeredBy,
        submittedAt: now,
        dueAt: decisionDueAt(now),
        processing: 'queued',
        manualReasons: [],
        updatedAt: now,
      };
      const message = outboxMessage('application.assess', {
        municipalityCode: ctx.tenant.code,
        applicationId,
      });
      const [row] = await executeSteps<Record<string, unknown>>(
        trx,
        [
          ...(booking
            ? ([
                [
                  'booked',
                  sql`UPDATE ${sql.id(schema, 'intake_slots')} SET booked_person_id = ${personId}, booked_at = ${now}
                    WHERE slot_id = ${booking} AND starts_at > ${now}
                      AND (booked_person_id IS NULL OR booked_person_id = ${personId})
                    RETURNING slot_id`,
                ],
              ] as const)
            : []),
          [
            'application',
            applicant.draftId
              ? updateFromJson(schema, 'applications', applicant.draftId, values, { caseNumber }, booked)
              : insertFromJson(schema, 'applications', [{ applicationId, ...values }], {
                  computed: { caseNumber },
                  returning: APPLICATION_COLUMNS,
                  ...(booked ? { when: booked } : {}),
                }),
          ],
          [
            'submitted_event',
            insertFromJson(
              schema,
              'caseEvents',
              [
                {
                  applicationId,
                  kind: 'submitted',
                  actor: registeredBy ?? personnummer,
                  detail: { channel: input.channel, residencyChecked: residency.checked },
                },
              ],
              { when: written },
            ),
          ],
          ['outbox', outboxStep(message, written)],
          [
            'submitted_notification',
            notificationStep(
              schema,
              {
                personId,
                applicationId,
                kind: 'submitted',
                title: 'Din ansökan har kommit in',
                body: '',
              },
              written,
              {
                body: sql`${`Vi har tagit emot din ansökan om ekonomiskt bistånd för ${form.month} (ärende `} ||
                  (SELECT case_number FROM application) || ${'). Du får beslut senast nästa vardag.'}`,
              },
            ),
          ],
          [
            'audit',
            auditStep(ctx, [
              {
                events: [
                  {
                    action: 'application.submit',
                    objectType: 'application',
                    objectId: applicationId,
                    personId,
                    detail: { channel: input.channel },
                  },
                ],
                when: written,
              },
            ]),
          ],
        ],
        sql`SELECT application.*, ${outboxNotify(message)} AS notified FROM application`,
        // Same text for every submission of a tenant with the same shape (booking or not, draft or not).
        { prepared: true },
      );
      if (!row) {
        // Nothing written: the time was taken by someone else or has passed — or this same
        // person's concurrent submission got there first (it booked the time for them, or
        // turned the draft): a duplicate.
        const [slot] = booking
          ? await executeSteps<{ mine: boolean }>(
              trx,
              [],
              sql`SELECT booked_person_id = ${personId} AND starts_at > ${now} AS mine
                FROM ${sql.id(schema, 'intake_slots')} WHERE slot_id = ${booking}`,
            )
          : [];
        if (booking && !slot?.mine) {
          throw new DomainError(
            'slot_unavailable',
            'Tiden för nysamtal är inte längre ledig. Välj en annan tid.',
          );
        }
        throw new DomainError('application_duplicate', `Hushållet har redan en ansökan för ${form.month}.`);
      }
      return submitted(row);
    });
  } catch (error) {
    if (isUniqueViolation(error, 'applications_household_month_uq')) {
      throw new DomainError('application_duplicate', `Hushållet har redan en ansökan för ${form.month}.`);
    }
    throw error;
  }
}

/** What a submission returns of the application (as the API's summary shows it). */
const APPLICATION_COLUMNS = [
  'applicationId',
  'caseNumber',
  'personId',
  'month',
  'status',
  'channel',
  'submittedAt',
  'dueAt',
];

function submitted(row: Record<string, unknown>) {
  return {
    applicationId: row.application_id as string,
    caseNumber: row.case_number as string,
    personId: row.person_id as string,
    month: row.month as string,
    status: row.status as 'submitted',
    channel: row.channel as 'digital' | 'paper',
    submittedAt: row.submitted_at as Date,
    dueAt: row.due_at as Date,
  };
}

/** The draft for the month becomes the submitted application (drafts are never deleted). */
function updateFromJson(
  schema: string,
  table: 'applications',
  applicationId: string,
  values: Record<string, unknown>,
  computed: Record<string, RawBuilder<unknown>>,
  when: RawBuilder<unknown> | undefined,
) {
  const target = sql.id(schema, table);
  const columns = Object.keys(values).map(snakeCase);
  const json = JSON.stringify(Object.fromEntries(Object.entries(values).map(([k, v]) => [snakeCase(k), v])));
  return sql`UPDATE ${target} AS t SET
      ${sql.join([
        ...columns.map((c) => sql`${sql.id(c)} = r.${sql.id(c)}`),
        ...Object.entries(computed).map(([c, e]) => sql`${sql.id(snakeCase(c))} = ${e}`),
      ])}
    FROM jsonb_populate_record(NULL::${target}, ${json}::jsonb) AS r
    WHERE t.application_id = ${applicationId} AND t.status = 'draft' ${when ? sql`AND ${when}` : sql``}
    RETURNING ${sql.join(APPLICATION_COLUMNS.map((c) => sql.ref(`t.${snakeCase(c)}`)))}`;
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
