import type { TenantDb } from '@samverkan/db';

/**
 * Stores a notification for Mina ärenden. `dedupeKey` makes a repeated event (a redelivered job)
 * one notification. Delivery (e-mail/SMS/Mina meddelanden) is a pluggable channel that reads
 * undelivered rows; the stored row is what the citizen sees either way.
 */
export async function notify(
  db: TenantDb,
  n: {
    personId: string;
    applicationId: string | null;
    kind: string;
    title: string;
    body: string;
    dedupeKey?: string;
  },
): Promise<void> {
  await db
    .insertInto('notifications')
    .values({
      personId: n.personId,
      applicationId: n.applicationId,
      kind: n.kind,
      title: n.title,
      body: n.body,
      dedupeKey: n.dedupeKey ?? `${n.kind}:${n.applicationId ?? n.personId}`,
    })
    .onConflict((oc) => oc.column('dedupeKey').doNothing())
    .execute();
}
