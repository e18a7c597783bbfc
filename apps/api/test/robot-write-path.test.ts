import { Coalescer, RobotBatches, RobotCache, type RobotDeps, robotGaveUp, runRobot } from '@samverkan/core';
import { DomainError } from '@samverkan/domain';
import type { RegisterGateway } from '@samverkan/registers';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from './helpers.ts';
import { baseForm, createSlots, MONTH, person, plan, submit } from './scenario-helpers.ts';

const t = useTestApp();
const silent = { info() {}, warn() {}, error() {} };
const deps = (over: Partial<RobotDeps> = {}): RobotDeps => ({
  db: t.db,
  registers: t.registers,
  log: silent,
  now: () => new Date(),
  ...over,
});
const rows = <T>(sql: string, params: unknown[] = []) =>
  t.admin(async (c) => (await c.query(sql, params)).rows as T[]);

async function applied(rentOre = 600_000) {
  const code = '1287';
  const who = person(t, code);
  const res = await submit(t, code, who, baseForm({ costs: [{ type: 'rent', amountOre: rentOre }] }));
  expect(res.statusCode, res.body).toBe(201);
  await plan(t, code, who);
  return res.json().applicationId as string;
}

const assess = (id: string, over: Partial<RobotDeps> = {}) =>
  runRobot(deps(over), { municipalityCode: '1287', applicationId: id }, `test:${id}`);

beforeAll(async () => {
  await createSlots(t, '1287', 20);
});

describe('RobotCache', () => {
  it('loads once per stamp, shares a load between concurrent jobs and reloads when the stamp changes', async () => {
    const cache = new RobotCache();
    let loads = 0;
    const load = async () => ++loads;
    expect(await Promise.all([cache.get('k', 's1', load), cache.get('k', 's1', load)])).toEqual([1, 1]);
    expect(await cache.get('k', 's1', load)).toBe(1);
    expect(await cache.get('k', 's2', load)).toBe(2);
    expect(await cache.get('other', 's2', load)).toBe(3);
    expect(loads).toBe(3);
  });

  it('keeps neither a failed load nor anything for a missing stamp', async () => {
    const cache = new RobotCache();
    await expect(cache.get('k', 's', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await cache.get('k', 's', async () => 'loaded')).toBe('loaded');
    let loads = 0;
    await cache.get('n', null, async () => ++loads);
    await cache.get('n', null, async () => ++loads);
    expect(loads).toBe(2);
  });
});

describe('what one robot run writes', () => {
  it('commits the register log, the assessment, the decision and the whole audit trail together', async () => {
    const id = await applied();
    expect(await assess(id, { cache: new RobotCache() })).toBe('decided');
    const audit = await rows<{ action: string; actor_id: string }>(
      `SELECT action, actor_id FROM kommun_1287.audit_log
       WHERE object_id = $1 OR detail->>'applicationId' = $1 ORDER BY audit_id`,
      [id],
    );
    expect(audit.map((a) => a.action)).toEqual([
      'application.submit',
      'robot.read_case',
      'robot.fetch_registers',
      'decision.record',
    ]);
    const fetches = await rows<{ outcome: string }>(
      'SELECT outcome FROM kommun_1287.register_fetches WHERE application_id = $1',
      [id],
    );
    expect(fetches.map((f) => f.outcome)).toEqual(['ok']);
    const events = await rows<{ kind: string }>(
      'SELECT kind FROM kommun_1287.case_events WHERE application_id = $1 ORDER BY event_id',
      [id],
    );
    expect(events.map((e) => e.kind)).toEqual(['submitted', 'decided']);
    const [app] = await rows<{ processing: string; robot_attempts: number }>(
      'SELECT processing, robot_attempts FROM kommun_1287.applications WHERE application_id = $1',
      [id],
    );
    expect(app).toEqual({ processing: 'decided', robot_attempts: 1 });
    // A redelivered job reads the case, finds it decided and writes nothing.
    expect(await assess(id)).toBe('already_handled');
    expect(
      await rows('SELECT 1 FROM kommun_1287.register_fetches WHERE application_id = $1', [id]),
    ).toHaveLength(1);
  });

  it('logs a failed register fetch before the retry, and a job that keeps failing ends with a caseworker', async () => {
    const id = await applied();
    const down: RegisterGateway = {
      lookupPerson: (pnr) => t.registers.lookupPerson(pnr),
      fetch: async () => {
        throw new DomainError('register_unavailable', 'SSBTEK gick inte att nå. Försök igen senare.');
      },
    };
    await expect(assess(id, { registers: down })).rejects.toThrow('SSBTEK');
    await expect(assess(id, { registers: down })).rejects.toThrow('SSBTEK');
    const fetches = await rows<{ outcome: string; error: string }>(
      'SELECT outcome, error FROM kommun_1287.register_fetches WHERE application_id = $1',
      [id],
    );
    expect(fetches).toHaveLength(2);
    expect(fetches.every((f) => f.outcome === 'failed' && f.error.includes('SSBTEK'))).toBe(true);
    const [app] = await rows<{ processing: string; robot_attempts: number }>(
      'SELECT processing, robot_attempts FROM kommun_1287.applications WHERE application_id = $1',
      [id],
    );
    expect(app).toEqual({ processing: 'assessing', robot_attempts: 2 });
    const reads = await rows(
      `SELECT 1 FROM kommun_1287.audit_log WHERE object_id = $1 AND action = 'robot.read_case'`,
      [id],
    );
    expect(reads).toHaveLength(2);

    // Retries exhausted: the final-failure hook hands the case to a caseworker.
    await robotGaveUp(
      deps(),
      { municipalityCode: '1287', applicationId: id },
      `test:${id}`,
      new Error('SSBTEK'),
    );
    const [manual] = await rows<{ processing: string; manual_reasons: { code: string }[] }>(
      'SELECT processing, manual_reasons FROM kommun_1287.applications WHERE application_id = $1',
      [id],
    );
    expect(manual?.processing).toBe('manual');
    expect(manual?.manual_reasons.map((r) => r.code)).toEqual(['technical_error']);
    const events = await rows<{ kind: string }>(
      'SELECT kind FROM kommun_1287.case_events WHERE application_id = $1 ORDER BY event_id',
      [id],
    );
    expect(events.map((e) => e.kind)).toEqual(['submitted', 'manual']);
    // A late redelivery leaves it with the caseworker.
    expect(await assess(id)).toBe('already_handled');
    expect(await rows('SELECT 1 FROM kommun_1287.decisions WHERE application_id = $1', [id])).toHaveLength(0);
  });
});

/** Counts what the cache loads, by key kind (tenant, norms, delegation). */
class CountingCache extends RobotCache {
  loads: string[] = [];
  override get<T>(key: string, stamp: string | null, load: () => Promise<T>): Promise<T> {
    return super.get(key, stamp, () => {
      this.loads.push(key.split(':')[0] as string);
      return load();
    });
  }
}

describe('the robot with a cache shared between jobs (as in a worker)', () => {
  it('uses a new guideline version and an ended delegation rule in the very next job', async () => {
    const cache = new CountingCache();
    const first = await applied();
    expect(await assess(first, { cache })).toBe('decided');
    expect(cache.loads.sort()).toEqual(['delegation', 'norms', 'tenant']);
    // Nothing changed: the next job loads nothing.
    expect(await assess(await applied(), { cache })).toBe('decided');
    expect(cache.loads).toHaveLength(3);
    // 5 220 kr riksnorm (single adult 2026) + rent 6 000 kr (ceiling 6 900 kr) = 11 220 kr.
    const [d1] = await rows<{ amount_ore: number }>(
      'SELECT amount_ore FROM kommun_1287.decisions WHERE application_id = $1',
      [first],
    );
    expect(Number(d1?.amount_ore)).toBe(1_122_000);

    // Trelleborg adopts new guidelines from the month applied for: the rent ceiling for one adult
    // drops to 5 500 kr. Written straight to the database, as another process would.
    const version = await t.admin(async (c) => {
      const current = await c.query(
        `SELECT body FROM kommun_1287.guideline_versions ORDER BY effective_from DESC LIMIT 1`,
      );
      const body = current.rows[0].body;
      body.effectiveFrom = `${MONTH}-01`;
      body.rentCeilings.rows = body.rentCeilings.rows.map((r: { adults: number; maxRentOre: number }) =>
        r.adults === 1 && 'children' in r && (r as { children: number }).children === 0
          ? { ...r, maxRentOre: 550_000 }
          : r,
      );
      const inserted = await c.query(
        `INSERT INTO kommun_1287.guideline_versions (effective_from, body, created_by)
         VALUES ($1, $2, 'test') RETURNING version_id`,
        [`${MONTH}-01`, JSON.stringify(body)],
      );
      return inserted.rows[0].version_id as string;
    });
    const second = await applied();
    // Rent above the new ceiling: a caseworker looks at it.
    expect(await assess(second, { cache })).toBe('manual');
    expect(cache.loads.slice(3)).toEqual(['norms']);
    const [a2] = await rows<{
      guidelines_version_id: string;
      calculation: { lines: { code: string; amountOre: number }[] };
    }>(
      'SELECT guidelines_version_id, calculation FROM kommun_1287.robot_assessments WHERE application_id = $1',
      [second],
    );
    expect(a2?.guidelines_version_id).toBe(version);
    // The rent is accepted up to the new ceiling: 5 500 kr, not 6 000 kr.
    expect(a2?.calculation.lines.find((l) => l.code === 'cost.rent')?.amountOre).toBe(550_000);

    // Trelleborg ends the robot's approval rule (4.1.1) as of yesterday: the next approval is not
    // the robot's to decide.
    await t.admin((c) =>
      c.query(
        `UPDATE kommun_1287.delegation_rules SET valid_to = (now() AT TIME ZONE 'Europe/Stockholm')::date - 1,
           ended_by = 'test', ended_at = now()
         WHERE reference = '4.1.1'`,
      ),
    );
    // Rent 5 000 kr is within the new ceiling: 5 220 + 5 000 = 10 220 kr, an approval.
    const third = await applied(500_000);
    const outcome = await assess(third, { cache });
    expect(outcome).toBe('manual');
    expect(cache.loads.slice(4)).toEqual(['delegation']);
    const [m3] = await rows<{ manual_reasons: { code: string }[] }>(
      'SELECT manual_reasons FROM kommun_1287.applications WHERE application_id = $1',
      [third],
    );
    expect(m3?.manual_reasons.map((r) => r.code)).toEqual(['approved', 'no_delegation']);
    expect(await rows('SELECT 1 FROM kommun_1287.decisions WHERE application_id = $1', [third])).toHaveLength(
      0,
    );
    // Same answer as a robot without any cache.
    const fourth = await applied(500_000);
    expect(await assess(fourth)).toBe(outcome);

    // Back to the seeded rules: the next job decides again, with the seeded guidelines.
    await t.admin(async (c) => {
      await c.query(`DELETE FROM kommun_1287.guideline_versions WHERE version_id = $1`, [version]);
      await c.query(
        `UPDATE kommun_1287.delegation_rules SET valid_to = NULL, ended_by = NULL, ended_at = NULL WHERE reference = '4.1.1'`,
      );
    });
    const fifth = await applied();
    expect(await assess(fifth, { cache })).toBe('decided');
    const [d5] = await rows<{ amount_ore: number }>(
      'SELECT amount_ore FROM kommun_1287.decisions WHERE application_id = $1',
      [fifth],
    );
    expect(Number(d5?.amount_ore)).toBe(1_122_000);
  });
});

describe('Coalescer (group commit per key)', () => {
  it('starts an item at once when its key is idle, and takes what arrived meanwhile as one batch', async () => {
    const seen: string[][] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const coalescer = new Coalescer<string, string>(
      async (key, items) => {
        seen.push([key, ...items]);
        if (items[0] === 'a1') await gate;
        return items.map((item) => ({ ok: true, value: item.toUpperCase() }));
      },
      { maxBatch: 3 },
    );
    const answers = Promise.all(['a1', 'a2', 'a3', 'a4', 'a5'].map((i) => coalescer.submit('a', i)));
    const other = coalescer.submit('b', 'b1');
    // 'a1' runs alone; 'b' is another key and does not wait for it.
    expect(await other).toBe('B1');
    expect(seen).toEqual([
      ['a', 'a1'],
      ['b', 'b1'],
    ]);
    release();
    expect(await answers).toEqual(['A1', 'A2', 'A3', 'A4', 'A5']);
    // What waited went in batches of at most maxBatch, in order.
    expect(seen.slice(2)).toEqual([
      ['a', 'a2', 'a3', 'a4'],
      ['a', 'a5'],
    ]);
    expect(coalescer.stats).toEqual({ batches: 4, items: 6, largest: 3 });
  });

  it('fails only the items the run failed, and a run that throws fails only its own batch', async () => {
    const coalescer = new Coalescer<number, number>(async (_key, items) => {
      if (items.includes(13)) throw new Error('unlucky batch');
      return items.map((n) =>
        n % 2 ? { ok: true, value: n } : { ok: false, error: new Error(`even ${n}`) },
      );
    });
    const results = await Promise.allSettled([1, 2, 3].map((n) => coalescer.submit('k', n)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    await expect(coalescer.submit('k', 13)).rejects.toThrow('unlucky batch');
    expect(await coalescer.submit('k', 5)).toBe(5);
  });
});

describe('batched robot runs (as in a worker)', () => {
  it('writes a batch of cases with different routes in one statement, and a duplicate job in it decides nothing twice', async () => {
    const approve = [await applied(), await applied(), await applied()];
    const manual = await applied(900_000); // rent above Trelleborg's ceiling: a caseworker looks at it
    const duplicated = await applied();
    // The same job three times (a re-relayed outbox row): at most one copy can run alone, so at
    // least two meet in one batch, whose statement then fails on the decision's unique key — and
    // every case of that batch is written again on its own.
    const jobs = [...approve, manual, duplicated, duplicated, duplicated];
    // Every job waits after its register fetch until all have fetched: the writes then arrive
    // together, as under load.
    const waiting: (() => void)[] = [];
    const together: RegisterGateway = {
      lookupPerson: (pnr) => t.registers.lookupPerson(pnr),
      fetch: async (query) => {
        const answer = await t.registers.fetch(query);
        await new Promise<void>((resolve) => {
          waiting.push(resolve);
          if (waiting.length === jobs.length) for (const go of waiting) go();
        });
        return answer;
      },
    };
    const batches = new RobotBatches(t.db);
    const outcomes = await Promise.all(
      jobs.map((id, i) =>
        runRobot(
          deps({ registers: together, batches, cache: new RobotCache() }),
          { municipalityCode: '1287', applicationId: id },
          `job-${i}`,
        ),
      ),
    );
    expect(outcomes.slice(0, 5)).toEqual(['decided', 'decided', 'decided', 'manual', expect.any(String)]);
    expect(outcomes.slice(4).sort()).toEqual(['already_handled', 'already_handled', 'decided']);
    expect(batches.reads.stats.largest).toBeGreaterThan(1);
    expect(batches.writes.stats.largest).toBeGreaterThan(1);
    expect(batches.writes.stats.batches).toBeLessThan(jobs.length);

    const cases = [...approve, manual, duplicated];
    const decisions = await rows<{ application_id: string; n: string; payments: string }>(
      `SELECT d.application_id, count(*) AS n,
         (SELECT count(*) FROM kommun_1287.payments p WHERE p.application_id = d.application_id) AS payments
       FROM kommun_1287.decisions d WHERE d.application_id = ANY($1::uuid[]) GROUP BY d.application_id`,
      [cases],
    );
    expect(decisions.map((d) => d.application_id).sort()).toEqual([...approve, duplicated].sort());
    expect(decisions.every((d) => Number(d.n) === 1 && Number(d.payments) === 1)).toBe(true);

    const state = await rows<{ application_id: string; processing: string; robot_attempts: number }>(
      `SELECT application_id, processing, robot_attempts FROM kommun_1287.applications
       WHERE application_id = ANY($1::uuid[])`,
      [cases],
    );
    const byId = new Map(state.map((s) => [s.application_id, s]));
    expect(byId.get(manual)).toMatchObject({ processing: 'manual', robot_attempts: 1 });
    expect(byId.get(duplicated)).toMatchObject({ processing: 'decided', robot_attempts: 1 });

    // Each case's own trail, whichever batch it was written in: the manual case got its event and
    // notification, no decision's; every copy of the duplicated job logged what it read and fetched.
    const events = await rows<{ application_id: string; kind: string }>(
      `SELECT application_id, kind FROM kommun_1287.case_events
       WHERE application_id = ANY($1::uuid[]) AND kind <> 'submitted' ORDER BY event_id`,
      [cases],
    );
    expect(events.filter((e) => e.application_id === manual).map((e) => e.kind)).toEqual(['manual']);
    expect(events.filter((e) => e.application_id === duplicated).map((e) => e.kind)).toEqual(['decided']);
    const notifications = await rows<{ kind: string }>(
      `SELECT kind FROM kommun_1287.notifications WHERE application_id = $1 AND kind <> 'submitted'`,
      [manual],
    );
    expect(notifications.map((n) => n.kind)).toEqual(['in_progress']);
    const trail = await rows<{ action: string }>(
      `SELECT action FROM kommun_1287.audit_log
       WHERE object_id = $1 OR detail->>'applicationId' = $1 ORDER BY audit_id`,
      [duplicated],
    );
    expect(trail.map((a) => a.action).filter((a) => a === 'robot.read_case')).toHaveLength(3);
    expect(trail.map((a) => a.action).filter((a) => a === 'decision.record')).toHaveLength(1);
    expect(
      await rows('SELECT 1 FROM kommun_1287.register_fetches WHERE application_id = $1', [duplicated]),
    ).toHaveLength(3);
    // Each case's audit entries stay in order: read, fetched, then concluded.
    const manualTrail = await rows<{ action: string }>(
      `SELECT action FROM kommun_1287.audit_log WHERE object_id = $1 ORDER BY audit_id`,
      [manual],
    );
    expect(manualTrail.map((a) => a.action)).toEqual([
      'application.submit',
      'robot.read_case',
      'robot.fetch_registers',
      'robot.route_manual',
    ]);
  });
});
