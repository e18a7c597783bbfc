import {
  lockPendingOutbox,
  markOutboxFailed,
  markOutboxSent,
  OUTBOX_CHANNEL,
  type PendingOutboxRow,
  type PlatformTables,
  platform,
  pruneSentOutbox,
  type RootDb,
} from '@samverkan/db';
import {
  isJobName,
  isQueueName,
  jobRetryOptions,
  parsePayload,
  type QueueConnection,
  type QueueName,
  queueOf,
} from '@samverkan/jobs';
import type { BulkJobOptions } from 'bullmq';
import type { Transaction } from 'kysely';
import pg from 'pg';
import type { WorkerLogger } from './logger.ts';
import { closeQueues, createQueues, type ProducerQueues } from './queues.ts';

export interface OutboxRelayOptions {
  db: RootDb;
  /** A `producer` connection (offline queue disabled): a dead Redis fails the batch at once. */
  connection: QueueConnection;
  /** Where to LISTEN for `OUTBOX_CHANNEL` (a dedicated client). Without it the relay only polls. */
  listenConnectionString?: string;
  pollMs: number;
  batchSize?: number;
  /**
   * After a NOTIFY, wait this long before taking the batch, so the commits of concurrent
   * submissions travel in one batch (one transaction, one `addBulk`) instead of one each.
   * Adds at most this much latency. Default 0 (take the batch at once).
   */
  coalesceMs?: number;
  /** Upper bound for one batch's Redis work; past it the batch counts as failed. */
  addTimeoutMs?: number;
  /** Cap of the exponential backoff while Redis (or the database) is failing. */
  maxBackoffMs?: number;
  /** Sent rows older than this are deleted by the loop, at most every `pruneEveryMs`. Default 7 days. */
  keepSentMs?: number;
  /** Default 10 minutes. */
  pruneEveryMs?: number;
  log: WorkerLogger;
}

export interface RelayBatchResult {
  /** Rows handed to BullMQ and marked sent. */
  sent: number;
  /** Rows this relay cannot send (unknown job, invalid payload); they stay pending, attempts counted. */
  refused: number;
}

export interface OutboxRelay {
  start(): Promise<void>;
  /** Stops the loop after the in-flight batch, closes the LISTEN client and the relay's queues. */
  stop(): Promise<void>;
  /** One batch, outside the loop (tests, a CLI). Throws when the batch failed (after recording it). */
  relayOnce(): Promise<RelayBatchResult>;
  /** Deletes sent rows older than `keepSentMs` (in batches); returns how many. */
  pruneOnce(now?: Date): Promise<number>;
}

interface BulkJob {
  name: string;
  data: Record<string, unknown>;
  opts: BulkJobOptions;
}

class RelayFailure extends Error {
  override readonly name = 'RelayFailure';
}

// The repos lock with `Transaction<PlatformTables>`; `withSchema` keeps the transaction's
// connection and qualifies every table with `platform`, as `platform(db)` does.
const platformTrx = (trx: Transaction<object>): Transaction<PlatformTables> =>
  trx.withSchema('platform') as unknown as Transaction<PlatformTables>;

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RelayFailure(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

const errorText = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

/**
 * Maps outbox rows to BullMQ bulk jobs: `jobId` is the row's job id, so a row relayed twice
 * (a crash between `addBulk` and the commit) is dropped by BullMQ as a duplicate. Retries
 * come from the catalogue. Rows this process cannot vouch for are returned as `refused`.
 */
export function toBulkJobs(rows: readonly PendingOutboxRow[]): {
  jobs: Map<QueueName, BulkJob[]>;
  refused: { row: PendingOutboxRow; reason: string }[];
} {
  const jobs = new Map<QueueName, BulkJob[]>();
  const refused: { row: PendingOutboxRow; reason: string }[] = [];
  for (const row of rows) {
    const name = row.jobName;
    if (!isJobName(name)) {
      refused.push({ row, reason: `unknown job name ${name}` });
      continue;
    }
    if (!isQueueName(row.queue) || queueOf(name) !== row.queue) {
      refused.push({ row, reason: `job ${name} does not belong on queue ${row.queue}` });
      continue;
    }
    let data: Record<string, unknown>;
    try {
      data = { ...parsePayload(name, row.payload) };
    } catch (error) {
      refused.push({ row, reason: errorText(error) });
      continue;
    }
    const list = jobs.get(row.queue) ?? [];
    list.push({ name, data, opts: { jobId: row.jobId, ...jobRetryOptions(name) } });
    jobs.set(row.queue, list);
  }
  return { jobs, refused };
}

/**
 * The transactional outbox relay: moves committed `platform.outbox` rows to BullMQ.
 *
 * One batch = one transaction: lock up to `batchSize` unsent rows (FOR UPDATE SKIP LOCKED, so
 * concurrent relays take disjoint batches and never wait for each other), `addBulk` them with
 * their deterministic job ids, mark them sent, commit. If anything fails the transaction rolls
 * back (rows stay unsent) and a second transaction records `attempts`/`last_error` on the rows
 * still unsent and not locked by another relay; the loop then backs off exponentially.
 *
 * Wake-ups: LISTEN on `OUTBOX_CHANNEL` (NOTIFY is sent inside the writer's transaction, so only
 * committed work wakes us) plus a poll every `pollMs` as the safety net for missed notifies.
 */
export function createOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const { db, connection, log } = options;
  const batchSize = options.batchSize ?? 100;
  const coalesceMs = options.coalesceMs ?? 0;
  const addTimeoutMs = options.addTimeoutMs ?? 5_000;
  const maxBackoffMs = options.maxBackoffMs ?? 30_000;
  const queues: ProducerQueues = createQueues(connection, log);

  let running = false;
  let loop: Promise<void> | undefined;
  let failures = 0;
  let notified = false;
  let wakeSleeper: (() => void) | undefined;
  let listener: pg.Client | undefined;
  let listenRetry: NodeJS.Timeout | undefined;

  async function recordFailure(ids: number[], error: unknown): Promise<void> {
    if (ids.length === 0) return;
    await db.transaction().execute(async (trx) => {
      const t = platformTrx(trx);
      // Only rows still unsent and not taken by another relay in the meantime: never wait on it.
      const free = await t
        .selectFrom('outbox')
        .select('outboxId')
        .where('outboxId', 'in', ids)
        .where('sentAt', 'is', null)
        .forUpdate()
        .skipLocked()
        .execute();
      await markOutboxFailed(
        t,
        free.map((r) => r.outboxId),
        errorText(error),
      );
    });
  }

  async function relayOnce(): Promise<RelayBatchResult> {
    let lockedIds: number[] = [];
    const refusedReasons = new Map<string, number[]>();
    try {
      const result = await db.transaction().execute(async (trx) => {
        const t = platformTrx(trx);
        const rows = await lockPendingOutbox(t, batchSize);
        lockedIds = rows.map((r) => r.outboxId);
        if (rows.length === 0) return { sent: 0, refused: 0 };
        const status = connection.redis.status;
        if (status !== 'ready') throw new RelayFailure(`Redis is not available (connection ${status})`);

        const { jobs, refused } = toBulkJobs(rows);
        for (const [queue, list] of jobs) {
          await withTimeout(queues[queue].addBulk(list), addTimeoutMs, `addBulk to ${queue}`);
        }
        const refusedIds = new Set(refused.map((r) => r.row.outboxId));
        const sentIds = lockedIds.filter((id) => !refusedIds.has(id));
        await markOutboxSent(t, sentIds);
        for (const { row, reason } of refused) {
          refusedReasons.set(reason, [...(refusedReasons.get(reason) ?? []), row.outboxId]);
        }
        for (const [reason, ids] of refusedReasons) await markOutboxFailed(t, ids, reason);
        return { sent: sentIds.length, refused: refused.length };
      });
      for (const [reason, ids] of refusedReasons) {
        log.error({ outboxIds: ids, reason }, 'outbox rows refused by the relay; they stay pending');
      }
      if (result.sent > 0) log.debug({ sent: result.sent }, 'outbox rows relayed');
      return result;
    } catch (error) {
      await recordFailure(lockedIds, error).catch((recordError: unknown) =>
        log.error({ err: recordError }, 'outbox relay could not record a failed batch'),
      );
      throw error;
    }
  }

  /** Sleeps `ms`; with `wakeOnNotify`, a NOTIFY (also one already received) ends it after `coalesceMs`. */
  function sleepUntilWoken(ms: number, wakeOnNotify: boolean): Promise<void> {
    if (!running) return Promise.resolve();
    if (wakeOnNotify && notified && coalesceMs === 0) return Promise.resolve();
    return new Promise((resolve) => {
      let timer = setTimeout(done, wakeOnNotify && notified ? coalesceMs : ms);
      let woken = wakeOnNotify && notified;
      function done() {
        clearTimeout(timer);
        wakeSleeper = undefined;
        resolve();
      }
      wakeSleeper = () => {
        if (!running || (wakeOnNotify && coalesceMs === 0)) return done();
        if (wakeOnNotify && !woken) {
          woken = true;
          clearTimeout(timer);
          timer = setTimeout(done, coalesceMs);
        }
      };
    });
  }

  const keepSentMs = options.keepSentMs ?? 7 * 86_400_000;
  const pruneEveryMs = options.pruneEveryMs ?? 600_000;
  let lastPrune = 0;
  async function pruneOnce(now = new Date()): Promise<number> {
    let total = 0;
    for (;;) {
      const deleted = await pruneSentOutbox(platform(options.db), new Date(now.getTime() - keepSentMs));
      total += deleted;
      if (deleted < 5000 || !running) return total;
    }
  }

  async function runLoop(): Promise<void> {
    while (running) {
      notified = false;
      if (Date.now() - lastPrune >= pruneEveryMs) {
        lastPrune = Date.now();
        try {
          const pruned = await pruneOnce();
          if (pruned > 0) log.info({ pruned }, 'sent outbox rows pruned');
        } catch (error) {
          log.warn({ err: error }, 'outbox pruning failed; will try again');
        }
      }
      let result: RelayBatchResult | undefined;
      try {
        result = await relayOnce();
        if (failures > 0) log.info({ failures }, 'outbox relay recovered');
        failures = 0;
      } catch (error) {
        failures += 1;
        log.warn({ err: error, failures }, 'outbox relay batch failed; rows stay pending');
      }
      if (!running) break;
      // A full batch means more is waiting: go again at once (unless failing).
      if (result && result.sent + result.refused >= batchSize && result.sent > 0) continue;
      if (failures > 0) {
        const backoff = Math.min(maxBackoffMs, options.pollMs * 2 ** (failures - 1));
        await sleepUntilWoken(backoff * (0.8 + Math.random() * 0.4), false);
      } else {
        await sleepUntilWoken(options.pollMs, true);
      }
    }
  }

  function wake(): void {
    notified = true;
    wakeSleeper?.();
  }

  async function listen(): Promise<void> {
    const connectionString = options.listenConnectionString;
    if (!connectionString || !running) return;
    const client = new pg.Client({ connectionString, application_name: 'samverkan-outbox-relay' });
    const retry = () => {
      if (listener === client) listener = undefined;
      client.removeAllListeners();
      client.on('error', () => {});
      void client.end().catch(() => undefined);
      if (running && !listenRetry) {
        listenRetry = setTimeout(() => {
          listenRetry = undefined;
          void listen();
        }, options.pollMs);
      }
    };
    client.on('notification', (message) => {
      if (message.channel === OUTBOX_CHANNEL) wake();
    });
    client.on('error', (error) => {
      log.warn({ err: error }, 'outbox LISTEN connection lost; polling until it is back');
      retry();
    });
    client.on('end', retry);
    try {
      await client.connect();
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
      listener = client;
      wake(); // anything committed while we were not listening
    } catch (error) {
      log.warn({ err: error }, 'outbox LISTEN failed; polling until it works');
      retry();
    }
  }

  return {
    relayOnce,
    pruneOnce,
    async start() {
      if (running) return;
      running = true;
      await listen();
      loop = runLoop();
    },
    async stop() {
      running = false;
      wakeSleeper?.();
      if (listenRetry) clearTimeout(listenRetry);
      listenRetry = undefined;
      const client = listener;
      listener = undefined;
      if (client) {
        client.removeAllListeners();
        client.on('error', () => {});
        await client.end().catch(() => undefined);
      }
      await loop;
      loop = undefined;
      await closeQueues(queues);
    },
  };
}
