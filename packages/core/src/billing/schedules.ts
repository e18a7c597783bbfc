import { platform, type RootDb } from '@samverkan/db';
import { addMonths } from '@samverkan/domain';
import type { JobPayload } from '@samverkan/jobs';
import { stockholmToday } from '../context.ts';
import { billingTermsSchema } from './terms.ts';

/** Cron (Europe/Stockholm): 05:00 on the 1st of each month, or of each quarter. */
export const INVOICE_RUN_PATTERNS = {
  monthly: '0 5 1 * *',
  quarterly: '0 5 1 1,4,7,10 *',
} as const;

/** One scheduled invoice run; structurally a worker `ScheduleEntry<'invoice.run'>`. */
export interface InvoiceSchedule {
  jobName: 'invoice.run';
  pattern: string;
  payload: JobPayload<'invoice.run'>;
}

/**
 * The invoice runs to schedule: one per active agreement that has not ended, with a cron by its
 * invoice period. The payload carries no period, so each run bills the period before the one it
 * fires in. Agreements whose terms do not parse are left out (a run would only fail on them).
 */
export async function listInvoiceSchedules(db: RootDb, now: Date = new Date()): Promise<InvoiceSchedule[]> {
  const today = stockholmToday(now);
  const agreements = await platform(db)
    .selectFrom('agreements')
    .select(['agreementId', 'tenantCode', 'billingTerms', 'validTo'])
    .where('status', '=', 'active')
    .orderBy('tenantCode')
    .orderBy('validFrom')
    .execute();
  const entries: InvoiceSchedule[] = [];
  for (const a of agreements) {
    // The month after an agreement ends still has its last period to bill.
    if (a.validTo !== null && a.validTo < `${addMonths(today.slice(0, 7), -3)}-01`) continue;
    const terms = billingTermsSchema.safeParse(a.billingTerms);
    if (!terms.success) continue;
    entries.push({
      jobName: 'invoice.run',
      pattern: INVOICE_RUN_PATTERNS[terms.data.invoicePeriod],
      payload: { municipalityCode: a.tenantCode, agreementId: a.agreementId },
    });
  }
  return entries;
}
