import {
  asPrepared,
  createDb,
  executeSteps,
  insertFromJson,
  insertGroupsFromJson,
  MAX_PREPARED_PER_CONNECTION,
  PREPARED_MARK,
} from '@samverkan/db';
import { CompiledQuery, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { useTestApp } from './helpers.ts';

// The building blocks of the robot's and the decision's one-statement writes (json-insert.ts)
// and of the prepared statements (prepared.ts), against the real database.
const t = useTestApp();
const SCHEMA = 'kommun_1287';

const auditRow = (action: string, detail: Record<string, unknown> = {}) => ({
  actorKind: 'system',
  actorId: 'test',
  actingForCode: '1287',
  action,
  outcome: 'allowed',
  requestId: 'statement-steps',
  detail,
});

async function auditActions(requestId = 'statement-steps') {
  return t.admin(
    async (c) =>
      (
        await c.query<{ action: string; detail: Record<string, unknown> }>(
          `SELECT action, detail FROM ${SCHEMA}.audit_log WHERE request_id = $1 ORDER BY audit_id`,
          [requestId],
        )
      ).rows,
  );
}

describe('one statement from JSON rows', () => {
  it('writes groups in the order given, skips a group whose condition fails, keeps jsonb as objects', async () => {
    await executeSteps(
      t.db,
      [
        [
          'audit',
          insertGroupsFromJson(SCHEMA, 'auditLog', [
            { rows: [auditRow('first', { nested: { a: 1 } }), auditRow('second')] },
            { rows: [auditRow('never')], when: sql`false` },
            { rows: [auditRow('third')], when: sql`true` },
          ]),
        ],
      ],
      sql`SELECT 1`,
    );
    const rows = await auditActions();
    expect(rows.map((r) => r.action)).toEqual(['first', 'second', 'third']);
    expect(rows[0]?.detail).toEqual({ nested: { a: 1 } });
  });

  it('fails the whole statement on a key that is not a column, and nothing of it is written', async () => {
    const requestId = 'statement-steps-atomic';
    await expect(
      executeSteps(
        t.db,
        [
          ['good', insertFromJson(SCHEMA, 'auditLog', [{ ...auditRow('written?'), requestId }])],
          [
            'bad',
            insertFromJson(SCHEMA, 'auditLog', [
              // biome-ignore lint/suspicious/noExplicitAny: the point is a key the type would refuse
              { ...auditRow('bad'), requestId, notAColumn: 1 } as any,
            ]),
          ],
        ],
        sql`SELECT 1`,
      ),
    ).rejects.toThrow(/not_a_column/);
    expect(await auditActions(requestId)).toEqual([]);
  });

  it('makes no rows a step that does nothing, and refuses to return from no rows', async () => {
    const [result] = await executeSteps<{ n: number }>(
      t.db,
      [['nothing', insertFromJson(SCHEMA, 'auditLog', [])]],
      sql`SELECT 7 AS n`,
    );
    expect(result?.n).toBe(7);
    expect(() => insertFromJson(SCHEMA, 'auditLog', [], { returning: ['auditId'] })).toThrow(/no rows/);
    // No steps at all: just the final query (a re-read after a concurrent insert uses this).
    const [plain] = await executeSteps<{ n: number }>(t.db, [], sql`SELECT 8 AS n`);
    expect(plain?.n).toBe(8);
  });
});

describe('prepared statements', () => {
  async function withOneConnection<T>(
    work: (db: ReturnType<typeof createDb>) => Promise<T>,
    maxPreparedPerConnection?: number,
  ) {
    const db = createDb({
      connectionString: t.database.appUrl,
      maxConnections: 1,
      ...(maxPreparedPerConnection === undefined ? {} : { maxPreparedPerConnection }),
    });
    try {
      return await work(db);
    } finally {
      await db.destroy();
    }
  }
  const prepared = (db: ReturnType<typeof createDb>) =>
    db
      .executeQuery<{ name: string; statement: string }>(
        CompiledQuery.raw('SELECT name, statement FROM pg_prepared_statements ORDER BY prepare_time'),
      )
      .then((r) => r.rows);

  it('prepares a marked statement once per connection and reuses it; leaves others unprepared', async () => {
    await withOneConnection(async (db) => {
      const query = CompiledQuery.raw('SELECT $1::int + 1 AS n', [41]);
      for (const value of [41, 1, 2]) {
        const { rows } = await db.executeQuery<{ n: number }>(asPrepared({ ...query, parameters: [value] }));
        expect(rows[0]?.n).toBe(value + 1);
      }
      await db.executeQuery(CompiledQuery.raw('SELECT 2 AS unmarked'));
      const statements = await prepared(db);
      expect(statements).toHaveLength(1);
      expect(statements[0]?.statement).toBe(`${PREPARED_MARK}SELECT $1::int + 1 AS n`);
      expect(statements[0]?.name).toMatch(/^sv_/);
    });
  });

  it('does not count a statement that failed to prepare', async () => {
    await withOneConnection(async (db) => {
      await expect(
        db.executeQuery(asPrepared(CompiledQuery.raw('SELECT no_such_column', []))),
      ).rejects.toThrow(/no_such_column/);
      for (let i = 0; i < MAX_PREPARED_PER_CONNECTION; i++) {
        await db.executeQuery(asPrepared(CompiledQuery.raw(`SELECT ${i} + $1::int AS n`, [1])));
      }
      expect(await prepared(db)).toHaveLength(MAX_PREPARED_PER_CONNECTION);
    });
  });

  it(`keeps at most ${MAX_PREPARED_PER_CONNECTION} per connection and runs the rest unprepared, correctly`, async () => {
    await withOneConnection(async (db) => {
      const count = MAX_PREPARED_PER_CONNECTION + 5;
      for (let i = 0; i < count; i++) {
        const { rows } = await db.executeQuery<{ n: number }>(
          asPrepared(CompiledQuery.raw(`SELECT ${i} + $1::int AS n`, [1])),
        );
        expect(rows[0]?.n).toBe(i + 1);
      }
      expect(await prepared(db)).toHaveLength(MAX_PREPARED_PER_CONNECTION);
    });
  });

  it('takes its cap per pool (ROBOT_DB_MAX_PREPARED), 0 preparing nothing', async () => {
    const run = (db: ReturnType<typeof createDb>, count: number) =>
      Promise.all(
        Array.from({ length: count }, async (_, i) => {
          const { rows } = await db.executeQuery<{ n: number }>(
            asPrepared(CompiledQuery.raw(`SELECT ${i} * $1::int AS n`, [2])),
          );
          expect(rows[0]?.n).toBe(i * 2);
        }),
      );
    await withOneConnection(async (db) => {
      await run(db, 5);
      expect(await prepared(db)).toHaveLength(3);
    }, 3);
    await withOneConnection(async (db) => {
      await run(db, 3);
      expect(await prepared(db)).toHaveLength(0);
    }, 0);
    expect(() => createDb({ connectionString: t.database.appUrl, maxPreparedPerConnection: -1 })).toThrow(
      /maxPrepared/,
    );
  });

  it('sets plan_cache_mode on a pool when asked (the robot: generic plans from the first run)', async () => {
    const mode = async (db: ReturnType<typeof createDb>) =>
      (
        await db
          .withoutPlugins()
          .executeQuery<{ plan_cache_mode: string }>(CompiledQuery.raw('SHOW plan_cache_mode'))
      ).rows[0]?.plan_cache_mode;
    const generic = createDb({ connectionString: t.database.appUrl, planCacheMode: 'force_generic_plan' });
    const plain = createDb({ connectionString: t.database.appUrl });
    try {
      expect(await mode(generic)).toBe('force_generic_plan');
      expect(await mode(plain)).toBe('auto');
    } finally {
      await Promise.all([generic.destroy(), plain.destroy()]);
    }
  });
});
