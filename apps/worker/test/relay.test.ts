import { randomUUID } from 'node:crypto';
import {
  countPendingOutbox,
  insertOutbox,
  lockPendingOutbox,
  type PlatformTables,
  platform,
} from '@samverkan/db';
import { outboxMessage, redisConnection } from '@samverkan/jobs';
import type { Transaction } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createOutboxRelay, type OutboxRelay, toBulkJobs } from '../src/relay.ts';
import { createWorkers, type Workers } from '../src/workers.ts';
import {
  DEAD_REDIS_URL,
  disabledExcept,
  noRegisters,
  outboxRows,
  silentLog,
  sleep,
  useTestEnv,
  waitFor,
  writeOutbox,
} from './helpers.ts';

const env = useTestEnv();
const notify = (decisionId = randomUUID(), municipalityCode = '1263') =>
  outboxMessage('decision.notify', { municipalityCode, decisionId });

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function relay(
  options: { batchSize?: number; pollMs?: number; listen?: boolean; coalesceMs?: number } = {},
): OutboxRelay {
  const r = createOutboxRelay({
    db: env.db,
    connection: env.producer,
    pollMs: options.pollMs ?? 5_000,
    batchSize: options.batchSize ?? 100,
    ...(options.coalesceMs === undefined ? {} : { coalesceMs: options.coalesceMs }),
    ...(options.listen ? { listenConnectionString: env.database.appUrl } : {}),
    log: silentLog,
  });
  cleanups.push(() => r.stop());
  return r;
}

async function pendingCount(): Promise<number> {
  return countPendingOutbox(platform(env.db));
}

describe('outbox relay', () => {
  it('relays a committed row, woken by NOTIFY, and the job is processed exactly once', async () => {
    const processed = new Map<string, number>();
    const workers: Workers = createWorkers({
      connection: env.consumer,
      concurrency: { robot: 1, default: 2 },
      processors: {
        'decision.notify': async (payload, job) => {
          processed.set(job.jobId, (processed.get(job.jobId) ?? 0) + 1);
          return { notified: payload.decisionId };
        },
      },
      disabledJobs: disabledExcept('decision.notify'),
      deps: { db: env.db, registers: noRegisters, log: silentLog },
    });
    cleanups.push(() => workers.close());
    // A poll far longer than the test: only the NOTIFY can wake the relay in time.
    const r = relay({ pollMs: 60_000, listen: true });
    await r.start();

    const message = notify();
    await writeOutbox(env.db, [message]);

    const job = await waitFor(
      async () => {
        const j = await env.queue('default').getJob(message.jobId);
        return j && (await j.isCompleted()) ? j : undefined;
      },
      { what: 'the job to complete' },
    );
    expect(job.returnvalue).toEqual({ notified: message.payload.decisionId });
    await sleep(300);
    expect(processed.get(message.jobId)).toBe(1);
    expect(processed.size).toBe(1);
    expect(
      await env.queue('default').getJobCountByTypes('completed', 'waiting', 'active', 'delayed', 'failed'),
    ).toBe(1);
    const [row] = (await outboxRows(env.db)).filter((x) => x.jobId === message.jobId);
    expect(row).toMatchObject({ sent: true, attempts: 0, lastError: null });
  });

  it('after a NOTIFY waits coalesceMs, so rows committed meanwhile travel in one batch', async () => {
    const r = relay({ pollMs: 60_000, listen: true, coalesceMs: 500 });
    await r.start();
    await sleep(200); // the start-up batch (nothing pending) is done; the relay sleeps
    // Three submissions, each in its own transaction, within the window.
    const messages = [notify(), notify(), notify()];
    for (const m of messages) {
      await writeOutbox(env.db, [m]);
      await sleep(50);
    }
    await waitFor(
      async () =>
        (await env.queue('default').getJobs(['waiting', 'completed', 'active'])).length >= 3
          ? true
          : undefined,
      { what: 'the three jobs' },
    );
    await waitFor(async () => ((await pendingCount()) === 0 ? true : undefined), {
      what: 'rows marked sent',
    });
    const sent = await platform(env.db)
      .selectFrom('outbox')
      .select(['jobId', 'sentAt'])
      .where(
        'jobId',
        'in',
        messages.map((m) => m.jobId),
      )
      .execute();
    // One batch marks its rows with one timestamp.
    expect(new Set(sent.map((x) => x.sentAt?.toISOString())).size).toBe(1);
  });

  it('never produces a job for a rolled-back transaction', async () => {
    const message = notify();
    await writeOutbox(env.db, [message], true);
    const r = relay();
    expect(await r.relayOnce()).toEqual({ sent: 0, refused: 0 });
    expect((await outboxRows(env.db)).some((x) => x.jobId === message.jobId)).toBe(false);
    expect(await env.queue('default').getJob(message.jobId)).toBeUndefined();
  });

  it('keeps one row and one job for a repeated job id, also when a row is relayed twice', async () => {
    const message = notify();
    await writeOutbox(env.db, [message]);
    await writeOutbox(env.db, [message]); // the same event again: ON CONFLICT DO NOTHING
    expect((await outboxRows(env.db)).filter((x) => x.jobId === message.jobId)).toHaveLength(1);

    // A relay that crashed after addBulk and before markOutboxSent: the job is in Redis,
    // the row is still pending.
    await env.db
      .transaction()
      .execute(async (trx) => {
        const rows = await lockPendingOutbox(
          trx.withSchema('platform') as unknown as Transaction<PlatformTables>,
          100,
        );
        const { jobs } = toBulkJobs(rows);
        for (const list of jobs.values()) await env.queue('default').addBulk(list);
        throw new Error('crash before commit');
      })
      .catch(() => undefined);
    expect(await pendingCount()).toBe(1);
    expect(await env.queue('default').getJob(message.jobId)).toBeDefined();

    const r = relay();
    expect(await r.relayOnce()).toEqual({ sent: 1, refused: 0 });
    expect(await r.relayOnce()).toEqual({ sent: 0, refused: 0 });
    expect(await pendingCount()).toBe(0);
    const jobs = await env.queue('default').getJobs(['waiting', 'delayed', 'active', 'completed', 'failed']);
    expect(jobs.filter((j) => j.id === message.jobId)).toHaveLength(1);
  });

  it('lets two relays drain 200 rows concurrently, each job exactly once', async () => {
    const before = await env.queue('default').getWaitingCount();
    const messages = Array.from({ length: 200 }, () => notify());
    await writeOutbox(env.db, messages);
    const a = relay({ batchSize: 10 });
    const b = relay({ batchSize: 10 });
    const drain = async (r: OutboxRelay) => {
      let sent = 0;
      for (;;) {
        const result = await r.relayOnce();
        if (result.sent === 0) return sent;
        sent += result.sent;
      }
    };
    const [sentA, sentB] = await Promise.all([drain(a), drain(b)]);
    expect(sentA + sentB).toBe(200);
    expect(sentA).toBeGreaterThan(0);
    expect(sentB).toBeGreaterThan(0);
    expect(await pendingCount()).toBe(0);
    expect((await env.queue('default').getWaitingCount()) - before).toBe(200);
    const rows = await outboxRows(env.db);
    expect(
      rows.filter((x) => messages.some((m) => m.jobId === x.jobId)).every((x) => x.sent && x.attempts === 0),
    ).toBe(true);
  });

  it('keeps rows pending with attempts counted while Redis is down, and drains them when it is back', async () => {
    const messages = [
      notify(),
      notify(),
      outboxMessage('application.assess', { municipalityCode: '1287', applicationId: randomUUID() }),
    ];
    await writeOutbox(env.db, messages);
    const deadConnection = redisConnection(DEAD_REDIS_URL, 'producer', { queuePrefix: env.prefix });
    deadConnection.redis.on('error', () => {});
    cleanups.push(async () => deadConnection.redis.disconnect());
    const dead = createOutboxRelay({
      db: env.db,
      connection: deadConnection,
      pollMs: 20,
      maxBackoffMs: 100,
      log: silentLog,
    });
    cleanups.push(() => dead.stop());

    await expect(dead.relayOnce()).rejects.toThrow(/Redis is not available/);
    // The loop backs off and keeps counting attempts; it never marks anything sent.
    await dead.start();
    const mine = async () =>
      (await outboxRows(env.db)).filter((x) => messages.some((m) => m.jobId === x.jobId));
    await waitFor(async () => (await mine()).every((x) => x.attempts >= 3), {
      what: 'attempts to be counted',
    });
    await dead.stop();
    for (const row of await mine()) {
      expect(row.sent).toBe(false);
      expect(row.lastError).toMatch(/Redis is not available/);
    }
    expect(await pendingCount()).toBe(messages.length);

    const live = relay();
    expect(await live.relayOnce()).toEqual({ sent: 3, refused: 0 });
    expect(await pendingCount()).toBe(0);
    for (const m of messages) expect(await env.queue(m.queue).getJob(m.jobId)).toBeDefined();
  });

  it('leaves a row it cannot vouch for pending, with the reason, and sends the rest', async () => {
    const good = notify();
    await writeOutbox(env.db, [
      good,
      { ...notify(), jobName: 'invoice.send', jobId: `invoice.send_1263_${randomUUID()}` },
    ]);
    const r = relay();
    expect(await r.relayOnce()).toEqual({ sent: 1, refused: 1 });
    const rows = await outboxRows(env.db);
    expect(rows.find((x) => x.jobId.startsWith('invoice.send'))).toMatchObject({
      sent: false,
      attempts: 1,
      lastError: 'unknown job name invoice.send',
    });
    expect(rows.find((x) => x.jobId === good.jobId)?.sent).toBe(true);
  });

  it('prunes sent rows after the retention period, as the application role, and never an unsent row', async () => {
    const sentOld = notify();
    const sentNew = notify();
    const unsentOld = notify();
    for (const m of [sentOld, sentNew, unsentOld]) await insertOutbox(platform(env.db), m);
    const at = (days: number) => new Date(Date.now() - days * 86_400_000);
    await platform(env.db)
      .updateTable('outbox')
      .set({ sentAt: at(8) })
      .where('jobId', '=', sentOld.jobId)
      .execute();
    await platform(env.db)
      .updateTable('outbox')
      .set({ sentAt: at(1) })
      .where('jobId', '=', sentNew.jobId)
      .execute();
    await platform(env.db)
      .updateTable('outbox')
      .set({ createdAt: at(30) })
      .where('jobId', '=', unsentOld.jobId)
      .execute();
    const r = relay();
    expect(await r.pruneOnce()).toBe(1);
    const left = await platform(env.db)
      .selectFrom('outbox')
      .select('jobId')
      .where('jobId', 'in', [sentOld.jobId, sentNew.jobId, unsentOld.jobId])
      .execute();
    expect(left.map((x) => x.jobId).sort()).toEqual([sentNew.jobId, unsentOld.jobId].sort());
  });
});
