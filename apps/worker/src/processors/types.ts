import type { RootDb } from '@samverkan/db';
import type { JobName, JobPayload, QueueName } from '@samverkan/jobs';
import type { RegisterGateway } from '@samverkan/registers';
import type { WorkerLogger } from '../logger.ts';

/** What the worker hands every processor besides the (re-validated) payload. */
export interface JobContext {
  db: RootDb;
  /**
   * The connection pool for work in one municipality's schema (ROBOT_DB_SHARDS: pools with
   * tenant affinity); `db` itself when the worker runs one pool.
   */
  dbFor(municipalityCode: string): RootDb;
  registers: RegisterGateway;
  /** Child logger bound to queue, jobId, jobName and municipalityCode. */
  log: WorkerLogger;
  queue: QueueName;
  jobName: JobName;
  jobId: string;
  /** Failed attempts before this one (0 on the first run). */
  attemptsMade: number;
  /** For a job created by a scheduler: the instant it was scheduled for. */
  scheduledAt: Date | undefined;
  now: () => Date;
}

/**
 * Parse payload → build `Ctx` → call a core use-case. Must be idempotent: a job can run again
 * after a crash or a stall, and BullMQ only dedupes ids it still holds.
 */
export type Processor<N extends JobName = JobName> = (
  payload: JobPayload<N>,
  job: JobContext,
) => Promise<unknown>;

/** The processors this process runs; a job missing here fails boot unless disabled in config. */
export type ProcessorRegistry = { readonly [N in JobName]?: Processor<N> };

/**
 * Called once when a job will not be retried again (attempts exhausted, or an unrecoverable
 * error), before it lands in the failed set — e.g. send the application to the manual queue
 * with "teknisk fel". Must itself be idempotent; if it throws, the failure is logged at fatal.
 */
export type FinalFailureHook<N extends JobName = JobName> = (
  payload: JobPayload<N>,
  error: unknown,
  job: JobContext,
) => Promise<void>;

export type FinalFailureHooks = { readonly [N in JobName]?: FinalFailureHook<N> };
