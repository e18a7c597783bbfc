import { robotCtx, storeDailySummary, tenantRef } from '@samverkan/core';
import { isWorkingDay, stockholmDate } from '@samverkan/domain';
import type { Processor } from './types.ts';

/**
 * Each working-day morning: the previous working day's robot decisions and the open manual queue,
 * stored once per reviewed day for the caseworkers' reasonableness review (GET daily-summary).
 */
export const summaryDaily: Processor<'summary.daily'> = async (payload, job) => {
  const date = payload.date ?? stockholmDate(job.scheduledAt ?? job.now());
  if (!isWorkingDay(date)) return { skipped: 'not_a_working_day' };
  const deps = { db: job.db, registers: job.registers, log: job.log, now: job.now };
  const ctx = robotCtx(deps, await tenantRef(job.db, payload.municipalityCode), job.jobId);
  const summary = await storeDailySummary(ctx, date);
  return {
    reviewedDay: summary?.date,
    robotDecisions: (summary?.robotDecisions.approved ?? 0) + (summary?.robotDecisions.rejected ?? 0),
    manualOpen: summary?.manualQueue.open,
  };
};
