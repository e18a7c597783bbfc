/**
 * pnpm bench:robot — applications per second from submission to decision and payment, through
 * the real path: submitApplication (core) → platform.outbox → the worker's relay (bootWorker,
 * in-process) → BullMQ on the local Redis → runRobot with the register simulator over HTTP →
 * decision + payment in the tenant schema.
 *
 * Two scenarios: the seeded 2 tenants (1287, 1263) and 290 tenants (288 more provisioned with an
 * agreement to the host, guidelines and robot delegation). Each is printed next to two baselines
 * measured in the same run just before it: raw pgbench TPC-B tps and the throughput of an empty
 * BullMQ job (no-op processor, same Redis, same concurrency). Read the ratios.
 *
 * After the burst, a backlog (BENCH_BACKLOG applications submitted while no worker runs) is
 * drained by a fresh worker: the robot's own rate, without submissions competing for the machine.
 *
 * Env: BENCH_APPLICATIONS (both scenarios; default 2 000 and 2 900), BENCH_SCENARIOS (2,290),
 * BENCH_CONCURRENCY (robot worker concurrency, default 16), BENCH_SUBMIT_CONCURRENCY (16),
 * BENCH_BACKLOG (1 000; 0 skips it), BENCH_NOOP_JOBS (5 000), BENCH_TIMEOUT_S (per drain, 240),
 * BENCH_PGBENCH_SECONDS (10).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  type Ctx,
  DEMO_AGREEMENT,
  seedDemo,
  stockholmToday,
  submitApplication,
  TRELLEBORG_DELEGATION,
  tenantRef,
} from '@samverkan/core';
import {
  createDb,
  loadMigrationSet,
  migrateAll,
  provisionTenant,
  type RootDb,
  withAdminClient,
} from '@samverkan/db';
import { parseTenantGuidelines } from '@samverkan/domain';
import { redisConnection } from '@samverkan/jobs';
import { buildPersonnummer, createHttpRegisterGateway, startRegisterSimulator } from '@samverkan/registers';
import { bootWorker, createLogger, DEFAULT_RETENTION, loadConfig } from '@samverkan/worker';
import { Queue, Worker } from 'bullmq';
import type pg from 'pg';
import {
  cpuProfile,
  createScratchDb,
  fmt,
  header,
  machineCpu,
  median,
  PGBENCH_ARGS,
  type PgbenchBaseline,
  pgbenchBaseline,
  printTable,
  quantile,
  REDIS_URL,
  ratio,
  runBenchmark,
  type ScratchDb,
  sleep,
  syntheticMunicipalityCodes,
} from './lib.ts';
import { type BenchSimulator, startSimulatorProcess } from './simulator-process.ts';

const envInt = (name: string, fallback: number) => {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer`);
  return n;
};

const SCENARIOS = (process.env.BENCH_SCENARIOS ?? '2,290').split(',').map((s) => Number(s.trim()));
const CONCURRENCY = envInt('BENCH_CONCURRENCY', 16);
const SUBMIT_CONCURRENCY = envInt('BENCH_SUBMIT_CONCURRENCY', 16);
const NOOP_JOBS = envInt('BENCH_NOOP_JOBS', 5000);
const TIMEOUT_S = envInt('BENCH_TIMEOUT_S', 240);
const PROBES = Number(process.env.BENCH_LATENCY_PROBES ?? 20);
const BACKLOG = process.env.BENCH_BACKLOG === '0' ? 0 : envInt('BENCH_BACKLOG', 1000);
/** A second backlog for the same (warm) worker: its connections and caches have seen every tenant. */
const WARM_BACKLOG =
  BACKLOG === 0 || process.env.BENCH_WARM_BACKLOG === '0' ? 0 : envInt('BENCH_WARM_BACKLOG', 1000);
const NATIONAL_MONTH = 100_000;
const AIM_S = 300;
const HOST = '1287';

const silent = createLogger('silent');
const domainData = (name: string) =>
  JSON.parse(
    readFileSync(new URL(`../../../packages/domain/data/${name}`, import.meta.url), 'utf8'),
  ) as unknown;

interface Applicant {
  code: string;
  personnummer: string;
  slotId?: string;
}

// ---------------------------------------------------------------- tenants

/** Svedala's seeded rules let the robot only propose; here it gets Trelleborg's robot rules too. */
async function robotDecidesIn(client: pg.ClientBase, code: string) {
  const robotRules = TRELLEBORG_DELEGATION.filter((r) => r.delegate.kind === 'robot');
  for (const r of robotRules) {
    await client.query(
      `INSERT INTO kommun_${code}.delegation_rules (reference, decision_type, delegate, max_amount_ore, valid_from, note, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, 'bench')`,
      [
        r.reference,
        r.decisionType,
        JSON.stringify(r.delegate),
        r.maxAmountOre ?? null,
        r.validFrom,
        r.note ?? null,
      ],
    );
  }
}

/**
 * What seedDemo does for a tenant, for `codes`: provisionTenant (registry row + schema +
 * migrations), an agreement with the host covering both scopes, a payout account, a guideline
 * version (Trelleborg's riktlinjer from packages/domain/data) and delegation rules that let the
 * robot decide (Trelleborg's). Provisioning runs on `parallel` admin connections.
 */
async function provisionMore(adminUrl: string, codes: readonly string[], parallel = 4) {
  const set = loadMigrationSet();
  const guidelines = parseTenantGuidelines(domainData('guidelines-1287-trelleborg.json'));
  let next = 0;
  const lane = async () =>
    withAdminClient(adminUrl, async (client) => {
      for (;;) {
        const code = codes[next++];
        if (code === undefined) return;
        await provisionTenant(
          client,
          { code, name: `Benchkommun ${code}`, committeeName: `Socialnämnden i Benchkommun ${code}` },
          set,
        );
        await client.query('BEGIN');
        await client.query(
          `INSERT INTO platform.agreements (title, host_code, tenant_code, scopes, valid_from, valid_to, billing_terms, data_controller_note)
           VALUES ($1, $2, $3, $4::text[], $5, NULL, $6, $7)`,
          [
            DEMO_AGREEMENT.title,
            HOST,
            code,
            DEMO_AGREEMENT.scopes,
            DEMO_AGREEMENT.validFrom,
            JSON.stringify(DEMO_AGREEMENT.billingTerms),
            DEMO_AGREEMENT.dataControllerNote,
          ],
        );
        await client.query(
          `UPDATE platform.municipalities SET payout_account = $2 WHERE municipality_code = $1`,
          [code, JSON.stringify({ kind: 'bankgiro', number: '50501055' })],
        );
        await client.query(
          `INSERT INTO kommun_${code}.guideline_versions (effective_from, body, created_by) VALUES ($1, $2, 'bench')`,
          [guidelines.effectiveFrom, JSON.stringify(guidelines)],
        );
        for (const r of TRELLEBORG_DELEGATION) {
          await client.query(
            `INSERT INTO kommun_${code}.delegation_rules (reference, decision_type, delegate, max_amount_ore, max_norm_multiple, valid_from, note, created_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'bench')`,
            [
              r.reference,
              r.decisionType,
              JSON.stringify(r.delegate),
              r.maxAmountOre ?? null,
              r.maxNormMultiple ?? null,
              r.validFrom,
              r.note ?? null,
            ],
          );
        }
        await client.query('COMMIT');
      }
    });
  await Promise.all(Array.from({ length: parallel }, lane));
}

// ---------------------------------------------------------------- applicants

const monthBounds = (month: string) => {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const planTo = new Date(Date.UTC(y, m + 5, 0)).toISOString().slice(0, 10);
  return { first: `${month}-01`, planTo };
};

function personnummerFor(i: number): string {
  const birth = new Date(Date.UTC(1960, 0, 1) + (i % 10_000) * 86_400_000)
    .toISOString()
    .slice(0, 10)
    .replaceAll('-', '');
  return buildPersonnummer(birth, String(100 + Math.floor(i / 10_000)).padStart(3, '0'));
}

/**
 * Every applicant: a person in the register simulator (fixed municipality and profile: registered
 * at Arbetsförmedlingen, no income), a citizen row, a free first-meeting slot and a labour
 * assessment covering the month — so the robot can decide. Not timed.
 */
async function prepareApplicants(
  db: ScratchDb,
  simulator: BenchSimulator,
  codes: readonly string[],
  count: number,
  month: string,
) {
  const applicants: Applicant[] = [];
  const registered: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const code = codes[i % codes.length] as string;
    const personnummer = personnummerFor(i);
    if (registered.length >= 32) await Promise.all(registered.splice(0));
    const set = simulator.setPerson({
      description: 'bench',
      population: {
        personnummer,
        givenName: 'Bengt',
        familyName: 'Bänk',
        municipalityCode: code,
        address: null,
        protectedIdentity: false,
        deceased: false,
      },
      profile: { labourMarket: { registered: true, registrationDate: '2025-01-01', program: null } },
    });
    registered.push(set);
    applicants.push({ code, personnummer });
  }
  await Promise.all(registered);
  const { first, planTo } = monthBounds(month);
  await withAdminClient(db.adminUrl, async (client) => {
    for (const code of codes) {
      const mine = applicants.filter((a) => a.code === code);
      if (mine.length === 0) continue;
      const people = await client.query<{ person_id: string; personnummer: string }>(
        `INSERT INTO kommun_${code}.citizens (personnummer, given_name, family_name)
         SELECT p, 'Bengt', 'Bänk' FROM unnest($1::text[]) AS p RETURNING person_id, personnummer`,
        [mine.map((a) => a.personnummer)],
      );
      await client.query(
        `INSERT INTO kommun_${code}.labour_assessments (person_id, available_for_work, plan_from, plan_to, recorded_by)
         SELECT id, true, $2::date, $3::date, 'ask.trelleborg' FROM unnest($1::uuid[]) AS id`,
        [people.rows.map((r) => r.person_id), first, planTo],
      );
      const slots = await client.query<{ slot_id: string }>(
        `INSERT INTO kommun_${code}.intake_slots (starts_at, ends_at, place, location_name, officer_username)
         SELECT now() + interval '2 days', now() + interval '2 days 45 minutes', 'host_office', 'Trelleborg', 'ask.trelleborg'
         FROM generate_series(1, $1::int) RETURNING slot_id`,
        [mine.length],
      );
      mine.forEach((a, i) => {
        a.slotId = slots.rows[i]?.slot_id;
      });
    }
  });
  return applicants;
}

const formFor = (month: string) => ({
  month,
  household: { partner: null, children: [] },
  incomes: [],
  costs: [{ type: 'rent', amountOre: 500_000 }],
  otherItems: [],
  payoutAccount: { kind: 'bank_account', clearing: '8327', account: '9412345678' },
  declarations: { truthful: true, consentRegisterCheck: true },
});

// ---------------------------------------------------------------- baselines

async function noopBullmq(jobs: number, concurrency: number): Promise<number> {
  const prefix = `samverkan-bench-noop-${randomBytes(4).toString('hex')}`;
  const producer = redisConnection(REDIS_URL, 'producer', { queuePrefix: prefix });
  const consumer = redisConnection(REDIS_URL, 'worker', { queuePrefix: prefix });
  const queue = new Queue('noop', { connection: producer.redis, prefix });
  let done = 0;
  let resolveAll: () => void = () => {};
  const all = new Promise<void>((r) => {
    resolveAll = r;
  });
  const worker = new Worker('noop', async () => undefined, {
    connection: consumer.redis,
    prefix,
    concurrency,
    removeOnComplete: DEFAULT_RETENTION.completed,
    removeOnFail: DEFAULT_RETENTION.failed,
  });
  worker.on('completed', () => {
    if (++done === jobs) resolveAll();
  });
  try {
    await worker.waitUntilReady();
    await queue.waitUntilReady();
    const start = performance.now();
    // Batches of 100 with deterministic ids, as the outbox relay adds them.
    for (let i = 0; i < jobs; i += 100) {
      const batch = Array.from({ length: Math.min(100, jobs - i) }, (_, k) => ({
        name: 'noop',
        data: { municipalityCode: HOST, n: i + k },
        opts: { jobId: `noop_${i + k}`, attempts: 3 },
      }));
      await queue.addBulk(batch);
    }
    await Promise.race([
      all,
      sleep(120_000).then(() => Promise.reject(new Error('no-op jobs did not finish in 120 s'))),
    ]);
    return jobs / ((performance.now() - start) / 1000);
  } finally {
    await worker.close();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    await unlinkPrefix(producer.redis, prefix);
    producer.redis.disconnect();
    consumer.redis.disconnect();
  }
}

async function unlinkPrefix(redis: import('ioredis').Redis, prefix: string) {
  if (!prefix.startsWith('samverkan-bench-')) return;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== '0');
}

// ---------------------------------------------------------------- one scenario

interface ScenarioResult {
  tenants: number;
  applications: number;
  appsPerSecond: number;
  /** The robot draining a backlog on its own (null without BENCH_BACKLOG). */
  backlogPerSecond: number | null;
  pgbenchTps: number | null;
  noopJobsPerSecond: number;
}

async function countProgress(admin: pg.ClientBase, codes: readonly string[]) {
  const union = codes
    .map((c) => `SELECT processing, count(*)::int AS n FROM kommun_${c}.applications GROUP BY processing`)
    .join(' UNION ALL ');
  const { rows } = await admin.query<{ processing: string; n: number }>(
    `SELECT processing, sum(n)::int AS n FROM (${union}) x GROUP BY processing`,
  );
  return Object.fromEntries(rows.map((r) => [r.processing, r.n])) as Record<string, number>;
}

interface RobotWorker {
  completed(): number;
  /** What the robot answered per completed job (decided, already_handled, …). */
  results(): Record<string, number>;
  failedAttempts(): number;
  lastFailure(): string;
  /** Resolves true once `target` robot jobs have completed, false after `timeoutMs`. */
  completedAtLeast(target: number, timeoutMs: number): Promise<boolean>;
  /** Stops taking robot jobs (waits for the active ones); the relay keeps enqueueing. */
  pause(): Promise<void>;
  resume(): void;
  stop(): Promise<void>;
}

/**
 * The worker as production runs it (`bootWorker`: outbox relay + BullMQ workers), on its own
 * Redis prefix, counting the robot queue's completed jobs from the worker's own events (no
 * polling queries against hundreds of schemas while measuring).
 */
async function startRobotWorker(
  db: ScratchDb,
  simulator: BenchSimulator,
  cleanup: (fn: () => unknown) => void,
): Promise<RobotWorker> {
  const prefix = `samverkan-bench-${randomBytes(4).toString('hex')}`;
  const worker = await bootWorker(
    loadConfig({
      DATABASE_URL: db.appUrl,
      DATABASE_POOL_SIZE: String(CONCURRENCY + 4),
      REDIS_URL,
      QUEUE_PREFIX: prefix,
      WORKER_CONCURRENCY_ROBOT: String(CONCURRENCY),
      ...(process.env.BENCH_ROBOT_DB_SHARDS ? { ROBOT_DB_SHARDS: process.env.BENCH_ROBOT_DB_SHARDS } : {}),
      ...(process.env.BENCH_ROBOT_DB_MAX_PREPARED
        ? { ROBOT_DB_MAX_PREPARED: process.env.BENCH_ROBOT_DB_MAX_PREPARED }
        : {}),
      ...(process.env.BENCH_ROBOT_DB_PLAN_CACHE_MODE
        ? { ROBOT_DB_PLAN_CACHE_MODE: process.env.BENCH_ROBOT_DB_PLAN_CACHE_MODE }
        : {}),
      ...(process.env.BENCH_ROBOT_COMPANIONS ? { ROBOT_COMPANIONS: process.env.BENCH_ROBOT_COMPANIONS } : {}),
      ...(process.env.BENCH_ROBOT_COMPANIONS_IN_FLIGHT
        ? { ROBOT_COMPANIONS_IN_FLIGHT: process.env.BENCH_ROBOT_COMPANIONS_IN_FLIGHT }
        : {}),
      RELAY_POLL_MS: '200',
      LOG_LEVEL: 'silent',
    }),
    silent,
    { registers: createHttpRegisterGateway({ baseUrl: simulator.url }), schedules: [] },
  );
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await worker.shutdown();
    const r = redisConnection(REDIS_URL, 'worker', { queuePrefix: prefix });
    await unlinkPrefix(r.redis, prefix).finally(() => r.redis.disconnect());
  };
  cleanup(stop);
  const robotWorker = worker.workers.workers.get('robot');
  if (!robotWorker) throw new Error('the worker has no robot queue');
  let completed = 0;
  let failedAttempts = 0;
  let lastFailure = '';
  const results: Record<string, number> = {};
  const waiters: { target: number; resolve: () => void }[] = [];
  robotWorker.on('completed', (_job, result) => {
    completed++;
    results[String(result)] = (results[String(result)] ?? 0) + 1;
    for (const w of waiters.filter((x) => completed >= x.target)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  });
  robotWorker.on('failed', (_job, error) => {
    failedAttempts++;
    lastFailure = error.message;
  });
  return {
    completed: () => completed,
    results: () => results,
    failedAttempts: () => failedAttempts,
    lastFailure: () => lastFailure,
    pause: () => robotWorker.pause(),
    resume: () => robotWorker.resume(),
    completedAtLeast: (target, timeoutMs) =>
      completed >= target
        ? Promise.resolve(true)
        : Promise.race([
            new Promise<boolean>((resolve) => waiters.push({ target, resolve: () => resolve(true) })),
            sleep(timeoutMs).then(() => false),
          ]),
    stop,
  };
}

async function scenario(
  tenantCount: number,
  applications: number,
  simulator: BenchSimulator,
  pgbench: PgbenchBaseline,
  cleanup: (fn: () => unknown) => void,
): Promise<ScenarioResult> {
  header(
    `robot, ${tenantCount} tenants, ${applications.toLocaleString('en-US')} applications (robot concurrency ${CONCURRENCY}, robot database pools ${loadConfig({ ...(process.env.BENCH_ROBOT_DB_SHARDS ? { ROBOT_DB_SHARDS: process.env.BENCH_ROBOT_DB_SHARDS } : {}) }).ROBOT_DB_SHARDS}, ${SUBMIT_CONCURRENCY} parallel submissions)`,
  );
  const setupStart = performance.now();
  const db = await createScratchDb(`robot${tenantCount}`);
  await migrateAll(db.adminUrl);
  await seedDemo(db.adminUrl);
  const extra = syntheticMunicipalityCodes(Math.max(0, tenantCount - 2));
  const codes = [HOST, '1263', ...extra];
  await withAdminClient(db.adminUrl, (client) => robotDecidesIn(client, '1263'));
  let provisionS = 0;
  if (extra.length > 0) {
    const t = performance.now();
    await provisionMore(db.adminUrl, extra);
    provisionS = (performance.now() - t) / 1000;
  }
  const month = stockholmToday(new Date()).slice(0, 7);
  const everyone = await prepareApplicants(
    db,
    simulator,
    codes,
    applications + PROBES + BACKLOG + WARM_BACKLOG,
    month,
  );
  const applicants = everyone.slice(0, applications);
  const probes = everyone.slice(applications, applications + PROBES);
  const backlogApplicants = everyone.slice(applications + PROBES, applications + PROBES + BACKLOG);
  const warmApplicants = everyone.slice(applications + PROBES + BACKLOG);
  console.log(
    `  setup ${fmt((performance.now() - setupStart) / 1000, 1)} s (not timed)` +
      (extra.length > 0
        ? `, of which provisioning ${extra.length} tenants with agreement, guidelines, delegation: ${fmt(provisionS, 1)} s`
        : '') +
      `; month ${month}`,
  );

  // Baselines, in this run, just before the measurement.
  const pgbenchTps = await pgbench.run();
  const noopJobsPerSecond = await noopBullmq(NOOP_JOBS, CONCURRENCY);

  // The system under test.
  const submitDb: RootDb = createDb({
    connectionString: db.appUrl,
    maxConnections: SUBMIT_CONCURRENCY,
    applicationName: 'samverkan-bench-submit',
  });
  let submitDbClosed = false;
  cleanup(() => (submitDbClosed ? undefined : submitDb.destroy()));
  let worker = await startRobotWorker(db, simulator, cleanup);

  const refs = new Map(await Promise.all(codes.map(async (c) => [c, await tenantRef(submitDb, c)] as const)));
  const registers = createHttpRegisterGateway({ baseUrl: simulator.url });
  const form = formFor(month);
  const refused: string[] = [];
  const submitOne = async (a: Applicant) => {
    const ctx: Ctx = {
      db: submitDb,
      tenant: refs.get(a.code) as Ctx['tenant'],
      actor: { kind: 'citizen', personnummer: a.personnummer },
      access: { basis: 'citizen' },
      requestId: `bench-${a.personnummer}`,
      log: silent,
      now: () => new Date(),
    };
    try {
      await submitApplication(
        ctx,
        { registers },
        {
          personnummer: a.personnummer,
          givenName: 'Bengt',
          familyName: 'Bänk',
          channel: 'digital',
          slotId: a.slotId,
          form,
        },
      );
    } catch (error) {
      refused.push(`${a.code}/${a.personnummer}: ${(error as Error).message}`);
    }
  };
  /** Submits every applicant, SUBMIT_CONCURRENCY at a time; returns how many were accepted. */
  const submitAll = async (list: readonly Applicant[]) => {
    const refusedBefore = refused.length;
    let next = 0;
    const submitter = async () => {
      for (;;) {
        const a = list[next++];
        if (!a) return;
        await submitOne(a);
      }
    };
    await Promise.all(Array.from({ length: SUBMIT_CONCURRENCY }, submitter));
    return list.length - (refused.length - refusedBefore);
  };
  const commitsOf = () =>
    withAdminClient(db.adminUrl, async (c) =>
      Number(
        (await c.query(`SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()`)).rows[0]
          .xact_commit,
      ),
    );
  // Shared-buffer hits and reads (reads = from the OS or disk) in the scratch database.
  const blocksOf = () =>
    withAdminClient(db.adminUrl, async (c) => {
      const row = (
        await c.query(
          `SELECT blks_hit::float8 AS hit, blks_read::float8 AS read FROM pg_stat_database WHERE datname = current_database()`,
        )
      ).rows[0];
      return { hit: Number(row.hit), read: Number(row.read) };
    });
  const commits0 = await commitsOf();
  const t0 = Date.now();
  const cpu0 = process.cpuUsage();
  await submitAll(applicants);
  const submittedS = (Date.now() - t0) / 1000;
  if (refused.length > 0) console.log(`  ! ${refused.length} submissions refused, e.g. ${refused[0]}`);
  const expected = applications - refused.length;

  // Drain: until the robot has completed a job per accepted application (bounded).
  if (!(await worker.completedAtLeast(expected, TIMEOUT_S * 1000))) {
    console.log(
      `  ! timed out after ${TIMEOUT_S} s with ${worker.completed()}/${expected} robot jobs completed`,
    );
  }
  const drainedAt = Date.now();
  const cpu = process.cpuUsage(cpu0);
  const cpuShare = (cpu.user + cpu.system) / 1000 / (drainedAt - t0);
  // Statistics are flushed to pg_stat_database asynchronously; give them a moment.
  await sleep(1500);
  const commitsPerApp = ((await commitsOf()) - commits0) / Math.max(1, expected);

  // Unloaded latency: the same path, one application at a time on the idle system.
  const probeMs: number[] = [];
  for (const a of probes) {
    const before = worker.completed();
    const start = performance.now();
    await submitOne(a);
    if (!(await worker.completedAtLeast(before + 1, 30_000))) break;
    probeMs.push(performance.now() - start);
  }
  let failedAttempts = worker.failedAttempts();
  let lastFailure = worker.lastFailure();
  const robotResults = { ...worker.results() };
  await worker.stop();

  // Backlog: applications that came in while no worker ran (overnight, an outage), then one
  // worker drains them — the robot's own rate, without submissions competing for the machine.
  let warmFrom = Number.POSITIVE_INFINITY;
  let warm:
    | {
        count: number;
        perSecond: number;
        cpuShare: number;
        machine: { busyCores: number; cores: number } | null;
      }
    | undefined;
  let backlog:
    | {
        count: number;
        from: number;
        startedAt: number;
        commitsPerApp: number;
        cpuShare: number;
        machine: { busyCores: number; cores: number } | null;
        bufferHitShare: number | null;
        simulatorShare: number | null;
      }
    | undefined;
  if (BACKLOG > 0) {
    const from = Date.now();
    const count = await submitAll(backlogApplicants);
    const commitsBefore = await commitsOf();
    const blocksBefore = await blocksOf();
    const startedAt = Date.now();
    const cpuAtStart = process.cpuUsage();
    const machineAtStart = machineCpu();
    const simulatorCpuAtStart = simulator.cpuSeconds();
    const stopProfile = await cpuProfile(`robot-backlog-${tenantCount}-tenants`);
    worker = await startRobotWorker(db, simulator, cleanup);
    if (!(await worker.completedAtLeast(count, TIMEOUT_S * 1000))) {
      console.log(
        `  ! backlog: timed out after ${TIMEOUT_S} s with ${worker.completed()}/${count} robot jobs`,
      );
    }
    const drainCpu = process.cpuUsage(cpuAtStart);
    const cpuShare = (drainCpu.user + drainCpu.system) / 1000 / (Date.now() - startedAt);
    const machine = machineAtStart();
    const simulatorCpuEnd = simulator.cpuSeconds();
    const simulatorShare =
      simulatorCpuAtStart === null || simulatorCpuEnd === null
        ? null
        : (simulatorCpuEnd - simulatorCpuAtStart) / ((Date.now() - startedAt) / 1000);
    const profileFile = await stopProfile();
    if (profileFile) console.log(`  CPU profile of the drain: ${profileFile}`);
    await sleep(1500);
    const commitsPerApp = ((await commitsOf()) - commitsBefore) / Math.max(1, count);
    const blocksAfter = await blocksOf();
    const hits = blocksAfter.hit - blocksBefore.hit;
    const reads = blocksAfter.read - blocksBefore.read;
    const bufferHitShare = hits + reads > 0 ? hits / (hits + reads) : null;
    backlog = { count, from, startedAt, commitsPerApp, cpuShare, machine, bufferHitShare, simulatorShare };

    // The same worker again, now warm: a second backlog is submitted while its robot is paused
    // (the relay enqueues it), then the robot alone drains it — what a long-running worker does.
    if (WARM_BACKLOG > 0) {
      await worker.pause();
      warmFrom = Date.now();
      const warmCount = await submitAll(warmApplicants);
      for (let waited = 0; waited < TIMEOUT_S * 1000; waited += 100) {
        const unsent = await withAdminClient(db.adminUrl, async (c) =>
          Number(
            (await c.query(`SELECT count(*) AS n FROM platform.outbox WHERE sent_at IS NULL`)).rows[0].n,
          ),
        );
        if (unsent === 0) break;
        await sleep(100);
      }
      const target = worker.completed() + warmCount;
      const warmStarted = Date.now();
      const warmCpuStart = process.cpuUsage();
      const warmMachine = machineCpu();
      worker.resume();
      if (!(await worker.completedAtLeast(target, TIMEOUT_S * 1000))) {
        console.log(`  ! warm backlog: timed out after ${TIMEOUT_S} s`);
      }
      const seconds = (Date.now() - warmStarted) / 1000;
      const used = process.cpuUsage(warmCpuStart);
      warm = {
        count: warmCount,
        perSecond: warmCount / seconds,
        cpuShare: (used.user + used.system) / 1e6 / seconds,
        machine: warmMachine(),
      };
    }
    failedAttempts += worker.failedAttempts();
    lastFailure = worker.lastFailure() || lastFailure;
    for (const [result, n] of Object.entries(worker.results()))
      robotResults[result] = (robotResults[result] ?? 0) + n;
    await worker.stop();
  }
  const progress = await withAdminClient(db.adminUrl, (admin) => countProgress(admin, codes));
  await submitDb.destroy();
  submitDbClosed = true;

  // Figures and verification, from the database.
  const perApp = codes
    .map(
      (c) => `SELECT a.application_id, a.processing, a.submitted_at, d.decided_at, d.outcome,
         (SELECT count(*) FROM kommun_${c}.decisions x WHERE x.application_id = a.application_id)::int AS decisions,
         (SELECT count(*) FROM kommun_${c}.payments p WHERE p.application_id = a.application_id)::int AS payments
       FROM kommun_${c}.applications a LEFT JOIN kommun_${c}.decisions d ON d.application_id = a.application_id
       WHERE a.status <> 'draft' AND a.case_number LIKE 'EB-%'`,
    )
    .join(' UNION ALL ');
  const rows = await withAdminClient(
    db.adminUrl,
    async (admin) =>
      (
        await admin.query<{
          processing: string;
          submitted_at: Date;
          decided_at: Date | null;
          outcome: string | null;
          decisions: number;
          payments: number;
        }>(perApp)
      ).rows,
  );
  const totals = await withAdminClient(db.adminUrl, async (admin) => {
    const sumOf = async (table: string) =>
      (
        await admin.query<{ n: number }>(
          `SELECT sum(n)::int AS n FROM (${codes.map((c) => `SELECT count(*)::int AS n FROM kommun_${c}.${table}`).join(' UNION ALL ')}) x`,
        )
      ).rows[0]?.n ?? 0;
    return { decisions: await sumOf('decisions'), payments: await sumOf('payments') };
  });
  const decided = rows.filter((r) => r.decided_at !== null);
  // The burst: everything submitted before the drain finished (the one-at-a-time probes come after).
  const loaded = decided.filter((r) => r.submitted_at.getTime() < drainedAt);
  const latencies = loaded.map((r) => (r.decided_at as Date).getTime() - r.submitted_at.getTime());
  const lastDecision = Math.max(...loaded.map((r) => (r.decided_at as Date).getTime()));
  const wallS = (lastDecision - t0) / 1000;
  const appsPerSecond = loaded.length / wallS;
  const exactlyOne = rows.filter((r) => r.decisions === 1 && r.payments === 1).length;
  const outcomes = decided.reduce<Record<string, number>>((acc, r) => {
    acc[r.outcome ?? '?'] = (acc[r.outcome ?? '?'] ?? 0) + 1;
    return acc;
  }, {});
  const total = applications + PROBES + BACKLOG + WARM_BACKLOG;
  const backlogRate = (() => {
    if (!backlog) return null;
    const from = backlog.from;
    const mine = decided.filter(
      (r) => r.submitted_at.getTime() >= from && r.submitted_at.getTime() < warmFrom,
    );
    const last = Math.max(...mine.map((r) => (r.decided_at as Date).getTime()));
    return {
      decided: mine.length,
      drainS: (last - backlog.startedAt) / 1000,
      perSecond: mine.length / ((last - backlog.startedAt) / 1000),
    };
  })();
  const ok =
    rows.length === total && exactlyOne === total && totals.decisions === total && totals.payments === total;

  printTable([
    ['measure', 'value', 'ratio'],
    ['applications submitted (burst)', String(applications - refused.length), ''],
    ['  submission phase (s)', fmt(submittedS, 1), ''],
    ['  submissions/s', fmt((applications - refused.length) / submittedS, 1), ''],
    ['decided (first submit → last decision, s)', fmt(wallS, 1), ''],
    ['applications/s to decision + payment', fmt(appsPerSecond, 1), '1.000'],
    [
      'pgbench TPC-B tps (same run)',
      pgbenchTps === null ? 'skipped' : fmt(pgbenchTps, 0),
      pgbenchTps === null ? '' : `apps/s ÷ tps = ${fmt(ratio(appsPerSecond, pgbenchTps), 3)}`,
    ],
    [
      'no-op BullMQ jobs/s (same Redis, concurrency)',
      fmt(noopJobsPerSecond, 0),
      `apps/s ÷ jobs/s = ${fmt(ratio(appsPerSecond, noopJobsPerSecond), 3)}`,
    ],
    ['submit → decision latency under the burst, median (ms)', fmt(median(latencies), 0), ''],
    ['submit → decision latency under the burst, p99 (ms)', fmt(quantile(latencies, 0.99), 0), ''],
    [
      `submit → decision latency one at a time (n=${probeMs.length}), median (ms)`,
      fmt(median(probeMs), 0),
      '',
    ],
    [
      `submit → decision latency one at a time (n=${probeMs.length}), p99 (ms)`,
      fmt(quantile(probeMs, 0.99), 0),
      '',
    ],
    ...(backlog && backlogRate
      ? [
          [
            `backlog: ${backlogRate.decided} waiting applications drained by a fresh worker (s)`,
            fmt(backlogRate.drainS, 1),
            '',
          ],
          [
            'backlog applications/s to decision + payment (robot alone)',
            fmt(backlogRate.perSecond, 1),
            pgbenchTps === null ? '' : `÷ tps = ${fmt(ratio(backlogRate.perSecond, pgbenchTps), 3)}`,
          ],
        ]
      : []),
    ...(warm
      ? [
          [
            `warm backlog: ${warm.count} more for the same worker, robot alone (apps/s)`,
            fmt(warm.perSecond, 1),
            pgbenchTps === null ? '' : `÷ tps = ${fmt(ratio(warm.perSecond, pgbenchTps), 3)}`,
          ],
        ]
      : []),
  ]);
  console.log(
    `  this Node process (submitters + relay + robot worker) used ${fmt(cpuShare, 2)} CPU-seconds per second during the burst (1.00 = one core)`,
  );
  console.log(
    `  PostgreSQL commits in the scratch database during the burst: ${fmt(commitsPerApp, 1)} per application ` +
      '(pgbench TPC-B commits once per transaction; includes the relay batches and a few bookkeeping queries)',
  );
  if (backlog)
    console.log(
      `  while draining the backlog: ${fmt(backlog.commitsPerApp, 1)} PostgreSQL commits per application (robot and relay only); ` +
        `this Node process (relay + robot worker) used ${fmt(backlog.cpuShare, 2)} CPU-seconds per second` +
        (backlog.machine
          ? `; the whole machine ${fmt(backlog.machine.busyCores, 2)} of ${backlog.machine.cores} cores (PostgreSQL, Redis, the register simulator and the rest: ${fmt(backlog.machine.busyCores - backlog.cpuShare, 2)}` +
            (backlog.simulatorShare === null
              ? ')'
              : `, of which the register simulator ${fmt(backlog.simulatorShare, 2)})`)
          : '') +
        (backlog.bufferHitShare === null
          ? ''
          : `; PostgreSQL found ${fmt(backlog.bufferHitShare * 100, 2)} % of the blocks it needed in shared_buffers`),
    );
  if (warm)
    console.log(
      `  warm backlog (submitted while the robot was paused, relayed before the clock started): this Node process used ${fmt(warm.cpuShare, 2)} CPU-seconds per second` +
        (warm.machine
          ? `; the whole machine ${fmt(warm.machine.busyCores, 2)} of ${warm.machine.cores} cores`
          : ''),
    );
  if (failedAttempts > 0)
    console.log(`  ! ${failedAttempts} robot job attempts failed (retried by BullMQ), last: ${lastFailure}`);
  console.log(
    `  verification (burst + one-at-a-time + backlogs): ${exactlyOne}/${rows.length} applications with exactly one decision and one payment; ` +
      `decisions ${totals.decisions}, payments ${totals.payments}; outcomes ${JSON.stringify(outcomes)}; robot jobs ${JSON.stringify(robotResults)}; processing ${JSON.stringify(progress)} → ${ok ? 'OK' : 'MISMATCH'}`,
  );
  const extrapolate = (what: string, perSecond: number) => {
    const monthS = NATIONAL_MONTH / perSecond;
    console.log(
      `  extrapolation (${what}): ${NATIONAL_MONTH.toLocaleString('en-US')} applications (a month, national) at ${fmt(perSecond, 1)}/s ≈ ${fmt(monthS / 60, 1)} min ` +
        `— aim < ${AIM_S / 60} min: ${monthS <= AIM_S ? 'met' : `NOT met (${fmt(monthS / AIM_S, 1)}× the aim; needs ${fmt(NATIONAL_MONTH / AIM_S, 0)} apps/s)`}`,
    );
  };
  extrapolate('burst', appsPerSecond);
  if (backlogRate) extrapolate('backlog', backlogRate.perSecond);
  if (warm) extrapolate('warm backlog', warm.perSecond);
  if (!ok)
    throw new Error(`scenario with ${tenantCount} tenants: decisions/payments do not match the applications`);
  return {
    tenants: tenantCount,
    applications,
    appsPerSecond,
    backlogPerSecond: backlogRate?.perSecond ?? null,
    pgbenchTps,
    noopJobsPerSecond,
  };
}

// ---------------------------------------------------------------- main

/** BENCH_SIMULATOR=inline: the simulator in this process (as the benchmark ran before 2026-12-01). */
async function inlineSimulator(): Promise<BenchSimulator> {
  const sim = await startRegisterSimulator({ port: 0, host: '127.0.0.1', fixtures: [] });
  return {
    url: sim.url,
    cpuSeconds: () => null,
    setPerson: async (fixture) => {
      sim.setPerson(fixture);
    },
    close: () => sim.close(),
  };
}

await runBenchmark(async (cleanup) => {
  console.log(`samverkan bench:robot — ${new Date().toISOString()} — node ${process.version}`);
  const simulator: BenchSimulator =
    process.env.BENCH_SIMULATOR === 'inline' ? await inlineSimulator() : await startSimulatorProcess();
  cleanup(() => simulator.close());
  console.log(
    `  register simulator: ${process.env.BENCH_SIMULATOR === 'inline' ? 'in this process (BENCH_SIMULATOR=inline)' : 'its own process, as pnpm dev runs it'}`,
  );
  const pgbench = await pgbenchBaseline();
  if (!pgbench.available) console.log(`  note: ${pgbench.note}`);
  else console.log(`  pgbench baseline: -i -s 1, then ${PGBENCH_ARGS.join(' ')} before each scenario`);
  const results: ScenarioResult[] = [];
  for (const tenants of SCENARIOS) {
    const defaultCount = tenants <= 2 ? 2000 : 2900;
    const count = process.env.BENCH_APPLICATIONS ? envInt('BENCH_APPLICATIONS', defaultCount) : defaultCount;
    results.push(await scenario(tenants, count, simulator, pgbench, cleanup));
  }
  if (results.length > 1) {
    header('summary (each scenario against its own baselines)');
    const base = results[0] as ScenarioResult;
    printTable([
      [
        'tenants',
        'apps',
        'apps/s',
        '÷ pgbench tps',
        '÷ no-op jobs/s',
        'normalised vs first',
        '100k apps (min)',
        'backlog apps/s',
        'backlog ÷ tps',
      ],
      ...results.map((r) => [
        String(r.tenants),
        String(r.applications),
        fmt(r.appsPerSecond, 1),
        r.pgbenchTps === null ? 'n/a' : fmt(ratio(r.appsPerSecond, r.pgbenchTps), 3),
        fmt(ratio(r.appsPerSecond, r.noopJobsPerSecond), 3),
        r.pgbenchTps === null || base.pgbenchTps === null
          ? fmt(ratio(r.appsPerSecond, base.appsPerSecond), 2)
          : fmt(ratio(r.appsPerSecond / r.pgbenchTps, base.appsPerSecond / base.pgbenchTps), 2),
        fmt(NATIONAL_MONTH / r.appsPerSecond / 60, 1),
        r.backlogPerSecond === null ? 'n/a' : fmt(r.backlogPerSecond, 1),
        r.backlogPerSecond === null || r.pgbenchTps === null
          ? 'n/a'
          : fmt(ratio(r.backlogPerSecond, r.pgbenchTps), 3),
      ]),
    ]);
    console.log(
      '  "normalised vs first": (apps/s ÷ pgbench tps) of the scenario over that of the first scenario.',
    );
  }
  console.log('\nscratch databases dropped and Redis keys removed at exit.');
});
