import { randomUUID } from 'node:crypto';
import { outboxMessage } from '@samverkan/jobs';
import { Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { bootWorker } from '../src/boot.ts';
import { loadConfig } from '../src/config.ts';
import {
  disabledExcept,
  noRegisters,
  outboxRows,
  REDIS_URL,
  silentLog,
  useTestEnv,
  waitFor,
  writeOutbox,
} from './helpers.ts';

const env = useTestEnv();

describe('graceful shutdown', () => {
  it('refuses to boot with a job that has no processor', async () => {
    const config = loadConfig({ DATABASE_URL: env.database.appUrl, REDIS_URL, QUEUE_PREFIX: env.prefix });
    await expect(bootWorker(config, silentLog, { processors: {} })).rejects.toThrow(/No processor for job/);
  });

  it('lets an in-flight job finish before it stops', async () => {
    const config = loadConfig({
      DATABASE_URL: env.database.appUrl,
      REDIS_URL,
      QUEUE_PREFIX: env.prefix,
      RELAY_POLL_MS: '60000',
      WORKER_DISABLED_JOBS: disabledExcept('decision.notify').join(','),
    });
    const events: string[] = [];
    let started: () => void = () => {};
    const jobStarted = new Promise<void>((resolve) => {
      started = resolve;
    });
    const running = await bootWorker(config, silentLog, {
      registers: noRegisters,
      processors: {
        'decision.notify': async () => {
          events.push('job started');
          started();
          await new Promise((r) => setTimeout(r, 700));
          events.push('job finished');
          return 'done';
        },
      },
    });

    const message = outboxMessage('decision.notify', { municipalityCode: '1263', decisionId: randomUUID() });
    await writeOutbox(env.db, [message]);
    await jobStarted;
    await running.shutdown();
    events.push('shut down');

    expect(events).toEqual(['job started', 'job finished', 'shut down']);
    expect((await outboxRows(env.db)).find((r) => r.jobId === message.jobId)?.sent).toBe(true);
    const queue = new Queue('default', { connection: env.producer.redis, prefix: env.prefix });
    try {
      const job = await queue.getJob(message.jobId);
      expect(await job?.getState()).toBe('completed');
      expect(job?.returnvalue).toBe('done');
    } finally {
      await queue.close();
    }
    // The worker's own pool is gone.
    await expect(running.db.selectNoFrom((eb) => eb.lit(1).as('one')).execute()).rejects.toThrow();
    expect(running.consumer.redis.status).toBe('end');
    await waitFor(async () => running.producer.redis.status === 'end', { what: 'the producer to close' });
  });
});
