import { listInvoiceSchedules } from '@samverkan/core';
import { listMunicipalities, platform, type RootDb } from '@samverkan/db';
import {
  JOB_CATALOGUE,
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
 * The periodic jobs every active municipality gets (Europe/Stockholm). Processors skip days that
 * are not Swedish working days, so weekday crons are enough around public holidays.
 */
export const MUNICIPALITY_SCHEDULES: readonly {
  jobName: JobName;
  pattern: string;
  notificationsOnly?: true;
}[] = [
  // Beslut i morgon: the morning summary of yesterday's robot decisions and the manual queue.
  { jobName: 'summary.daily', pattern: '0 6 * * 1-5' },
  // Today's payment file, before the bank's cut-off.
  { jobName: 'payments.file', pattern: '30 6 * * 1-5' },
  // Stickprov and blind reviews of the month that just ended.
  { jobName: 'sample.draw', pattern: '0 5 1 * *' },
  // Push Mina ärenden notifications out (only when a channel is configured).
  { jobName: 'notifications.deliver', pattern: '* * * * *', notificationsOnly: true },
];

/**
 * The schedule list, read from the registry: the jobs above for each active municipality, and
 * an invoice run per active agreement (`listInvoiceSchedules`). The list is the truth —
 * `registerSchedules` removes schedulers that are no longer in it.
 */
export async function schedulesFromRegistry(
  db: RootDb,
  options: { notifications: boolean; now?: Date },
): Promise<ScheduleEntry[]> {
  const municipalities = (await listMunicipalities(platform(db))).filter((m) => m.status === 'active');
  const entries: ScheduleEntry[] = [];
  for (const m of municipalities) {
    for (const s of MUNICIPALITY_SCHEDULES) {
      if (s.notificationsOnly && !options.notifications) continue;
      entries.push({
        jobName: s.jobName,
        pattern: s.pattern,
        payload: { municipalityCode: m.municipalityCode },
      } as ScheduleEntry);
    }
  }
  entries.push(...((await listInvoiceSchedules(db, options.now)) as ScheduleEntry[]));
  return entries;
}

/**
 * `summary.daily_1263`, `invoice.run_1263_<agreementId>`: the job, the municipality and the
 * business-key fields the entry sets (BullMQ refuses `:` in ids).
 */
export function schedulerIdFor(entry: ScheduleEntry): string {
  const payload = entry.payload as Record<string, unknown>;
  const keys = JOB_CATALOGUE[entry.jobName].keyFields as readonly string[];
  const parts = [entry.jobName, String(payload.municipalityCode)];
  for (const key of keys) if (typeof payload[key] === 'string') parts.push(payload[key] as string);
  return parts.join('_');
}

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
