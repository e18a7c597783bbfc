import {
  type JobName,
  type JobPayload,
  jobRetryOptions,
  parsePayload,
  type QueueConnection,
  queueOf,
} from '@samverkan/jobs';
import type { WorkerLogger } from './logger.ts';
import { closeQueues, createQueues } from './queues.ts';

export const SCHEDULE_TIME_ZONE = 'Europe/Stockholm';

/** A periodic job: a cron pattern read in Europe/Stockholm, a job and its payload. */
export interface ScheduleEntry<N extends JobName = JobName> {
  jobName: N;
  /** Cron, e.g. `0 6 * * 1-5` = 06:00 Swedish time on weekdays (DST handled by the tz). */
  pattern: string;
  payload: JobPayload<N>;
}

/**
 * The platform's periodic jobs, one entry per municipality and job. Empty until case handling
 * adds them, e.g. `{ jobName: 'summary.daily', pattern: '0 6 * * *', payload: { municipalityCode: '1263' } }`.
 */
export const SCHEDULES: readonly ScheduleEntry[] = [];

/** `summary.daily_1263`: one scheduler per job and municipality (BullMQ refuses `:` in ids). */
export const schedulerIdFor = (entry: ScheduleEntry): string =>
  `${entry.jobName}_${entry.payload.municipalityCode}`;

export interface RegisterSchedulesOptions {
  connection: QueueConnection;
  entries: readonly ScheduleEntry[];
  log: WorkerLogger;
  /** Remove schedulers that are no longer in the list (the list is the truth). Default true. */
  prune?: boolean;
}

/**
 * Upserts a BullMQ job scheduler per entry (idempotent: every worker may run it at boot) and
 * removes the ones no longer listed. The scheduler creates each job with an id of its own.
 */
export async function registerSchedules(
  options: RegisterSchedulesOptions,
): Promise<{ upserted: string[]; removed: string[] }> {
  const { connection, entries, log } = options;
  const wanted = new Map(entries.map((entry) => [schedulerIdFor(entry), entry] as const));
  if (wanted.size !== entries.length) throw new Error('Two schedule entries share a job and municipality');
  for (const entry of entries) parsePayload(entry.jobName, entry.payload);

  const queues = createQueues(connection, log);
  try {
    const upserted: string[] = [];
    for (const [id, entry] of wanted) {
      await queues[queueOf(entry.jobName)].upsertJobScheduler(
        id,
        { pattern: entry.pattern, tz: SCHEDULE_TIME_ZONE },
        { name: entry.jobName, data: { ...entry.payload }, opts: jobRetryOptions(entry.jobName) },
      );
      upserted.push(id);
    }
    const removed: string[] = [];
    if (options.prune ?? true) {
      for (const queue of Object.values(queues)) {
        for (const scheduler of await queue.getJobSchedulers()) {
          if (!wanted.has(scheduler.key) && (await queue.removeJobScheduler(scheduler.key)))
            removed.push(scheduler.key);
        }
      }
    }
    log.info({ upserted, removed }, 'job schedulers registered');
    return { upserted, removed };
  } finally {
    await closeQueues(queues);
  }
}
