import { RobotCache, type RobotDeps, robotGaveUp, runRobot } from '@samverkan/core';
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
