import { describe, expect, it } from 'vitest';
import { registerSchedules } from '../src/schedules.ts';
import { createWorkers } from '../src/workers.ts';
import { disabledExcept, noRegisters, silentLog, useTestEnv, waitFor } from './helpers.ts';

const env = useTestEnv();

const stockholmHour = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Europe/Stockholm',
  hour: '2-digit',
  minute: '2-digit',
});

describe('schedules', () => {
  it('upserts one scheduler per entry, idempotently, in Europe/Stockholm, and prunes removed ones', async () => {
    const entries = [
      { jobName: 'summary.daily' as const, pattern: '0 6 * * *', payload: { municipalityCode: '1263' } },
      { jobName: 'summary.daily' as const, pattern: '0 6 * * *', payload: { municipalityCode: '1287' } },
    ];
    const first = await registerSchedules({ connection: env.consumer, entries, log: silentLog });
    expect(first.upserted).toEqual(['summary.daily_1263', 'summary.daily_1287']);
    await registerSchedules({ connection: env.consumer, entries, log: silentLog });

    const queue = env.queue('default');
    expect(await queue.getJobSchedulersCount()).toBe(2);
    const scheduler = await queue.getJobScheduler('summary.daily_1263');
    expect(scheduler).toMatchObject({
      key: 'summary.daily_1263',
      name: 'summary.daily',
      pattern: '0 6 * * *',
      tz: 'Europe/Stockholm',
    });
    const delayed = await queue.getDelayed();
    expect(delayed).toHaveLength(2);
    for (const job of delayed) {
      expect(job.name).toBe('summary.daily');
      expect(job.opts.attempts).toBe(3);
      expect(stockholmHour.format(new Date(job.timestamp + job.delay))).toBe('06:00');
    }

    const second = await registerSchedules({
      connection: env.consumer,
      entries: entries.slice(0, 1),
      log: silentLog,
    });
    expect(second.removed).toEqual(['summary.daily_1287']);
    expect(await queue.getJobSchedulersCount()).toBe(1);
    await registerSchedules({ connection: env.consumer, entries: [], log: silentLog });
    expect(await queue.getJobSchedulersCount()).toBe(0);
  });

  it('refuses an entry whose payload the catalogue refuses, before touching Redis', async () => {
    await expect(
      registerSchedules({
        connection: env.consumer,
        entries: [{ jobName: 'sample.draw', pattern: '0 7 1 * *', payload: { municipalityCode: '99' } }],
        log: silentLog,
      }),
    ).rejects.toThrow(/municipality code/);
    expect(await env.queue('default').getJobSchedulersCount()).toBe(0);
  });

  it('runs the scheduled job through the worker with the time it was scheduled for', async () => {
    const seen: { municipalityCode: string; scheduledAt: Date | undefined }[] = [];
    const workers = createWorkers({
      connection: env.consumer,
      concurrency: { robot: 1, default: 1 },
      processors: {
        'sample.draw': async (payload, job) => {
          seen.push({ municipalityCode: payload.municipalityCode, scheduledAt: job.scheduledAt });
        },
      },
      disabledJobs: disabledExcept('sample.draw'),
      deps: { db: env.db, registers: noRegisters, log: silentLog },
    });
    try {
      // Every second (six-field cron), so the test sees a real firing.
      await registerSchedules({
        connection: env.consumer,
        entries: [{ jobName: 'sample.draw', pattern: '* * * * * *', payload: { municipalityCode: '1263' } }],
        log: silentLog,
      });
      await waitFor(async () => seen.length > 0, { what: 'a scheduled run', timeoutMs: 5_000 });
      expect(seen[0]?.municipalityCode).toBe('1263');
      expect(seen[0]?.scheduledAt?.getUTCMilliseconds()).toBe(0);
    } finally {
      await registerSchedules({ connection: env.consumer, entries: [], log: silentLog });
      await workers.close();
    }
  });
});
