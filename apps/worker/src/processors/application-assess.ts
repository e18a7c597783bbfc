import { robotGaveUp, runRobot } from '@samverkan/core';
import type { FinalFailureHook, Processor } from './types.ts';

/** The robot: register checks, calculation, assessment, then decide / propose / manual (core). */
export const applicationAssess: Processor<'application.assess'> = (payload, job) =>
  runRobot({ db: job.db, registers: job.registers, log: job.log, now: job.now }, payload, job.jobId);

/** Retries exhausted (e.g. SSBTEK down all morning): the case goes to a caseworker, never lost. */
export const applicationAssessGaveUp: FinalFailureHook<'application.assess'> = async (
  payload,
  error,
  job,
) => {
  await robotGaveUp(
    { db: job.db, registers: job.registers, log: job.log, now: job.now },
    payload,
    job.jobId,
    error instanceof Error ? error : new Error(String(error)),
  );
};
