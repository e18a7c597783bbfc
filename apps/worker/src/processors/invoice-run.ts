import { robotCtx, runInvoice, tenantRef } from '@samverkan/core';
import { DomainError } from '@samverkan/domain';
import type { Processor } from './types.ts';

/**
 * The scheduled invoice run of one agreement: creates (or refreshes) the period's draft for
 * finance to review and issue. A period already issued, or nothing to bill, is a normal
 * outcome; a second run is harmless (one live invoice per agreement and period in the db).
 */
export const invoiceRun: Processor<'invoice.run'> = async (payload, job) => {
  const deps = { db: job.db, registers: job.registers, log: job.log, now: job.now };
  const ctx = robotCtx(deps, await tenantRef(job.db, payload.municipalityCode), job.jobId);
  try {
    const { invoice, outcome } = await runInvoice(ctx, {
      agreementId: payload.agreementId,
      ...(payload.period ? { period: payload.period } : {}),
    });
    return { invoiceId: invoice.invoiceId, period: invoice.periodLabel, outcome };
  } catch (error) {
    // Incomplete terms or nothing to bill: retrying will not help; finance sees it on a manual run.
    if (error instanceof DomainError && (error.code === 'invalid_state' || error.code === 'not_found')) {
      job.log.warn({ code: error.code, reason: error.message }, 'invoice run skipped');
      return { skipped: error.code };
    }
    throw error;
  }
};
