import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { type Ctx, submitApplication } from '@samverkan/core';
import { shardOf, tenant, withAdminClient } from '@samverkan/db';
import {
  buildPersonnummer,
  createHttpRegisterGateway,
  type RegisterSimulator,
  startRegisterSimulator,
} from '@samverkan/registers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootWorker } from '../src/boot.ts';
import { loadConfig } from '../src/config.ts';
import { outboxRows, REDIS_URL, silentLog, sleep, useTestEnv, waitFor } from './helpers.ts';

const env = useTestEnv();
let simulator: RegisterSimulator;

beforeAll(async () => {
  simulator = await startRegisterSimulator({ port: 0 });
});
afterAll(async () => {
  await simulator?.close();
});

async function citizenSubmits(serial: string) {
  const personnummer = buildPersonnummer('19920202', serial);
  simulator.setPerson({
    description: 'e2e',
    population: {
      personnummer,
      givenName: 'Eva',
      familyName: 'Ende',
      municipalityCode: '1287',
      address: null,
      protectedIdentity: false,
      deceased: false,
    },
    profile: { labourMarket: { registered: true, registrationDate: '2025-01-01', program: null } },
  });
  const admin = (sql: string, params: unknown[] = []) =>
    withAdminClient(env.database.adminUrl, (c) => c.query(sql, params));
  const slot = await admin(
    `INSERT INTO kommun_1287.intake_slots (starts_at, ends_at, place, location_name, officer_username)
     VALUES (now() + interval '2 days', now() + interval '2 days 45 minutes', 'host_office', 'Trelleborg', 'ask.trelleborg') RETURNING slot_id`,
  );
  const ctx: Ctx = {
    db: env.db,
    tenant: {
      code: '1287',
      schema: 'kommun_1287',
      name: 'Trelleborgs kommun',
      committeeName: 'Arbetsmarknadsnämnden i Trelleborgs kommun',
      organisationNumber: '2120001199',
      postalAddress: null,
    },
    actor: { kind: 'citizen', personnummer },
    access: { basis: 'citizen' },
    requestId: `e2e-${serial}`,
    log: silentLog,
    now: () => new Date(),
  };
  const registers = createHttpRegisterGateway({ baseUrl: simulator.url, retries: 0 });
  const app = await submitApplication(
    ctx,
    { registers },
    {
      personnummer,
      givenName: 'Eva',
      familyName: 'Ende',
      channel: 'digital',
      slotId: slot.rows[0].slot_id,
      form: {
        month: '2026-12',
        household: { partner: null, children: [] },
        incomes: [],
        costs: [{ type: 'rent', amountOre: 500_000 }],
        otherItems: [],
        payoutAccount: { kind: 'bank_account', clearing: '8327', account: '9412345678' },
        declarations: { truthful: true, consentRegisterCheck: true },
      },
    },
  );
  await admin(
    `INSERT INTO kommun_1287.labour_assessments (person_id, available_for_work, plan_from, plan_to, recorded_by)
     VALUES ($1, true, '2026-11-01', '2027-04-30', 'ask.trelleborg')`,
    [app.personId],
  );
  return app.applicationId;
}

const decisionsFor = async (id: string) =>
  (
    await tenant(env.db, 'kommun_1287')
      .selectFrom('decisions')
      .select('decisionId')
      .where('applicationId', '=', id)
      .execute()
  ).length;

describe('robot end to end through the outbox, Redis and the worker', () => {
  it('keeps a submitted application in the outbox until a worker runs, then decides it exactly once', async () => {
    const id = await citizenSubmits('611');
    // Submission touched only PostgreSQL: with no worker and no Redis, the job waits in the outbox.
    await sleep(300);
    const pending = (await outboxRows(env.db)).filter((r) => r.jobId.endsWith(id));
    expect(pending).toHaveLength(1);
    expect(pending[0]?.sent).toBe(false);
    expect(await decisionsFor(id)).toBe(0);

    // A worker starts: the relay drains the backlog and the robot decides.
    const running = await bootWorker(
      loadConfig({
        DATABASE_URL: env.database.appUrl,
        REDIS_URL,
        QUEUE_PREFIX: env.prefix,
        RELAY_POLL_MS: '100',
      }),
      silentLog,
      { registers: createHttpRegisterGateway({ baseUrl: simulator.url }) },
    );
    try {
      await waitFor(async () => ((await decisionsFor(id)) === 1 ? true : undefined), {
        timeoutMs: 15_000,
        what: 'the robot decision',
      });
      // The robot's statements ran on the pool with affinity for Trelleborg, and only there.
      const robotConnections = await withAdminClient(env.database.adminUrl, async (c) =>
        (
          await c.query<{ name: string }>(
            `SELECT DISTINCT application_name AS name FROM pg_stat_activity
              WHERE datname = current_database() AND application_name LIKE 'samverkan-robot-shard%'`,
          )
        ).rows.map((r) => r.name),
      );
      expect(robotConnections).toEqual([
        `samverkan-robot-shard${shardOf('1287', loadConfig({}).ROBOT_DB_SHARDS)}`,
      ]);
      // A second delivery of the same job (e.g. after a crash) changes nothing.
      await env
        .queue('robot')
        .add('application.assess', { municipalityCode: '1287', applicationId: id }, { jobId: `again_${id}` });
      await sleep(1000);
      expect(await decisionsFor(id)).toBe(1);
      const payments = await tenant(env.db, 'kommun_1287')
        .selectFrom('payments')
        .selectAll()
        .where('applicationId', '=', id)
        .execute();
      expect(payments).toHaveLength(1);
    } finally {
      await running.shutdown();
    }
  });

  it('drains a backlog of one municipality with companions: the first job takes the waiting cases along, the rest find them handled', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) ids.push(await citizenSubmits(String(701 + i)));
    // One robot job at a time, so which job takes which case is certain.
    const running = await bootWorker(
      loadConfig({
        DATABASE_URL: env.database.appUrl,
        REDIS_URL,
        QUEUE_PREFIX: env.prefix,
        RELAY_POLL_MS: '100',
        WORKER_CONCURRENCY_ROBOT: '1',
      }),
      silentLog,
      { registers: createHttpRegisterGateway({ baseUrl: simulator.url }) },
    );
    try {
      await waitFor(
        async () => ((await Promise.all(ids.map(decisionsFor))).every((n) => n === 1) ? true : undefined),
        { timeoutMs: 15_000, what: 'eight robot decisions' },
      );
      await waitFor(async () => ((await env.queue('robot').getCompletedCount()) >= 8 ? true : undefined), {
        timeoutMs: 15_000,
        what: 'eight completed robot jobs',
      });
      const completed = await env.queue('robot').getCompleted();
      const results = completed
        .filter((j) => ids.includes(j.data.applicationId))
        .map((j) => j.returnvalue as string);
      expect(results.sort()).toEqual([...Array(7).fill('already_handled'), 'decided']);
      // Each case read once, seven of them as companions of the first job's case.
      const reads = await withAdminClient(
        env.database.adminUrl,
        async (c) =>
          (
            await c.query<{ object_id: string; companion_of: string | null }>(
              `SELECT object_id, detail->>'companionOf' AS companion_of FROM kommun_1287.audit_log
              WHERE action = 'robot.read_case' AND object_id = ANY($1::text[])`,
              [ids],
            )
          ).rows,
      );
      expect(reads).toHaveLength(8);
      const leads = reads.filter((r) => r.companion_of === null).map((r) => r.object_id);
      expect(leads).toHaveLength(1);
      expect(reads.filter((r) => r.companion_of === leads[0])).toHaveLength(7);
      const payments = await tenant(env.db, 'kommun_1287')
        .selectFrom('payments')
        .select('applicationId')
        .where('applicationId', 'in', ids)
        .execute();
      expect(payments).toHaveLength(8);
    } finally {
      await running.shutdown();
    }
  });

  it('survives a worker killed mid-job (SIGKILL): another worker takes the stalled job, one decision and one payment', async () => {
    // Every register answer takes 1.5 s, so the job is surely in flight when the process dies.
    const slowRegisters = await startRegisterSimulator({ port: 0, latencyMs: 1500 });
    const spawnWorker = () =>
      spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
        cwd: fileURLToPath(new URL('..', import.meta.url)),
        env: {
          ...process.env,
          DATABASE_URL: env.database.appUrl,
          REDIS_URL,
          QUEUE_PREFIX: env.prefix,
          REGISTER_URL: slowRegisters.url,
          RELAY_POLL_MS: '100',
          // A dead worker's lock lapses after 5 s and the survivor looks for stalled jobs as often.
          // (Much shorter and a loaded machine can miss a renewal of a live job's lock.)
          WORKER_LOCK_MS: '5000',
          LOG_LEVEL: 'silent',
        },
        stdio: 'ignore',
      });
    const fastRegisters = simulator;
    simulator = slowRegisters;
    const id = await citizenSubmits('612').finally(() => {
      simulator = fastRegisters;
    });
    const first = spawnWorker();
    let second: ReturnType<typeof spawnWorker> | undefined;
    try {
      await waitFor(async () => ((await env.queue('robot').getActiveCount()) > 0 ? true : undefined), {
        timeoutMs: 20_000,
        what: 'the robot job to start',
      });
      await sleep(300);
      first.kill('SIGKILL');
      await once(first, 'exit');
      expect(await decisionsFor(id)).toBe(0);

      second = spawnWorker();
      await waitFor(async () => ((await decisionsFor(id)) === 1 ? true : undefined), {
        timeoutMs: 90_000,
        what: 'the decision after the crash',
      });
      await sleep(1000);
      expect(await decisionsFor(id)).toBe(1);
      const t = tenant(env.db, 'kommun_1287');
      expect(
        await t.selectFrom('payments').selectAll().where('applicationId', '=', id).execute(),
      ).toHaveLength(1);
      const app = await t
        .selectFrom('applications')
        .select(['status', 'processing'])
        .where('applicationId', '=', id)
        .executeTakeFirstOrThrow();
      expect(app).toEqual({ status: 'completed', processing: 'decided' });
    } finally {
      first.kill('SIGKILL');
      if (second) {
        second.kill('SIGTERM');
        await once(second, 'exit');
      }
      await slowRegisters.close();
    }
  }, 150_000);
});
