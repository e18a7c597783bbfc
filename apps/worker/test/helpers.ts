import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type {} from '@samverkan/core/testing/global-setup';
import { createDb, insertOutbox, type OutboxMessage, platform, type RootDb } from '@samverkan/db';
import { createTestDatabase, type TestDatabase } from '@samverkan/db/testing';
import { JOB_NAMES, type JobName, type QueueConnection, redisConnection } from '@samverkan/jobs';
import type { RegisterGateway } from '@samverkan/registers';
import { Queue } from 'bullmq';
import { pino } from 'pino';
import { afterAll, beforeAll, inject } from 'vitest';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Nothing listens here: a Redis that is down. */
export const DEAD_REDIS_URL = 'redis://127.0.0.1:6390';

export const silentLog = pino({ level: 'silent' });

/** Register calls are a third-party edge; these tests never reach them. */
export const noRegisters: RegisterGateway = {
  lookupPerson: async () => null,
  fetch: async () => {
    throw new Error('register calls are not part of the worker mechanism tests');
  },
};

export const disabledExcept = (...names: JobName[]): JobName[] => JOB_NAMES.filter((n) => !names.includes(n));

export interface TestEnv {
  database: TestDatabase;
  db: RootDb;
  /** A BullMQ prefix of this test file alone. */
  prefix: string;
  producer: QueueConnection;
  consumer: QueueConnection;
  /** An inspection queue on the producer connection. */
  queue(name: 'robot' | 'default'): Queue;
}

/**
 * A clone of the migrated + seeded template database and a BullMQ prefix per test file, both
 * removed afterwards. Real PostgreSQL, real Redis.
 */
export function useTestEnv(): TestEnv {
  const env = {} as TestEnv;
  const queues = new Map<string, Queue>();
  const extra: QueueConnection[] = [];
  beforeAll(async () => {
    const database = await createTestDatabase(inject('templateDatabase'));
    const prefix = `samverkan-test-${randomBytes(5).toString('hex')}`;
    const producer = redisConnection(REDIS_URL, 'producer', { queuePrefix: prefix });
    const consumer = redisConnection(REDIS_URL, 'worker', { queuePrefix: prefix });
    extra.push(producer, consumer);
    Object.assign(env, {
      database,
      db: createDb({ connectionString: database.appUrl, maxConnections: 8 }),
      prefix,
      producer,
      consumer,
      queue: (name: 'robot' | 'default') => {
        let q = queues.get(name);
        if (!q) {
          q = new Queue(name, { connection: producer.redis, prefix });
          queues.set(name, q);
        }
        return q;
      },
    });
    await Promise.all([producer, consumer].map((c) => untilReady(c)));
  });
  afterAll(async () => {
    // Every step runs even if an earlier one fails, so neither keys nor databases leak.
    const steps = [
      ...[...queues.values()].map((q) => () => q.close()),
      () => env.db?.destroy(),
      async () => {
        if (!env.producer) return;
        await untilReady(env.producer);
        let cursor = '0';
        do {
          const [next, keys] = await env.producer.redis.scan(
            cursor,
            'MATCH',
            `${env.prefix}:*`,
            'COUNT',
            500,
          );
          cursor = next;
          if (keys.length > 0) await env.producer.redis.unlink(...keys);
        } while (cursor !== '0');
      },
      async () => {
        for (const c of extra) c.redis.disconnect();
      },
      () => env.database?.drop(),
    ];
    const errors: unknown[] = [];
    for (const step of steps) await Promise.resolve(step()).catch((error: unknown) => errors.push(error));
    if (errors.length > 0) throw errors[0];
  });
  return env;
}

/** Writes outbox rows the way core does: in a transaction, committed unless `rollback`. */
export async function writeOutbox(
  db: RootDb,
  messages: readonly OutboxMessage[],
  rollback = false,
): Promise<void> {
  const marker = new Error('rollback');
  try {
    await db.transaction().execute(async (trx) => {
      for (const m of messages) await insertOutbox(platform(trx), m);
      if (rollback) throw marker;
    });
  } catch (error) {
    if (error !== marker) throw error;
  }
}

export interface OutboxRowState {
  jobId: string;
  sent: boolean;
  attempts: number;
  lastError: string | null;
}

export async function outboxRows(db: RootDb): Promise<OutboxRowState[]> {
  const rows = await platform(db)
    .selectFrom('outbox')
    .select(['jobId', 'sentAt', 'attempts', 'lastError'])
    .orderBy('outboxId')
    .execute();
  return rows.map((r) => ({
    jobId: r.jobId,
    sent: r.sentAt !== null,
    attempts: r.attempts,
    lastError: r.lastError,
  }));
}

export async function waitFor<T>(
  probe: () => Promise<T | undefined | false>,
  { timeoutMs = 10_000, intervalMs = 25, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** A producer connection refuses commands until it is connected (no offline queue). */
export async function untilReady(connection: QueueConnection): Promise<void> {
  if (connection.redis.status !== 'ready') await once(connection.redis, 'ready');
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
