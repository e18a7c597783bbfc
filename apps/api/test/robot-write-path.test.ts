import {
  Coalescer,
  InFlight,
  RobotBatches,
  RobotCache,
  type RobotDeps,
  type RobotResult,
  robotGaveUp,
  runRobot,
} from '@samverkan/core';
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

async function appliedBy(rentOre = 600_000) {
  const code = '1287';
  const who = person(t, code);
  const res = await submit(t, code, who, baseForm({ costs: [{ type: 'rent', amountOre: rentOre }] }));
  expect(res.statusCode, res.body).toBe(201);
  await plan(t, code, who);
  return { id: res.json().applicationId as string, personnummer: who.personnummer };
}
const applied = async (rentOre = 600_000) => (await appliedBy(rentOre)).id;

/**
 * Registers whose answers are held until `jobs` fetches have been made, then released together
 * (in `order` of personnummer, if given) after `before` — so the jobs reach their writes in the
 * same turn, as under load, and their writes meet in one batch.
 */
function gathered(jobs: number, options: { order?: string[]; before?: () => Promise<unknown> } = {}) {
  const held: { personnummer: string; go: () => void }[] = [];
  const gateway: RegisterGateway = {
    lookupPerson: (pnr) => t.registers.lookupPerson(pnr),
    fetch: async (query) => {
      const answer = await t.registers.fetch(query);
      await new Promise<void>((go) => {
        held.push({ personnummer: query.personnummer, go });
        if (held.length < jobs) return;
        const rank = (p: string) => options.order?.indexOf(p) ?? 0;
        held.sort((a, b) => rank(a.personnummer) - rank(b.personnummer));
        void (options.before?.() ?? Promise.resolve()).then(() => {
          for (const h of held) h.go();
        });
      });
      return answer;
    },
  };
  return gateway;
}

const assess = (id: string, over: Partial<RobotDeps> = {}) =>
  runRobot(deps(over), { municipalityCode: '1287', applicationId: id }, `test:${id}`);

beforeAll(async () => {
  await createSlots(t, '1287', 30);
  await createSlots(t, '1263', 5);
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

describe('Coalescer answers', () => {
  it('rejects an item its run gave no answer for, and keeps serving the key', async () => {
    const coalescer = new Coalescer<number, number>(async (_key, items) =>
      items[0] === 0 ? ([null] as never) : items[0] === 1 ? ([{ value: 1 }] as never) : ([] as never),
    );
    await expect(coalescer.submit('k', 0)).rejects.toThrow(/no answer/);
    await expect(coalescer.submit('k', 1)).rejects.toThrow(/no answer/);
    await expect(coalescer.submit('k', 2)).rejects.toThrow(/no answer/);
    const fine = new Coalescer<number, number>(async (_key, items) =>
      items.map((n) => ({ ok: true, value: n })),
    );
    expect(await fine.submit('k', 7)).toBe(7);
  });
});

describe('batched robot runs (as in a worker)', () => {
  it('writes cases of different routes in shared statements, each gated by its own claim (another tenant beside them)', async () => {
    const cache = new RobotCache();
    // Warm the shared cache (as in a running worker), so that after the barrier below every job
    // reaches its write within the same turn and the writes meet in one batch.
    expect(await assess(await applied(), { cache })).toBe('decided');
    const svedalaWho = person(t, '1263');
    const svedala = await submit(t, '1263', svedalaWho, baseForm());
    expect(svedala.statusCode, svedala.body).toBe(201);
    await plan(t, '1263', svedalaWho);
    const svedalaId = svedala.json().applicationId as string;

    const approve = [await applied(), await applied()];
    const manual = await applied(900_000); // rent above Trelleborg's ceiling: a caseworker looks at it
    const movedMeanwhile = await applied(); // a caseworker takes it between the robot's read and write
    const twiceApprove = await applied();
    const twiceManual = await applied(900_000);
    const jobs: [code: string, id: string][] = [
      ['1287', approve[0] as string],
      ['1287', approve[1] as string],
      ['1287', manual],
      ['1287', movedMeanwhile],
      ['1263', svedalaId],
      // The same job more than once (a redelivery running beside the first): the copies find
      // the case in flight in this process, wait for the first and find it handled.
      ['1287', twiceApprove],
      ['1287', twiceApprove],
      ['1287', twiceApprove],
      ['1287', twiceManual],
      ['1287', twiceManual],
      ['1287', twiceManual],
    ];
    // Every case's job waits after its register fetch until all have fetched; meanwhile a
    // caseworker takes `movedMeanwhile`.
    const together = gathered(new Set(jobs.map(([, id]) => id)).size, {
      before: () =>
        t.admin((c) =>
          c.query(`UPDATE kommun_1287.applications SET processing = 'manual' WHERE application_id = $1`, [
            movedMeanwhile,
          ]),
        ),
    });
    const batches = new RobotBatches(t.db);
    const outcomes = await Promise.all(
      jobs.map(([code, id], i) =>
        runRobot(
          deps({ registers: together, batches, cache }),
          { municipalityCode: code, applicationId: id },
          `job-${i}`,
        ),
      ),
    );
    expect(outcomes.slice(0, 5)).toEqual(['decided', 'decided', 'manual', 'already_handled', 'proposed']);
    expect(outcomes.slice(5, 8).sort()).toEqual(['already_handled', 'already_handled', 'decided']);
    expect(outcomes.slice(8).sort()).toEqual(['already_handled', 'already_handled', 'manual']);
    // The writes were shared (Trelleborg's first alone, the rest together), and no batch had to
    // be written again case by case: the copies waited for the attempt in flight, the moved case
    // was simply not claimed.
    expect(batches.reads.stats.largest).toBeGreaterThan(1);
    expect(batches.writes.stats.largest).toBeGreaterThanOrEqual(5);
    expect(batches.fallbacks).toEqual({ reads: 0, writes: 0 });

    const cases = [...approve, manual, movedMeanwhile, twiceApprove, twiceManual];
    const count = async (table: string, id: string, schema = 'kommun_1287') =>
      Number(
        (
          await rows<{ n: string }>(
            `SELECT count(*) AS n FROM ${schema}.${table} WHERE application_id = $1`,
            [id],
          )
        )[0]?.n,
      );
    for (const id of cases) {
      const decided = [...approve, twiceApprove].includes(id) ? 1 : 0;
      expect(await count('decisions', id), `decisions of ${id}`).toBe(decided);
      expect(await count('payments', id), `payments of ${id}`).toBe(decided);
    }
    expect(await count('proposals', svedalaId, 'kommun_1263')).toBe(1);
    expect(await count('decisions', svedalaId, 'kommun_1263')).toBe(0);

    // The case moved meanwhile: only what the attempt read and fetched, nothing it concluded.
    expect(await count('robot_assessments', movedMeanwhile)).toBe(0);
    expect(await count('register_fetches', movedMeanwhile)).toBe(1);
    const [moved] = await rows<{ processing: string; robot_attempts: number }>(
      'SELECT processing, robot_attempts FROM kommun_1287.applications WHERE application_id = $1',
      [movedMeanwhile],
    );
    expect(moved).toEqual({ processing: 'manual', robot_attempts: 0 });

    const actions = async (id: string) =>
      (
        await rows<{ action: string }>(
          `SELECT action FROM kommun_1287.audit_log
           WHERE object_id = $1 OR detail->>'applicationId' = $1 ORDER BY audit_id`,
          [id],
        )
      ).map((a) => a.action);
    expect(await actions(movedMeanwhile)).toEqual([
      'application.submit',
      'robot.read_case',
      'robot.fetch_registers',
    ]);
    // The manual case, read, fetched, then routed — in that order, with its event and notification.
    expect(await actions(manual)).toEqual([
      'application.submit',
      'robot.read_case',
      'robot.fetch_registers',
      'robot.route_manual',
    ]);
    const kinds = async (table: 'case_events' | 'notifications', id: string) =>
      (
        await rows<{ kind: string }>(
          `SELECT kind FROM kommun_1287.${table} WHERE application_id = $1 AND kind <> 'submitted'
           ORDER BY ${table === 'case_events' ? 'event_id' : 'created_at'}`,
          [id],
        )
      ).map((r) => r.kind);
    expect(await kinds('case_events', manual)).toEqual(['manual']);
    expect(await kinds('notifications', manual)).toEqual(['in_progress']);
    // A repeated job's copies waited for the first: one attempt read, fetched and wrote the result.
    for (const [id, route, event] of [
      [twiceApprove, 'decision.record', 'decided'],
      [twiceManual, 'robot.route_manual', 'manual'],
    ] as const) {
      const trail = await actions(id);
      expect(trail.filter((a) => a === 'robot.read_case')).toHaveLength(1);
      expect(trail.filter((a) => a === route)).toHaveLength(1);
      expect(await count('register_fetches', id)).toBe(1);
      expect(await kinds('case_events', id)).toEqual([event]);
      const [state] = await rows<{ robot_attempts: number }>(
        'SELECT robot_attempts FROM kommun_1287.applications WHERE application_id = $1',
        [id],
      );
      expect(state?.robot_attempts).toBe(1);
    }
  });

  it('writes the cases of a failed batch again one by one, and says so once', async () => {
    const cache = new RobotCache();
    expect(await assess(await applied(), { cache })).toBe('decided');
    // Released in this order: the first write runs alone, the other two meet in one batch.
    const people = [await appliedBy(), await appliedBy(), await appliedBy()];
    const ids = people.map((p) => p.id);
    const doomed = ids[1] as string;
    const together = gathered(ids.length, { order: people.map((p) => p.personnummer) });
    // A decision for `doomed` that the robot's claim does not know of (as if written by another
    // path without moving the case): its own write must fail on the unique decision, the others'
    // must not.
    await t.admin((c) =>
      c.query(
        `INSERT INTO kommun_1287.decisions (application_id, outcome, amount_ore, month, reasons, legal_basis,
           decided_by_kind, decided_by, decided_by_name, delegation_rule_id, delegation_reference,
           committee_name, letter)
         SELECT application_id, 'rejected', 0, month, '[]', 'test', 'person', 'test', 'Test', r.rule_id,
           r.reference, 'Arbetsmarknadsnämnden', '{}'
         FROM kommun_1287.applications, LATERAL (SELECT rule_id, reference FROM kommun_1287.delegation_rules LIMIT 1) r
         WHERE application_id = $1`,
        [doomed],
      ),
    );
    const warnings: object[] = [];
    const batches = new RobotBatches(t.db);
    const outcomes = await Promise.all(
      ids.map((id, i) =>
        runRobot(
          deps({
            registers: together,
            batches,
            cache,
            log: { ...silent, warn: (o: object) => warnings.push(o) },
          }),
          { municipalityCode: '1287', applicationId: id },
          `job-${i}`,
        ),
      ),
    );
    expect(outcomes).toEqual(['decided', 'already_handled', 'decided']);
    expect(batches.fallbacks.writes).toBeGreaterThanOrEqual(1);
    expect(warnings).toHaveLength(batches.fallbacks.writes);
    for (const id of [ids[0], ids[2]] as string[]) {
      expect(await rows('SELECT 1 FROM kommun_1287.payments WHERE application_id = $1', [id])).toHaveLength(
        1,
      );
    }
    // The doomed case's attempt is logged (claim as 'assessing', fetches), and it was not paid.
    const [state] = await rows<{ processing: string }>(
      'SELECT processing FROM kommun_1287.applications WHERE application_id = $1',
      [doomed],
    );
    expect(state?.processing).toBe('assessing');
    expect(await rows('SELECT 1 FROM kommun_1287.payments WHERE application_id = $1', [doomed])).toHaveLength(
      0,
    );
  });

  it('logs what an attempt fetched when it fails after the register calls (no norm for the month)', async () => {
    // The riksnorm cannot be had (as for a month of a year with no norm seeded).
    class NoNorms extends RobotCache {
      override get<T>(key: string, stamp: string | null, load: () => Promise<T>): Promise<T> {
        if (key.startsWith('norms:'))
          return Promise.reject(new DomainError('calculation_failed', 'Riksnorm för 2026 saknas.'));
        return super.get(key, stamp, load);
      }
    }
    const id = await applied();
    await expect(assess(id, { cache: new NoNorms() })).rejects.toThrow('Riksnorm');
    const [state] = await rows<{ processing: string; robot_attempts: number }>(
      'SELECT processing, robot_attempts FROM kommun_1287.applications WHERE application_id = $1',
      [id],
    );
    expect(state).toEqual({ processing: 'assessing', robot_attempts: 1 });
    expect(
      await rows('SELECT outcome FROM kommun_1287.register_fetches WHERE application_id = $1', [id]),
    ).toEqual([{ outcome: 'ok' }]);
    expect(
      (
        await rows<{ action: string }>(
          `SELECT action FROM kommun_1287.audit_log WHERE object_id = $1 AND action LIKE 'robot.%' ORDER BY audit_id`,
          [id],
        )
      ).map((r) => r.action),
    ).toEqual(['robot.read_case', 'robot.fetch_registers']);
  });

  it('writes a case once when two attempts at it meet in one write batch', async () => {
    const cache = new RobotCache();
    expect(await assess(await applied(), { cache })).toBe('decided'); // the tenant's first write runs alone
    const [twicePerson, oncePerson] = [await appliedBy(), await appliedBy()];
    const [twice, once] = [twicePerson.id, oncePerson.id];
    const batches = new RobotBatches(t.db);
    // A second attempt at the same case that is neither held back in flight nor by a lease
    // (its own cases in flight, the same lease owner) and whose write reaches the same write
    // batcher — which cannot happen in a worker; the batch must still hold the case once.
    const elsewhere = new RobotBatches(t.db, {
      inFlight: new InFlight<RobotResult>({ owner: batches.inFlight.owner }),
    });
    const meeting = {
      reads: elsewhere.reads,
      inFlight: elsewhere.inFlight,
      writes: batches.writes,
    } as unknown as RobotBatches;
    // `once` is released first and written alone (the writer was idle); both attempts at
    // `twice` then arrive while it is busy and meet in the next batch.
    const together = gathered(3, { order: [oncePerson.personnummer, twicePerson.personnummer] });
    const outcomes = await Promise.all([
      assess(twice, { registers: together, batches, cache }),
      assess(twice, { registers: together, batches: meeting, cache }),
      assess(once, { registers: together, batches, cache }),
    ]);
    expect(outcomes.slice(0, 2).sort()).toEqual(['already_handled', 'decided']);
    expect(outcomes[2]).toBe('decided');
    expect(batches.writes.stats.largest).toBe(2);
    expect(batches.fallbacks.writes).toBe(0);
    for (const id of [twice, once]) {
      expect(await rows('SELECT 1 FROM kommun_1287.decisions WHERE application_id = $1', [id])).toHaveLength(
        1,
      );
      expect(await rows('SELECT 1 FROM kommun_1287.payments WHERE application_id = $1', [id])).toHaveLength(
        1,
      );
    }
  });

  it('reads the cases of a failed read batch one by one, and finds an id written in capitals', async () => {
    const cache = new RobotCache();
    expect(await assess(await applied(), { cache })).toBe('decided');
    const ids = [await applied(), await applied()];
    const batches = new RobotBatches(t.db);
    const warnings: object[] = [];
    const log = { ...silent, warn: (o: object) => warnings.push(o) };
    // The first read runs alone; the other three meet in one batch, which fails on the id that
    // is not a uuid — and is then read case by case.
    const outcomes = await Promise.allSettled(
      [ids[0] as string, 'not-a-uuid', (ids[1] as string).toUpperCase(), ids[0] as string].map((id, i) =>
        runRobot(deps({ batches, log, cache }), { municipalityCode: '1287', applicationId: id }, `job-${i}`),
      ),
    );
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value : 'error'))).toEqual([
      'decided',
      'error',
      'decided',
      'already_handled',
    ]);
    expect(batches.fallbacks.reads).toBe(1);
    expect(warnings).toHaveLength(1);
    for (const id of ids) {
      expect(await rows('SELECT 1 FROM kommun_1287.payments WHERE application_id = $1', [id])).toHaveLength(
        1,
      );
    }
  });
});
