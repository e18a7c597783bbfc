import { tenant } from '@samverkan/db';
import type { ApplicationForm } from '../applications/form.ts';
import type { Ctx } from '../context.ts';

/** What a channel is given: the message and where to reach the person. */
export interface OutgoingNotification {
  notificationId: string;
  municipalityCode: string;
  personnummer: string;
  contact: { phone?: string | undefined; email?: string | undefined };
  kind: string;
  title: string;
  body: string;
}

/**
 * A delivery channel (e-post/SMS gateway, Mina meddelanden, …). The stored notification is what
 * the citizen sees on Mina ärenden whatever happens here; a channel only pushes a copy out.
 * `deliver` throws when the receiver did not accept the message, so it is retried.
 */
export interface NotificationChannel {
  readonly name: string;
  deliver(notification: OutgoingNotification): Promise<void>;
}

/**
 * Posts each notification as JSON to the municipality's message gateway (one URL for the
 * platform; the gateway routes by `municipalityCode`). A 2xx answer is delivery.
 */
export function webhookChannel(
  url: string,
  options: { timeoutMs?: number; token?: string } = {},
): NotificationChannel {
  return {
    name: 'webhook',
    async deliver(notification) {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          'idempotency-key': notification.notificationId,
        },
        body: JSON.stringify(notification),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      if (!response.ok) throw new Error(`notification gateway answered ${response.status}`);
    },
  };
}

/** Development: logs that a message would be sent (ids and kind only, no personal data). */
export function logChannel(log: Ctx['log']): NotificationChannel {
  return {
    name: 'log',
    async deliver(n) {
      log.info(
        { notificationId: n.notificationId, kind: n.kind, municipalityCode: n.municipalityCode },
        'notification',
      );
    },
  };
}

/**
 * Delivers a municipality's undelivered notifications (optionally one application's), oldest
 * first, at most `limit` per run. Rows are claimed with SKIP LOCKED so two workers never send
 * the same one; each row is marked in its own transaction right after the channel accepted it
 * (at-least-once: a crash between the two sends it again, with the same idempotency key).
 * Notifications older than `maxAgeDays` are not pushed any more — news that old is only read
 * on Mina ärenden.
 */
export async function deliverNotifications(
  ctx: Ctx,
  channel: NotificationChannel,
  options: { applicationId?: string; limit?: number; maxAgeDays?: number } = {},
): Promise<{ delivered: number; failed: number }> {
  const since = new Date(ctx.now().getTime() - (options.maxAgeDays ?? 7) * 86_400_000);
  let delivered = 0;
  let failed = 0;
  for (let i = 0; i < (options.limit ?? 200); i++) {
    const outcome = await ctx.db.transaction().execute(async (trx) => {
      const t = tenant(trx, ctx.tenant.schema);
      let q = t
        .selectFrom('notifications')
        .innerJoin('citizens', 'citizens.personId', 'notifications.personId')
        .leftJoin('applications', 'applications.applicationId', 'notifications.applicationId')
        .select([
          'notifications.notificationId',
          'notifications.kind',
          'notifications.title',
          'notifications.body',
          'citizens.personnummer',
          'applications.form',
        ])
        .where('notifications.deliveredAt', 'is', null)
        .where('notifications.createdAt', '>=', since)
        .orderBy('notifications.createdAt')
        .limit(1)
        .forUpdate(['notifications'])
        .skipLocked();
      if (options.applicationId) q = q.where('notifications.applicationId', '=', options.applicationId);
      const row = await q.executeTakeFirst();
      if (!row) return 'none' as const;
      const contact = (row.form as unknown as ApplicationForm | null)?.contact ?? {};
      try {
        await channel.deliver({
          notificationId: row.notificationId,
          municipalityCode: ctx.tenant.code,
          personnummer: row.personnummer,
          contact: { phone: contact.phone, email: contact.email },
          kind: row.kind,
          title: row.title,
          body: row.body,
        });
      } catch (error) {
        ctx.log.warn(
          { notificationId: row.notificationId, err: error instanceof Error ? error.message : String(error) },
          'notification not delivered',
        );
        return 'failed' as const;
      }
      await t
        .updateTable('notifications')
        .set({ deliveredVia: channel.name, deliveredAt: ctx.now() })
        .where('notificationId', '=', row.notificationId)
        .execute();
      return 'delivered' as const;
    });
    if (outcome === 'none') break;
    if (outcome === 'failed') {
      // Leave the rest for the next run: the gateway is probably down.
      failed += 1;
      break;
    }
    delivered += 1;
  }
  return { delivered, failed };
}
