import {
  type CompanionOptions,
  InFlight,
  RobotBatches,
  RobotCache,
  type RobotResult,
  robotGaveUp,
  runRobot,
} from '@samverkan/core';
import type { RootDb } from '@samverkan/db';
import type { FinalFailureHook, Processor } from './types.ts';

/**
 * One reference-data cache per database handle, i.e. per running worker (tests boot several in
 * one process). It checks its entries against stamps read with every case: see RobotCache.
 */
const caches = new WeakMap<RootDb, RobotCache>();
function cacheFor(db: RootDb): RobotCache {
  let cache = caches.get(db);
  if (!cache) {
    cache = new RobotCache();
    caches.set(db, cache);
  }
  return cache;
}

/**
 * The robot: register checks, calculation, assessment, then decide / propose / manual (core).
 * Concurrent jobs of one tenant share the robot's read and write statements (group commit), and
 * a job takes the tenant's waiting cases along (companions): see RobotBatches. Batches are per
 * database handle (pool); the cases in flight and the budget of companions are per worker.
 */
export function applicationAssessWith(companions: CompanionOptions): Processor<'application.assess'> {
  const inFlight = new InFlight<RobotResult>();
  const batches = new WeakMap<RootDb, RobotBatches>();
  const batchesFor = (db: RootDb) => {
    let found = batches.get(db);
    if (!found) {
      found = new RobotBatches(db, { companions, inFlight });
      batches.set(db, found);
    }
    return found;
  };
  return (payload, job) => {
    const db = job.dbFor(payload.municipalityCode);
    return runRobot(
      {
        db,
        registers: job.registers,
        log: job.log,
        now: job.now,
        cache: cacheFor(db),
        batches: batchesFor(db),
      },
      payload,
      job.jobId,
    );
  };
}

/** Retries exhausted (e.g. SSBTEK down all morning): the case goes to a caseworker, never lost. */
export const applicationAssessGaveUp: FinalFailureHook<'application.assess'> = async (
  payload,
  error,
  job,
) => {
  await robotGaveUp(
    { db: job.dbFor(payload.municipalityCode), registers: job.registers, log: job.log, now: job.now },
    payload,
    job.jobId,
    error instanceof Error ? error : new Error(String(error)),
  );
};
