import { createDb, type RootDb } from '@samverkan/db';
import { type QueueConnection, redisConnection } from '@samverkan/jobs';
import { createHttpRegisterGateway, type RegisterGateway } from '@samverkan/registers';
import type { WorkerConfig } from './config.ts';
import type { WorkerLogger } from './logger.ts';
import {
  defaultFinalFailureHooks,
  defaultProcessors,
  type FinalFailureHooks,
  type ProcessorRegistry,
} from './processors/index.ts';
import { createOutboxRelay, type OutboxRelay } from './relay.ts';
import { registerSchedules, SCHEDULES, type ScheduleEntry } from './schedules.ts';
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
  const processors = overrides.processors ?? defaultProcessors;
  // Before any connection: a missing processor is a deployment error, not a runtime one.
  assertProcessorsCover(processors, config.WORKER_DISABLED_JOBS);

  const db = createDb({
    connectionString: config.DATABASE_URL,
    maxConnections: config.DATABASE_POOL_SIZE,
    applicationName: 'samverkan-worker',
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
    deps: {
      db,
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
    log: log.child({ component: 'outbox-relay' }),
  });
  await relay.start();
  // On the consumer connection, which waits for Redis instead of failing: boot completes when
  // Redis is reachable, while the relay above already counts outbox attempts.
  await registerSchedules({ connection: consumer, entries: overrides.schedules ?? SCHEDULES, log });
  log.info({ disabledJobs: config.WORKER_DISABLED_JOBS, prefix: config.QUEUE_PREFIX }, 'worker started');

  let stopping: Promise<void> | undefined;
  const shutdown = (): Promise<void> => {
    stopping ??= (async () => {
      log.info('worker stopping');
      await relay.stop();
      await workers.close();
      await db.destroy();
      await Promise.all([producer.redis.quit(), consumer.redis.quit()].map((p) => p.catch(() => undefined)));
      log.info('worker stopped');
    })();
    return stopping;
  };
  return { db, producer, consumer, relay, workers, shutdown };
}
