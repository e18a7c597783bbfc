import { logChannel, type NotificationChannel, webhookChannel } from '@samverkan/core';
import { createDb, createTenantPools, type RootDb } from '@samverkan/db';
import { type QueueConnection, redisConnection } from '@samverkan/jobs';
import { createHttpRegisterGateway, type RegisterGateway } from '@samverkan/registers';
import type { WorkerConfig } from './config.ts';
import type { WorkerLogger } from './logger.ts';
import {
  defaultFinalFailureHooks,
  type FinalFailureHooks,
  type ProcessorRegistry,
  processorsFor,
} from './processors/index.ts';
import { createOutboxRelay, type OutboxRelay } from './relay.ts';
import { registerSchedules, type ScheduleEntry, schedulesFromRegistry } from './schedules.ts';
import { assertProcessorsCover, createWorkers, type Workers } from './workers.ts';

export interface BootOverrides {
  processors?: ProcessorRegistry;
  finalFailureHooks?: FinalFailureHooks;
  schedules?: readonly ScheduleEntry[];
  registers?: RegisterGateway;
  now?: () => Date;
}

export interface RunningWorker {
  db: RootDb;
  producer: QueueConnection;
  consumer: QueueConnection;
  relay: OutboxRelay;
  workers: Workers;
  /** stop relay → close workers (in-flight jobs finish) → destroy db → quit Redis. Idempotent. */
  shutdown(): Promise<void>;
}

/** Everything `main.ts` runs, without signals or process.exit, so tests boot the same thing. */
export async function bootWorker(
  config: WorkerConfig,
  log: WorkerLogger,
  overrides: BootOverrides = {},
): Promise<RunningWorker> {
  const processors =
    overrides.processors ??
    processorsFor({
      notificationChannel: notificationChannelFrom(config, log),
      robotCompanions: { perRead: config.ROBOT_COMPANIONS, inFlight: config.ROBOT_COMPANIONS_IN_FLIGHT },
    });
  // Before any connection: a missing processor is a deployment error, not a runtime one.
  assertProcessorsCover(processors, config.WORKER_DISABLED_JOBS);

  const db = createDb({
    connectionString: config.DATABASE_URL,
    maxConnections: config.DATABASE_POOL_SIZE,
    applicationName: 'samverkan-worker',
  });
  // The robot's own pools (always apart from the main pool: their plan mode and prepared
  // statements are set for the robot's statements only).
  const robotPools = createTenantPools({
    connectionString: config.DATABASE_URL,
    maxConnections: config.ROBOT_DB_POOL_SIZE,
    applicationName: 'samverkan-robot',
    shards: config.ROBOT_DB_SHARDS,
    maxPreparedPerConnection: config.ROBOT_DB_MAX_PREPARED,
    planCacheMode: config.ROBOT_DB_PLAN_CACHE_MODE,
  });
  const producer = redisConnection(config.REDIS_URL, 'producer', {
    queuePrefix: config.QUEUE_PREFIX,
    connectionName: 'samverkan-worker-producer',
  });
  const consumer = redisConnection(config.REDIS_URL, 'worker', {
    queuePrefix: config.QUEUE_PREFIX,
    connectionName: 'samverkan-worker',
  });
  for (const c of [producer, consumer]) {
    c.redis.on('error', (error) => log.warn({ err: error, role: c.role }, 'redis connection error'));
  }

  const workers = createWorkers({
    connection: consumer,
    concurrency: { robot: config.WORKER_CONCURRENCY_ROBOT, default: config.WORKER_CONCURRENCY_DEFAULT },
    processors,
    finalFailureHooks: overrides.finalFailureHooks ?? defaultFinalFailureHooks,
    disabledJobs: config.WORKER_DISABLED_JOBS,
    lockMs: config.WORKER_LOCK_MS,
    deps: {
      db,
      dbForTenant: robotPools.forTenant,
      registers: overrides.registers ?? createHttpRegisterGateway({ baseUrl: config.REGISTER_URL }),
      log,
      ...(overrides.now ? { now: overrides.now } : {}),
    },
  });
  const relay = createOutboxRelay({
    db,
    connection: producer,
    listenConnectionString: config.DATABASE_URL,
    pollMs: config.RELAY_POLL_MS,
    batchSize: config.RELAY_BATCH_SIZE,
    coalesceMs: config.RELAY_COALESCE_MS,
    log: log.child({ component: 'outbox-relay' }),
  });
  await relay.start();
  // On the consumer connection, which waits for Redis instead of failing: boot completes when
  // Redis is reachable, while the relay above already counts outbox attempts.
  const notifications = config.NOTIFY_CHANNEL !== 'none';
  const syncSchedules = async () =>
    registerSchedules({
      connection: consumer,
      entries: overrides.schedules ?? (await schedulesFromRegistry(db, { notifications })),
      log,
    });
  await syncSchedules();
  // New municipalities and agreements get their schedules without a restart.
  const scheduleSync = overrides.schedules
    ? undefined
    : setInterval(() => {
        syncSchedules().catch((error) => log.warn({ err: error }, 'schedule sync failed'));
      }, config.SCHEDULE_SYNC_MS);
  scheduleSync?.unref();
  log.info({ disabledJobs: config.WORKER_DISABLED_JOBS, prefix: config.QUEUE_PREFIX }, 'worker started');

  let stopping: Promise<void> | undefined;
  const shutdown = (): Promise<void> => {
    stopping ??= (async () => {
      log.info('worker stopping');
      if (scheduleSync) clearInterval(scheduleSync);
      await relay.stop();
      await workers.close();
      await robotPools.destroy();
      await db.destroy();
      await Promise.all([producer.redis.quit(), consumer.redis.quit()].map((p) => p.catch(() => undefined)));
      log.info('worker stopped');
    })();
    return stopping;
  };
  return { db, producer, consumer, relay, workers, shutdown };
}

/** The delivery channel NOTIFY_CHANNEL names (null: notifications are shown on Mina ärenden only). */
export function notificationChannelFrom(config: WorkerConfig, log: WorkerLogger): NotificationChannel | null {
  switch (config.NOTIFY_CHANNEL) {
    case 'none':
      return null;
    case 'log':
      return logChannel(log);
    case 'webhook':
      if (!config.NOTIFY_WEBHOOK_URL)
        throw new Error('NOTIFY_WEBHOOK_URL is required for NOTIFY_CHANNEL=webhook');
      return webhookChannel(config.NOTIFY_WEBHOOK_URL, {
        ...(config.NOTIFY_WEBHOOK_TOKEN ? { token: config.NOTIFY_WEBHOOK_TOKEN } : {}),
      });
  }
}
