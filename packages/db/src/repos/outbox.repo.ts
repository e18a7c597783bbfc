import { type RawBuilder, sql, type Transaction } from 'kysely';
import type { PlatformDb } from '../connection.ts';
import type { PlatformTables } from '../schema.ts';

export const OUTBOX_CHANNEL = 'samverkan_outbox';

export interface OutboxMessage {
  municipalityCode: string;
  queue: string;
  jobName: string;
  /** Deterministic business key: the same event always gets the same id. */
  jobId: string;
  payload: Record<string, unknown>;
}

/**
 * Records a job in the same transaction as the change that causes it. The NOTIFY is delivered
 * only if the transaction commits, so the relay wakes for committed work only. Writing the same
 * jobId twice is a no-op (the first event wins).
 */
export async function insertOutbox(db: PlatformDb, message: OutboxMessage): Promise<void> {
  await db
    .insertInto('outbox')
    .values({ ...message, payload: JSON.stringify(message.payload) })
    .onConflict((oc) => oc.column('jobId').doNothing())
    .execute();
  await sql`SELECT pg_notify(${OUTBOX_CHANNEL}, ${message.queue})`.execute(db);
}

/**
 * `insertOutbox` as a step of a larger statement (see json-insert.ts), written only `when` the
 * condition holds. The NOTIFY is the caller's: `outboxNotify` in the statement's final SELECT
 * (a CTE that only reads is not run unless something refers to it).
 */
export function outboxStep(message: OutboxMessage, when?: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`INSERT INTO platform.outbox (municipality_code, queue, job_name, job_id, payload)
    SELECT ${message.municipalityCode}, ${message.queue}, ${message.jobName}, ${message.jobId},
      ${JSON.stringify(message.payload)}::jsonb
    ${when ? sql`WHERE ${when}` : sql``}
    ON CONFLICT (job_id) DO NOTHING`;
}

/** The NOTIFY that wakes the relay, as an expression (delivered only if the transaction commits). */
export const outboxNotify = (message: Pick<OutboxMessage, 'queue'>) =>
  sql`pg_notify(${OUTBOX_CHANNEL}, ${message.queue})`;

export interface PendingOutboxRow {
  outboxId: number;
  municipalityCode: string;
  queue: string;
  jobName: string;
  jobId: string;
  payload: Record<string, unknown>;
}

/** Locks a batch of unsent rows; concurrent relays skip each other's rows. */
export function lockPendingOutbox(
  trx: Transaction<PlatformTables>,
  limit: number,
): Promise<PendingOutboxRow[]> {
  return trx
    .selectFrom('outbox')
    .select(['outboxId', 'municipalityCode', 'queue', 'jobName', 'jobId', 'payload'])
    .where('sentAt', 'is', null)
    .orderBy('outboxId')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
}

export async function markOutboxSent(trx: Transaction<PlatformTables>, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await trx.updateTable('outbox').set({ sentAt: new Date() }).where('outboxId', 'in', ids).execute();
}

export async function markOutboxFailed(
  trx: Transaction<PlatformTables>,
  ids: number[],
  error: string,
): Promise<void> {
  if (ids.length === 0) return;
  await trx
    .updateTable('outbox')
    .set((eb) => ({ attempts: eb('attempts', '+', 1), lastError: error.slice(0, 1000) }))
    .where('outboxId', 'in', ids)
    .execute();
}

export async function countPendingOutbox(db: PlatformDb): Promise<number> {
  const row = await db
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('sentAt', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Deletes at most `limit` rows sent before `sentBefore` (oldest first) and returns how many.
 * Unsent rows are never touched.
 */
export async function pruneSentOutbox(db: PlatformDb, sentBefore: Date, limit = 5000): Promise<number> {
  const result = await db
    .deleteFrom('outbox')
    .where(
      'outboxId',
      'in',
      db
        .selectFrom('outbox')
        .select('outboxId')
        .where('sentAt', '<', sentBefore)
        .orderBy('sentAt')
        .limit(limit),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
