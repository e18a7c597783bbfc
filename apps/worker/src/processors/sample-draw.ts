import { drawSamples, robotCtx, tenantRef } from '@samverkan/core';
import { DomainError } from '@samverkan/domain';
import type { Processor } from './types.ts';

/**
 * On the 1st of each month: the previous month's stickprov and blind-review draw. The draw is
 * once per month in the database, so a re-run returns the first draw.
 */
export const sampleDraw: Processor<'sample.draw'> = async (payload, job) => {
  const deps = {
    db: job.db,
    registers: job.registers,
    log: job.log,
    now: () => job.scheduledAt ?? job.now(),
  };
  const ctx = robotCtx(deps, await tenantRef(job.db, payload.municipalityCode), job.jobId);
  try {
    const draw = await drawSamples(ctx, payload.period);
    return {
      month: draw.month,
      documents: draw.documentsDrawn,
      blind: draw.blindDrawn,
      created: draw.created,
    };
  } catch (error) {
    // No guidelines for the month, or a month not yet ended: retrying will not help.
    if (error instanceof DomainError && error.code === 'invalid_state') {
      job.log.warn({ reason: error.message }, 'sample draw skipped');
      return { skipped: error.code };
    }
    throw error;
  }
};
