import { createPaymentFile, robotCtx, tenantRef } from '@samverkan/core';
import { DomainError, isWorkingDay, stockholmDate } from '@samverkan/domain';
import type { Processor } from './types.ts';

/**
 * The daily payment file per municipality (scheduled each working morning). Nothing to pay, or
 * a file already made for the date, is a normal outcome — the unique payment date in the
 * database makes a second run harmless.
 */
export const paymentsFile: Processor<'payments.file'> = async (payload, job) => {
  const paymentDate = payload.paymentDate ?? stockholmDate(job.now());
  if (!isWorkingDay(paymentDate)) return { skipped: 'not_a_working_day' };
  const deps = { db: job.db, registers: job.registers, log: job.log, now: job.now };
  const ctx = robotCtx(deps, await tenantRef(job.db, payload.municipalityCode), job.jobId);
  try {
    const file = await createPaymentFile(ctx, paymentDate);
    return { paymentFileId: file.paymentFileId, count: file.paymentCount };
  } catch (error) {
    if (error instanceof DomainError && (error.code === 'invalid_state' || error.code === 'conflict')) {
      return { skipped: error.code };
    }
    throw error;
  }
};
