import { InFlight, RobotBatches, RobotCache, type RobotDeps, runRobot } from '@samverkan/core';
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
  it('holds a case once, lists a tenant’s cases, counts companions and hands the result to whoever waits', async () => {
    const flights = new InFlight<string>();
    const end = flights.begin('kommun_1287', 'a', true);
    expect(end).toBeDefined();
    expect(flights.begin('kommun_1287', 'a', false)).toBeUndefined();
    const endB = flights.begin('kommun_1263', 'b', false);
    expect(flights.ids('kommun_1287')).toEqual(['a']);
    expect(flights.companions).toBe(1);
    const waiting = flights.wait('a');
    end?.('decided');
    end?.('ignored: a flight ends once');
    expect(await waiting).toBe('decided');
    expect(flights.wait('a')).toBeUndefined();
    expect(flights.companions).toBe(0);
    endB?.(undefined);
    expect(flights.ids('kommun_1263')).toEqual([]);
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

  it('leaves a companion whose registers fail as it was, for its own job', async () => {
    await drain();
    const lead = await waiting();
    const broken = await waiting();
    const registers = countingRegisters({ fail: (pnr) => pnr === broken.personnummer });
    const batches = new RobotBatches(t.db, { companions });
    expect(await run(deps({ registers: registers.gateway, batches }), '1287', lead.id)).toBe('decided');
    expect(registers.fetches.get(broken.personnummer)).toBe(1);
    // Untouched: no attempt counted, nothing logged to the case — its own job makes the attempt.
    expect(await processing('1287', broken.id)).toEqual({ processing: 'queued', robot_attempts: 0 });
    expect(await count('register_fetches', broken.id)).toBe(0);
    expect(await count('robot_assessments', broken.id)).toBe(0);
    expect(batches.inFlight.companions).toBe(0);
    expect(await run(deps({ batches }), '1287', broken.id)).toBe('decided');
    expect(await count('payments', broken.id)).toBe(1);
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
    // Only the failing case's own attempt is on its record.
    expect(await count('register_fetches', failing.id)).toBe(1);
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

  it('takes no companions while at the cap of companions in flight', async () => {
    await drain();
    const lead = await waiting();
    const other = await waiting();
    const batches = new RobotBatches(t.db, { companions: { perRead: 15, inFlight: 0 } });
    expect(await run(deps({ batches }), '1287', lead.id)).toBe('decided');
    expect((await processing('1287', other.id))?.processing).toBe('queued');
  });
});
