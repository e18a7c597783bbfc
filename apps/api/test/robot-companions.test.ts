import {
  COMPANION_PAUSE_MS,
  COMPANION_REST_MS,
  compileRobotRead,
  InFlight,
  RobotBatches,
  RobotCache,
  type RobotDeps,
  type RobotResult,
  runRobot,
} from '@samverkan/core';
import type { RegisterGateway } from '@samverkan/registers';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from './helpers.ts';
import { baseForm, createSlots, MONTH, person, plan, submit } from './scenario-helpers.ts';

const t = useTestApp();
const silent = { info() {}, warn() {}, error() {} };
const companions = { perRead: 15, inFlight: 64 };
const rows = <T>(sql: string, params: unknown[] = []) =>
  t.admin(async (c) => (await c.query(sql, params)).rows as T[]);

/** Register calls per personnummer, through the test's simulator; `fail` makes a fetch throw. */
function countingRegisters(options: { hold?: Promise<void>; fail?: (personnummer: string) => boolean } = {}) {
  const fetches = new Map<string, number>();
  const gateway: RegisterGateway = {
    lookupPerson: (pnr) => t.registers.lookupPerson(pnr),
    fetch: async (query) => {
      fetches.set(query.personnummer, (fetches.get(query.personnummer) ?? 0) + 1);
      await options.hold;
      if (options.fail?.(query.personnummer)) throw new Error('SSBTEK svarar inte');
      return t.registers.fetch(query);
    },
  };
  return { gateway, fetches, total: () => [...fetches.values()].reduce((s, n) => s + n, 0) };
}

/** A submitted application waiting for the robot (no job run), with a plan covering it. */
async function waiting(code = '1287', who = person(t, code), month = MONTH, rentOre = 600_000) {
  const res = await submit(t, code, who, baseForm({ month, costs: [{ type: 'rent', amountOre: rentOre }] }));
  expect(res.statusCode, res.body).toBe(201);
  await plan(t, code, who);
  return { id: res.json().applicationId as string, personnummer: who.personnummer };
}

const deps = (over: Partial<RobotDeps>): RobotDeps => ({
  db: t.db,
  registers: t.registers,
  log: silent,
  now: () => new Date(),
  cache: new RobotCache(),
  ...over,
});
const run = (d: RobotDeps, code: string, id: string, job = `job:${id}`) =>
  runRobot(d, { municipalityCode: code, applicationId: id }, job);

const processing = async (code: string, id: string) =>
  (
    await rows<{ processing: string; robot_attempts: number }>(
      `SELECT processing, robot_attempts FROM kommun_${code}.applications WHERE application_id = $1`,
      [id],
    )
  )[0];
const count = async (table: string, id: string, code = '1287') =>
  Number(
    (
      await rows<{ n: string }>(
        `SELECT count(*) AS n FROM kommun_${code}.${table} WHERE application_id = $1`,
        [id],
      )
    )[0]?.n,
  );

/** Leaves no case of earlier tests waiting: each test counts the companions it expects. */
async function drain() {
  const batches = new RobotBatches(t.db);
  for (const code of ['1287', '1263']) {
    const left = await rows<{ application_id: string }>(
      `SELECT application_id FROM kommun_${code}.applications WHERE processing IN ('queued', 'assessing')`,
    );
    for (const { application_id } of left) await run(deps({ batches }), code, application_id);
  }
}

beforeAll(async () => {
  await createSlots(t, '1287', 40);
  await createSlots(t, '1263', 5);
});

describe('InFlight', () => {
  it('holds a case once, lists a tenant’s cases, keeps the companion budget and hands the result to whoever waits', async () => {
    const flights = new InFlight<string>();
    expect(flights.reserve(3, 2)).toBe(2);
    expect(flights.reserve(3, 2)).toBe(0);
    const end = flights.begin('kommun_1287', 'a', true);
    expect(end).toBeDefined();
    flights.release(1); // one reserved place not used
    expect(flights.companions).toBe(1);
    expect(flights.begin('kommun_1287', 'a', false)).toBeUndefined();
    const endB = flights.begin('kommun_1263', 'b', false);
    expect(flights.skip('kommun_1287')).toEqual(['a']);
    const waiting = flights.wait('a');
    end?.('decided');
    end?.('ignored: a flight ends once');
    expect(await waiting).toBe('decided');
    expect(flights.wait('a')).toBeUndefined();
    expect(flights.companions).toBe(0);
    endB?.(undefined);
    expect(flights.skip('kommun_1263')).toEqual([]);
  });

  it('rests a failed companion and pauses its tenant’s companions, for a while', () => {
    let now = 1_000_000;
    const flights = new InFlight<string>({ now: () => now });
    flights.failed('kommun_1287', 'a');
    expect(flights.paused('kommun_1287')).toBe(true);
    expect(flights.paused('kommun_1263')).toBe(false);
    expect(flights.skip('kommun_1287')).toEqual(['a']);
    expect(flights.skip('kommun_1263')).toEqual([]);
    now += COMPANION_PAUSE_MS;
    expect(flights.paused('kommun_1287')).toBe(false);
    expect(flights.skip('kommun_1287')).toEqual(['a']);
    now += COMPANION_REST_MS;
    expect(flights.skip('kommun_1287')).toEqual([]);
  });
});

describe('robot companions (a job takes its tenant’s waiting cases along)', () => {
  it('assesses the waiting cases of its own tenant beside its case, in shared writes; their jobs find them handled', async () => {
    await drain();
    const lead = await waiting();
    const others = [await waiting(), await waiting(), await waiting()];
    const svedala = await waiting('1263');
    // Held until all four Trelleborg cases have fetched, so their writes meet in the same turn.
    let release!: () => void;
    const hold = new Promise<void>((r) => {
      release = r;
    });
    const registers = countingRegisters({ hold });
    const batches = new RobotBatches(t.db, { companions });
    const leading = run(deps({ registers: registers.gateway, batches }), '1287', lead.id);
    await expect.poll(() => registers.total()).toBe(4);
    release();
    expect(await leading).toBe('decided');

    for (const c of [lead, ...others]) {
      expect(await processing('1287', c.id)).toEqual({ processing: 'decided', robot_attempts: 1 });
      expect(await count('decisions', c.id)).toBe(1);
      expect(await count('payments', c.id)).toBe(1);
      expect(await count('register_fetches', c.id)).toBe(1);
    }
    // Another tenant's case is never a companion.
    expect((await processing('1263', svedala.id))?.processing).toBe('queued');
    expect(registers.fetches.has(svedala.personnummer)).toBe(false);
    // The lead wrote alone (its tenant was idle), the three companions together.
    expect(batches.writes.stats.largest).toBe(3);
    expect(batches.inFlight.companions).toBe(0);

    // The audit trail names the job that took a companion along.
    const reads = await rows<{ object_id: string; request_id: string; detail: unknown }>(
      `SELECT object_id, request_id, detail FROM kommun_1287.audit_log WHERE action = 'robot.read_case'
       AND object_id = ANY($1::text[]) ORDER BY object_id`,
      [[lead.id, ...others.map((o) => o.id)]],
    );
    expect(reads).toHaveLength(4);
    for (const r of reads) {
      expect(r.request_id).toBe(`job:${lead.id}`);
      expect(r.detail).toEqual(r.object_id === lead.id ? {} : { companionOf: lead.id });
    }

    // Their own jobs come later and find them handled, without calling the registers.
    for (const o of others)
      expect(await run(deps({ registers: registers.gateway, batches }), '1287', o.id)).toBe(
        'already_handled',
      );
    expect(registers.total()).toBe(4);
  });

  it('leaves a companion whose registers fail to its own job, with the failed fetch logged, and takes no companions for a while', async () => {
    await drain();
    const lead = await waiting();
    const broken = await waiting();
    const registers = countingRegisters({ fail: (pnr) => pnr === broken.personnummer });
    const batches = new RobotBatches(t.db, { companions });
    expect(await run(deps({ registers: registers.gateway, batches }), '1287', lead.id)).toBe('decided');
    expect(registers.fetches.get(broken.personnummer)).toBe(1);
    // No attempt counted and still queued — its own job makes the attempt — but what was
    // fetched (here: the failure) is on the case's record, with the read.
    expect(await processing('1287', broken.id)).toEqual({ processing: 'queued', robot_attempts: 0 });
    expect(
      await rows('SELECT outcome FROM kommun_1287.register_fetches WHERE application_id = $1', [broken.id]),
    ).toEqual([{ outcome: 'failed' }]);
    expect(
      await rows(
        `SELECT action, detail FROM kommun_1287.audit_log WHERE object_id = $1 AND action LIKE 'robot.%'`,
        [broken.id],
      ),
    ).toEqual([{ action: 'robot.read_case', detail: { companionOf: lead.id } }]);
    expect(await count('robot_assessments', broken.id)).toBe(0);
    expect(batches.inFlight.companions).toBe(0);

    // The next job of the tenant takes neither the failed case (resting) nor, for a moment,
    // any other companion (the registers may be down): no repeated failing calls.
    const next = await waiting();
    const another = await waiting();
    expect(await run(deps({ registers: registers.gateway, batches }), '1287', next.id)).toBe('decided');
    expect(registers.fetches.get(broken.personnummer)).toBe(1);
    expect((await processing('1287', another.id))?.processing).toBe('queued');

    expect(await run(deps({ batches }), '1287', broken.id)).toBe('decided');
    expect(await count('payments', broken.id)).toBe(1);
    expect(await processing('1287', broken.id)).toEqual({ processing: 'decided', robot_attempts: 1 });
  });

  it('makes a job whose case is a companion in flight wait for it — and do the work itself if the companion failed', async () => {
    await drain();
    const lead = await waiting();
    const taken = await waiting();
    const failing = await waiting();
    let release!: () => void;
    const hold = new Promise<void>((r) => {
      release = r;
    });
    let failingCalls = 0;
    const registers = countingRegisters({
      hold,
      fail: (pnr) => pnr === failing.personnummer && ++failingCalls === 1,
    });
    const batches = new RobotBatches(t.db, { companions });
    const d = deps({ registers: registers.gateway, batches });
    const leading = run(d, '1287', lead.id);
    await expect.poll(() => registers.total()).toBe(3);
    expect(batches.inFlight.companions).toBe(2);
    // Their own jobs arrive while the companions are held at the registers: they wait.
    const own = [run(d, '1287', taken.id), run(d, '1287', failing.id)];
    await new Promise((r) => setTimeout(r, 100));
    expect(registers.total()).toBe(3);
    release();
    expect(await leading).toBe('decided');
    expect(await Promise.all(own)).toEqual(['already_handled', 'decided']);
    expect(registers.fetches.get(taken.personnummer)).toBe(1);
    expect(registers.fetches.get(failing.personnummer)).toBe(2);
    for (const c of [lead, taken, failing]) {
      expect(await count('decisions', c.id)).toBe(1);
      expect(await count('payments', c.id)).toBe(1);
    }
    // Both fetches are on its record: the companion's failed one and its own job's.
    expect(
      await rows(
        'SELECT outcome FROM kommun_1287.register_fetches WHERE application_id = $1 ORDER BY fetched_at',
        [failing.id],
      ),
    ).toEqual([{ outcome: 'failed' }, { outcome: 'ok' }]);
  });

  it('takes at most perRead companions', async () => {
    await drain();
    const lead = await waiting();
    const others = [await waiting(), await waiting(), await waiting(), await waiting()];
    const batches = new RobotBatches(t.db, { companions: { perRead: 3, inFlight: 64 } });
    expect(await run(deps({ batches }), '1287', lead.id)).toBe('decided');
    const states = await Promise.all(others.map(async (c) => (await processing('1287', c.id))?.processing));
    expect(states.filter((s) => s === 'decided')).toHaveLength(3);
    expect(states.filter((s) => s === 'queued')).toHaveLength(1);
  });

  it('takes no later month of a household while its earlier month still waits', async () => {
    await drain();
    const lead = await waiting();
    const household = person(t, '1287');
    // Rent 3 000 kr in November, 5 000 kr in December: a jump Trelleborg's robot may not pass.
    const november = await waiting('1287', household, '2026-11', 300_000);
    const december = await waiting('1287', household, MONTH, 500_000);
    const batches = new RobotBatches(t.db, { companions });
    expect(await run(deps({ batches }), '1287', lead.id)).toBe('decided');
    expect((await processing('1287', november.id))?.processing).toBe('decided');
    expect((await processing('1287', december.id))?.processing).toBe('queued');
    // December's own job, after November's decision, compares with it and sees the rent jump
    // (taken beside November, it would have found no earlier decision and approved it).
    expect(await run(deps({ batches }), '1287', december.id)).toBe('manual');
    const [assessed] = await rows<{ reasons: { code: string }[] }>(
      'SELECT reasons FROM kommun_1287.robot_assessments WHERE application_id = $1',
      [december.id],
    );
    expect(assessed?.reasons.map((r) => r.code)).toContain('rent_change');
  });

  it('keeps the companions in flight within the cap, across the pools of a process', async () => {
    await drain();
    const lead = await waiting();
    for (let i = 0; i < 5; i += 1) await waiting();
    let release!: () => void;
    const hold = new Promise<void>((r) => {
      release = r;
    });
    const registers = countingRegisters({ hold });
    // Two pools' batches of one worker process share its cases in flight and its budget.
    const inFlight = new InFlight<RobotResult>();
    const capped = { perRead: 15, inFlight: 2 };
    const first = new RobotBatches(t.db, { companions: capped, inFlight });
    const second = new RobotBatches(t.db, { companions: capped, inFlight });
    const leading = run(deps({ registers: registers.gateway, batches: first }), '1287', lead.id);
    await expect.poll(() => registers.total()).toBe(3);
    expect(inFlight.companions).toBe(2);
    // A case neither in flight nor taken: its job, through the other pool, takes none along.
    const [other] = await rows<{ application_id: string }>(
      `SELECT application_id FROM kommun_1287.applications
       WHERE processing = 'queued' AND NOT (application_id = ANY($1::uuid[])) LIMIT 1`,
      [inFlight.skip('kommun_1287')],
    );
    const second_ = run(
      deps({ registers: registers.gateway, batches: second }),
      '1287',
      `${other?.application_id}`,
    );
    await expect.poll(() => registers.total()).toBe(4);
    await new Promise((r) => setTimeout(r, 50));
    expect(registers.total()).toBe(4);
    release();
    expect(await Promise.all([leading, second_])).toEqual(['decided', 'decided']);
    expect(inFlight.companions).toBe(0);
    const left = await rows(`SELECT 1 FROM kommun_1287.applications WHERE processing = 'queued'`);
    expect(left).toHaveLength(2);
  });

  it('leases its companions: another worker process neither takes them along nor starts its own attempt at them', async () => {
    await drain();
    const lead = await waiting();
    const taken = [await waiting(), await waiting()];
    let release!: () => void;
    const hold = new Promise<void>((r) => {
      release = r;
    });
    const registers = countingRegisters({ hold });
    // Two worker processes: each its own cases in flight and its own lease owner.
    const here = new RobotBatches(t.db, { companions, inFlight: new InFlight<RobotResult>() });
    const there = new RobotBatches(t.db, { companions, inFlight: new InFlight<RobotResult>() });
    const leading = run(deps({ registers: registers.gateway, batches: here }), '1287', lead.id);
    await expect.poll(() => registers.total()).toBe(3);
    const leases = await rows<{ robot_lease_owner: string }>(
      `SELECT robot_lease_owner FROM kommun_1287.applications WHERE application_id = ANY($1::uuid[])
         AND robot_lease_until > now()`,
      [taken.map((c) => c.id)],
    );
    expect(leases).toEqual(taken.map(() => ({ robot_lease_owner: here.inFlight.owner })));

    // A case submitted now, whose job runs in the other process: it takes nothing leased along.
    const later = await waiting();
    const laterJob = run(deps({ registers: registers.gateway, batches: there }), '1287', later.id);
    await expect.poll(() => registers.total()).toBe(4);
    // The job of a leased case, in the other process, waits for the attempt under way.
    const ownJob = run(deps({ registers: registers.gateway, batches: there }), '1287', `${taken[0]?.id}`);
    await new Promise((r) => setTimeout(r, 300));
    expect(registers.total()).toBe(4);
    release();
    expect(await Promise.all([leading, laterJob, ownJob])).toEqual(['decided', 'decided', 'already_handled']);
    for (const c of [lead, ...taken, later]) {
      expect(registers.fetches.get(c.personnummer)).toBe(1);
      expect(await count('decisions', c.id)).toBe(1);
      expect(await count('payments', c.id)).toBe(1);
    }
  });

  it('gives up the lease of a companion that failed, so its own job elsewhere starts at once', async () => {
    await drain();
    const lead = await waiting();
    const broken = await waiting();
    let calls = 0;
    const registers = countingRegisters({ fail: (pnr) => pnr === broken.personnummer && ++calls === 1 });
    const here = new RobotBatches(t.db, { companions, inFlight: new InFlight<RobotResult>() });
    const there = new RobotBatches(t.db, { companions, inFlight: new InFlight<RobotResult>() });
    expect(await run(deps({ registers: registers.gateway, batches: here }), '1287', lead.id)).toBe('decided');
    expect(
      await rows(
        `SELECT processing, robot_lease_until FROM kommun_1287.applications WHERE application_id = $1`,
        [broken.id],
      ),
    ).toEqual([{ processing: 'queued', robot_lease_until: null }]);
    // Within the test's time limit, far below the 30-second lease.
    expect(await run(deps({ registers: registers.gateway, batches: there }), '1287', broken.id)).toBe(
      'decided',
    );
  });

  it('finds a household’s earlier waiting month through an index, not by scanning the tenant’s applications', async () => {
    await drain();
    const lead = await waiting();
    // The read as the robot sends it, planned with sequential scans made a last resort.
    const read = compileRobotRead(t.db, 'kommun_1287', '1287', {
      ids: [lead.id],
      skip: [lead.id],
      limit: 15,
      owner: '00000000-0000-4000-8000-000000000000',
    });
    const plan = await t.admin(async (c) => {
      await c.query('BEGIN');
      try {
        await c.query('SET LOCAL enable_seqscan = off');
        return (await c.query(`EXPLAIN (FORMAT JSON) ${read.sql}`, [...read.parameters])).rows[0]?.[
          'QUERY PLAN'
        ];
      } finally {
        await c.query('ROLLBACK');
      }
    });
    const guard: { 'Node Type': string; 'Index Cond'?: string }[] = [];
    const walk = (node: { Alias?: string; Plans?: unknown[] } & Record<string, unknown>) => {
      if (node.Alias === 'o') guard.push(node as (typeof guard)[number]);
      for (const child of node.Plans ?? []) walk(child as typeof node);
    };
    walk(plan[0].Plan);
    expect(guard.length).toBeGreaterThan(0);
    for (const node of guard) expect(node['Index Cond'] ?? '').toContain('household_key');
  });
});
