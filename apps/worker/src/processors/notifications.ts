import { deliverNotifications, type NotificationChannel, robotCtx, tenantRef } from '@samverkan/core';
import { tenant } from '@samverkan/db';
import type { Processor } from './types.ts';

/**
 * Delivery of Mina ärenden notifications through the configured channel: right after a decision
 * (`decision.notify`) and as a sweep every minute for everything else and for retries
 * (`notifications.deliver`). Undelivered rows stay in the database, so nothing is lost while
 * the gateway is down. Without a channel (NOTIFY_CHANNEL=none) the rows are only shown on
 * Mina ärenden and both jobs return at once.
 */
export function notificationProcessors(channel: NotificationChannel | null): {
  'decision.notify': Processor<'decision.notify'>;
  'notifications.deliver': Processor<'notifications.deliver'>;
} {
  return {
    'decision.notify': async (payload, job) => {
      if (!channel) return { skipped: 'no_channel' };
      const deps = { db: job.db, registers: job.registers, log: job.log, now: job.now };
      const ctx = robotCtx(deps, await tenantRef(job.db, payload.municipalityCode), job.jobId);
      const decision = await tenant(job.db, ctx.tenant.schema)
        .selectFrom('decisions')
        .select('applicationId')
        .where('decisionId', '=', payload.decisionId)
        .executeTakeFirst();
      if (!decision) return { skipped: 'no_such_decision' };
      const result = await deliverNotifications(ctx, channel, { applicationId: decision.applicationId });
      if (result.failed > 0) throw new Error('notification gateway did not accept the message');
      return result;
    },
    'notifications.deliver': async (payload, job) => {
      if (!channel) return { skipped: 'no_channel' };
      const deps = { db: job.db, registers: job.registers, log: job.log, now: job.now };
      const ctx = robotCtx(deps, await tenantRef(job.db, payload.municipalityCode), job.jobId);
      return deliverNotifications(ctx, channel);
    },
  };
}
