import { insertFromJson, type TenantDb } from '@samverkan/db';
import type { RawBuilder } from 'kysely';

/**
 * Stores a notification for Mina ärenden. `dedupeKey` makes a repeated event (a redelivered job)
 * one notification. Delivery (e-mail/SMS/Mina meddelanden) is a pluggable channel that reads
 * undelivered rows; the stored row is what the citizen sees either way.
 */
export interface NewNotification {
  personId: string;
  applicationId: string | null;
  kind: string;
  title: string;
  body: string;
  dedupeKey?: string;
}

/** The stored row; `dedupeKey` defaults to one notification per kind and application (or person). */
export const notificationRow = (n: NewNotification) => ({
  personId: n.personId,
  applicationId: n.applicationId,
  kind: n.kind,
  title: n.title,
  body: n.body,
  dedupeKey: n.dedupeKey ?? `${n.kind}:${n.applicationId ?? n.personId}`,
});

export async function notify(db: TenantDb, n: NewNotification): Promise<void> {
  await db
    .insertInto('notifications')
    .values(notificationRow(n))
    .onConflict((oc) => oc.column('dedupeKey').doNothing())
    .execute();
}

/** `notify` as a step of a larger statement (see `insertFromJson`), written only `when` it holds. */
export function notificationStep(
  schema: string,
  n: NewNotification,
  when?: RawBuilder<unknown>,
  /** Columns computed in SQL, e.g. a body naming a case number drawn in the same statement. */
  computed?: Record<string, RawBuilder<unknown>>,
) {
  return insertFromJson(schema, 'notifications', [notificationRow(n)], {
    onConflictDoNothing: 'dedupeKey',
    ...(when ? { when } : {}),
    ...(computed ? { computed } : {}),
  });
}
