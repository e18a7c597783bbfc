import { randomUUID } from 'node:crypto';
import { DomainError } from '@samverkan/domain';
import { type JobName, jobIdFor } from '@samverkan/jobs';
import { afterEach, describe, expect, it } from 'vitest';
import type { FinalFailureHooks, ProcessorRegistry } from '../src/processors/index.ts';
import { assertProcessorsCover, createWorkers } from '../src/workers.ts';
import { disabledExcept, noRegisters, silentLog, sleep, useTestEnv, waitFor } from './helpers.ts';

const env = useTestEnv();
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

function start(
  processors: ProcessorRegistry,
  finalFailureHooks: FinalFailureHooks = {},
  parkDelayMs?: number,
) {
  const names = Object.keys(processors) as JobName[];
  const workers = createWorkers({
    connection: env.consumer,
    concurrency: { robot: 2, default: 2 },
    processors,
    finalFailureHooks,
    disabledJobs: disabledExcept(...names),
    deps: { db: env.db, registers: noRegisters, log: silentLog },
    ...(parkDelayMs ? { parkDelayMs } : {}),
  });
  closers.push(() => workers.close());
  return workers;
}

/** Adds a job as the relay would, with a short backoff so retries happen within the test. */
async function addNotify(attempts: number) {
  const payload = { municipalityCode: '1263', decisionId: randomUUID() };
  const jobId = jobIdFor('decision.notify', payload);
  await env
    .queue('default')
    .add('decision.notify', payload, { jobId, attempts, backoff: { type: 'fixed', delay: 20 } });
  return { payload, jobId };
}

// Read the job again once it is failed: a job object fetched while it was still active holds
// the fields of that moment (attemptsMade, failedReason).
const isFailed = (jobId: string) => async () => {
  const job = await env.queue('default').getJob(jobId);
  return job && (await job.isFailed()) ? env.queue('default').getJob(jobId) : undefined;
};

describe('workers', () => {
  it('refuses to boot when a job has no processor and is not disabled', () => {
    expect(() => assertProcessorsCover({})).toThrow(
      /No processor for job\(s\) application\.assess, decision\.notify/,
    );
    expect(() => assertProcessorsCover({}, disabledExcept('sample.draw'))).toThrow(/sample\.draw/);
    expect(() => assertProcessorsCover({}, disabledExcept())).not.toThrow();
  });

  it('calls onFinalFailure exactly once, after the last attempt', async () => {
    const runs: number[] = [];
    const finals: { decisionId: string; message: string; attemptsMade: number }[] = [];
    start(
      {
        'decision.notify': async (_payload, job) => {
          runs.push(job.attemptsMade);
          throw new Error('smtp relay down');
        },
      },
      {
        'decision.notify': async (payload, error, job) => {
          finals.push({
            decisionId: payload.decisionId,
            message: error instanceof Error ? error.message : '',
            attemptsMade: job.attemptsMade,
          });
        },
      },
    );
    const { payload, jobId } = await addNotify(3);
    const job = await waitFor(isFailed(jobId), { what: 'the job to fail' });
    await sleep(200);
    expect(runs).toEqual([0, 1, 2]);
    expect(finals).toEqual([{ decisionId: payload.decisionId, message: 'smtp relay down', attemptsMade: 2 }]);
    expect(job.attemptsMade).toBe(3);
    expect(job.failedReason).toBe('smtp relay down');
  });

  it('turns a DomainError that retrying cannot fix into an unrecoverable failure', async () => {
    let runs = 0;
    let finals = 0;
    start(
      {
        'decision.notify': async () => {
          runs += 1;
          throw new DomainError('invalid_state', 'Beslutet är redan expedierat.');
        },
      },
      {
        'decision.notify': async () => {
          finals += 1;
        },
      },
    );
    const { jobId } = await addNotify(5);
    const job = await waitFor(isFailed(jobId), { what: 'the job to fail' });
    await sleep(200);
    expect(runs).toBe(1);
    expect(finals).toBe(1);
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toBe('invalid_state: Beslutet är redan expedierat.');
  });

  it('retries a DomainError that a later attempt can fix (register unavailable)', async () => {
    let runs = 0;
    start({
      'decision.notify': async () => {
        runs += 1;
        if (runs === 1) throw new DomainError('register_unavailable', 'SSBTEK svarade inte i tid.');
        return 'ok';
      },
    });
    const { jobId } = await addNotify(3);
    const job = await waitFor(
      async () => {
        const j = await env.queue('default').getJob(jobId);
        return j && (await j.isCompleted()) ? j : undefined;
      },
      { what: 'the job to complete' },
    );
    expect(runs).toBe(2);
    expect(job.returnvalue).toBe('ok');
  });

  it('refuses a payload that fails re-validation on receipt, without retrying', async () => {
    let runs = 0;
    start({
      'decision.notify': async () => {
        runs += 1;
      },
    });
    await env
      .queue('default')
      .add(
        'decision.notify',
        { municipalityCode: '1263', decisionId: randomUUID(), personnummer: '198112189876' },
        { jobId: `decision.notify_bad_${randomUUID()}`, attempts: 5 },
      );
    const failed = await waitFor(
      async () =>
        (await env.queue('default').getFailed()).find((j) => j.id?.startsWith('decision.notify_bad_')),
      { what: 'the job to fail' },
    );
    expect(runs).toBe(0);
    expect(failed.attemptsMade).toBe(1);
    expect(failed.failedReason).toMatch(/Unrecognized key/);
    expect(failed.failedReason).not.toMatch(/198112189876/);
  });

  it('parks a job of a disabled kind instead of failing it', async () => {
    start({ 'decision.notify': async () => 'ok' }, {}, 60_000);
    const payload = { municipalityCode: '1263', date: '2026-03-02' };
    const jobId = jobIdFor('summary.daily', payload);
    await env.queue('default').add('summary.daily', payload, { jobId, attempts: 3 });
    const job = await waitFor(
      async () => {
        const j = await env.queue('default').getJob(jobId);
        return j && (await j.isDelayed()) ? j : undefined;
      },
      { what: 'the job to be parked' },
    );
    expect(job.attemptsMade).toBe(0);
    expect(await job.getState()).toBe('delayed');
  });
});
