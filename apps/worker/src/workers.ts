import type { RootDb } from '@samverkan/db';
import { type DomainErrorCode, isDomainError } from '@samverkan/domain';
import {
  isJobName,
  JOB_NAMES,
  type JobName,
  type JobPayload,
  parsePayload,
  QUEUE_NAMES,
  type QueueConnection,
  type QueueName,
} from '@samverkan/jobs';
import type { RegisterGateway } from '@samverkan/registers';
import { DelayedError, type Job, type KeepJobs, UnrecoverableError, Worker } from 'bullmq';
import type { WorkerLogger } from './logger.ts';
import type { FinalFailureHooks, JobContext, ProcessorRegistry } from './processors/index.ts';

/** DomainError codes that a later attempt can fix; every other DomainError is final at once. */
export const RETRYABLE_DOMAIN_ERROR_CODES: ReadonlySet<DomainErrorCode> = new Set(['register_unavailable']);

/** Completed jobs: a day (enough to dedupe a re-relay and to look at); failed: 30 days for follow-up. */
export const DEFAULT_RETENTION: Readonly<{ completed: KeepJobs; failed: KeepJobs }> = {
  completed: { age: 24 * 3600, count: 10_000 },
  failed: { age: 30 * 24 * 3600 },
};

export interface WorkerDeps {
  db: RootDb;
  /** Pools with tenant affinity for tenant-schema work (see createTenantPools); default `db`. */
  dbForTenant?: (municipalityCode: string) => RootDb;
  registers: RegisterGateway;
  log: WorkerLogger;
  now?: () => Date;
}

export interface CreateWorkersOptions {
  /** A `worker` connection (maxRetriesPerRequest: null); BullMQ duplicates it per Worker. */
  connection: QueueConnection;
  concurrency: Readonly<Record<QueueName, number>>;
  processors: ProcessorRegistry;
  finalFailureHooks?: FinalFailureHooks;
  /** Jobs this process runs without a processor: their jobs are parked (delayed), not failed. */
  disabledJobs?: readonly JobName[];
  deps: WorkerDeps;
  retention?: Readonly<{ completed: KeepJobs; failed: KeepJobs }>;
  /** How long a disabled job is parked before it is offered again. Default 10 minutes. */
  parkDelayMs?: number;
  /**
   * Job lock (BullMQ lockDuration), renewed while the job runs; a crashed worker's job is
   * offered again once it lapses (the stalled check runs as often). Default BullMQ's 30 s.
   */
  lockMs?: number;
  /** Queues to consume (default: all). */
  queues?: readonly QueueName[];
}

export interface Workers {
  workers: ReadonlyMap<QueueName, Worker>;
  /** Stops taking jobs and waits for the in-flight ones to finish. */
  close(): Promise<void>;
}

/** Fails loudly when a job in the catalogue has neither a processor nor an explicit opt-out. */
export function assertProcessorsCover(
  processors: ProcessorRegistry,
  disabledJobs: readonly JobName[] = [],
): void {
  const missing = JOB_NAMES.filter((name) => !processors[name] && !disabledJobs.includes(name));
  if (missing.length > 0) {
    throw new Error(
      `No processor for job(s) ${missing.join(', ')}. Register them or list them in WORKER_DISABLED_JOBS.`,
    );
  }
}

type AnyProcessor = (payload: JobPayload<JobName>, job: JobContext) => Promise<unknown>;
type AnyHook = (payload: JobPayload<JobName>, error: unknown, job: JobContext) => Promise<void>;

function toUnrecoverable(error: unknown): UnrecoverableError | undefined {
  if (error instanceof UnrecoverableError) return error;
  if (isDomainError(error) && !RETRYABLE_DOMAIN_ERROR_CODES.has(error.code)) {
    return new UnrecoverableError(`${error.code}: ${error.message}`);
  }
  return undefined;
}

/** One BullMQ Worker per queue; every job re-validated, logged and failed in one place. */
export function createWorkers(options: CreateWorkersOptions): Workers {
  const { connection, deps } = options;
  const disabled = options.disabledJobs ?? [];
  assertProcessorsCover(options.processors, disabled);
  const retention = options.retention ?? DEFAULT_RETENTION;
  const parkDelayMs = options.parkDelayMs ?? 10 * 60_000;
  const now = deps.now ?? (() => new Date());

  const handler =
    (queue: QueueName) =>
    async (job: Job, token?: string): Promise<unknown> => {
      const jobId = job.id ?? '';
      let log = deps.log.child({ queue, jobId, jobName: job.name, attempt: job.attemptsMade + 1 });
      const name = job.name;
      if (!isJobName(name)) {
        // Perhaps a newer release's job during a rolling deploy: fail this attempt, retry later.
        throw new Error(`No such job in this release's catalogue: ${name}`);
      }
      let payload: JobPayload<JobName>;
      try {
        payload = parsePayload(name, job.data);
      } catch (error) {
        log.error({ err: error }, 'job payload refused on receipt');
        throw new UnrecoverableError(error instanceof Error ? error.message : String(error));
      }
      log = log.child({ municipalityCode: payload.municipalityCode });
      const processor = options.processors[name] as AnyProcessor | undefined;
      if (!processor) {
        log.warn({ parkDelayMs }, 'job disabled in this worker; parked');
        await job.moveToDelayed(Date.now() + parkDelayMs, token);
        throw new DelayedError();
      }
      const context: JobContext = {
        db: deps.db,
        dbFor: deps.dbForTenant ?? (() => deps.db),
        registers: deps.registers,
        log,
        queue,
        jobName: name,
        jobId,
        attemptsMade: job.attemptsMade,
        scheduledAt: job.repeatJobKey && job.opts.prevMillis ? new Date(job.opts.prevMillis) : undefined,
        now,
      };
      const started = Date.now();
      try {
        const result = await processor(payload, context);
        log.info({ ms: Date.now() - started }, 'job completed');
        return result;
      } catch (error) {
        const unrecoverable = toUnrecoverable(error);
        const final = unrecoverable !== undefined || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
        log[final ? 'error' : 'warn']({ err: error, final, ms: Date.now() - started }, 'job failed');
        if (final) {
          const hook = options.finalFailureHooks?.[name] as AnyHook | undefined;
          if (hook) {
            try {
              await hook(payload, error, context);
            } catch (hookError) {
              log.fatal({ err: hookError }, 'final-failure hook failed; the job is only in the failed set');
            }
          }
        }
        throw unrecoverable ?? error;
      }
    };

  const workers = new Map<QueueName, Worker>();
  for (const queue of options.queues ?? QUEUE_NAMES) {
    const worker = new Worker(queue, handler(queue), {
      connection: connection.redis,
      prefix: connection.prefix,
      concurrency: options.concurrency[queue],
      removeOnComplete: retention.completed,
      removeOnFail: retention.failed,
      ...(options.lockMs ? { lockDuration: options.lockMs, stalledInterval: options.lockMs } : {}),
    });
    worker.on('error', (error) => deps.log.warn({ err: error, queue }, 'worker connection error'));
    workers.set(queue, worker);
  }
  return {
    workers,
    async close() {
      await Promise.all([...workers.values()].map((w) => w.close()));
    },
  };
}
