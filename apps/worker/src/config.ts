import { isJobName, type JobName } from '@samverkan/jobs';
import { z } from 'zod';

const ROBOT_DB_SHARDS_DEFAULT = 8;
/** ROBOT_COMPANIONS and ROBOT_COMPANIONS_IN_FLIGHT (measured: docs/capabilities/case-handling.md). */
export const ROBOT_COMPANIONS_DEFAULT = { perRead: 15, inFlight: 64 } as const;

const positiveInt = (fallback: number) => z.coerce.number().int().min(1).max(1000).default(fallback);

/** Parsed once at boot from the environment; nothing else reads process.env. */
const schema = z.object({
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z.string().url().default('postgres://samverkan_app@127.0.0.1:5432/samverkan'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(2).max(200).default(10),
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  /** BullMQ key prefix; `{samverkan}` hash-tags every key into one slot for Redis Cluster. */
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_{}.-]{1,64}$/)
    .default('samverkan'),
  /**
   * Robot jobs in flight per process. A job holds a database connection only for its read and its
   * one write transaction, and waits on the registers in between, so it can exceed the pool size.
   */
  WORKER_CONCURRENCY_ROBOT: positiveInt(16),
  /**
   * Robot database pools with tenant affinity: each municipality's robot work goes to one of this
   * many pools (ROBOT_DB_POOL_SIZE connections in all), so each connection keeps only its share
   * of the tenants' tables and prepared statements warm. 1: one robot pool, no affinity.
   */
  ROBOT_DB_SHARDS: positiveInt(ROBOT_DB_SHARDS_DEFAULT),
  ROBOT_DB_POOL_SIZE: z.coerce.number().int().min(2).max(200).default(16),
  /**
   * Prepared statements each robot connection keeps (a read and a write per tenant it serves:
   * 8 pools and 290 tenants make about 72); each costs server memory (see docs/operations.md).
   * Past it statements run unprepared.
   */
  ROBOT_DB_MAX_PREPARED: z.coerce.number().int().min(0).max(10_000).default(96),
  /** plan_cache_mode of the robot's connections (see DbOptions.planCacheMode and operations). */
  ROBOT_DB_PLAN_CACHE_MODE: z.enum(['auto', 'force_generic_plan']).default('force_generic_plan'),
  /**
   * Waiting cases of the same tenant a robot job takes along (companions), so a backlog drains
   * in batches even when jobs of hundreds of tenants are interleaved. 0 turns it off.
   */
  ROBOT_COMPANIONS: z.coerce.number().int().min(0).max(31).default(ROBOT_COMPANIONS_DEFAULT.perRead),
  /** Companions being assessed at once per process, at most (each makes its own register calls). */
  ROBOT_COMPANIONS_IN_FLIGHT: z.coerce
    .number()
    .int()
    .min(0)
    .max(1000)
    .default(ROBOT_COMPANIONS_DEFAULT.inFlight),
  WORKER_CONCURRENCY_DEFAULT: positiveInt(8),
  /** Safety-net poll of the outbox; LISTEN/NOTIFY wakes the relay at once otherwise. */
  RELAY_POLL_MS: z.coerce.number().int().min(50).max(600_000).default(2_000),
  RELAY_BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(100),
  /** After a NOTIFY the relay waits this long, so concurrent submissions share one batch. */
  RELAY_COALESCE_MS: z.coerce.number().int().min(0).max(1000).default(10),
  /**
   * Where Mina ärenden notifications are pushed: `none` (shown on Mina ärenden only), `log`
   * (development: ids and kind logged) or `webhook` (POST JSON to NOTIFY_WEBHOOK_URL, the
   * municipalities' e-post/SMS gateway).
   */
  NOTIFY_CHANNEL: z.enum(['none', 'log', 'webhook']).default('none'),
  NOTIFY_WEBHOOK_URL: z.string().url().optional(),
  NOTIFY_WEBHOOK_TOKEN: z.string().min(16).optional(),
  /** Job lock: a killed worker's job is taken over by another worker after about this long. */
  WORKER_LOCK_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
  /** How often the schedules are re-read from the registry (new tenants, agreements). */
  SCHEDULE_SYNC_MS: z.coerce.number().int().min(10_000).max(86_400_000).default(300_000),
  /** Register simulator (or SSBTEK adapter) base URL. */
  REGISTER_URL: z.string().url().default('http://127.0.0.1:4010'),
  /**
   * Comma-separated job names this process runs without a processor (their jobs are parked,
   * not lost). Boot fails for any other job without a processor.
   */
  WORKER_DISABLED_JOBS: z
    .string()
    // Every job has a processor; list names here to park a job type on purpose.
    .default('')
    .transform((value, ctx) => {
      const names = value
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
      const unknown = names.filter((n) => !isJobName(n));
      if (unknown.length > 0)
        ctx.addIssue({ code: 'custom', message: `unknown job names: ${unknown.join(', ')}` });
      return names.filter(isJobName) as JobName[];
    }),
});

export type WorkerConfig = Readonly<z.infer<typeof schema>>;

export function loadConfig(env: Record<string, string | undefined> = process.env): WorkerConfig {
  const parsed = schema
    .refine((c) => c.NOTIFY_CHANNEL !== 'webhook' || c.NOTIFY_WEBHOOK_URL !== undefined, {
      path: ['NOTIFY_WEBHOOK_URL'],
      message: 'required when NOTIFY_CHANNEL=webhook',
    })
    .refine((c) => c.ROBOT_DB_SHARDS * 2 <= c.ROBOT_DB_POOL_SIZE, {
      path: ['ROBOT_DB_SHARDS'],
      message: 'each robot pool needs at least two connections: ROBOT_DB_SHARDS × 2 ≤ ROBOT_DB_POOL_SIZE',
    })
    .safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`Invalid configuration:\n${lines}`);
  }
  return Object.freeze(parsed.data);
}
