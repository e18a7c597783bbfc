import { type Insertable, type RawBuilder, sql } from 'kysely';
import type { RootDb } from './connection.ts';
import { asPrepared } from './prepared.ts';
import type { TenantTables } from './schema.ts';

/**
 * A row for `insertFromJson`: the table's insertable column names (camelCase, as everywhere
 * else), with values as JSON gives them — a jsonb column takes the object itself, not a string.
 */
export type JsonRow<T> = { [K in keyof Insertable<T>]?: unknown };

const snakeNames = new Map<string, string>();
/** The CamelCasePlugin's mapping (`paymentDate` → `payment_date`); column names are few, so memoised. */
export function snakeCase(name: string): string {
  let snake = snakeNames.get(name);
  if (snake === undefined) {
    snake = name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    snakeNames.set(name, snake);
  }
  return snake;
}

export interface InsertFromJsonOptions {
  /** Insert only when this condition holds, e.g. `EXISTS (SELECT 1 FROM claimed)`. */
  when?: RawBuilder<unknown>;
  /** `ON CONFLICT (column) DO NOTHING` (camelCase column name). */
  onConflictDoNothing?: string;
  /** Columns to return (camelCase), for a later step of the same statement. */
  returning?: string[];
  /**
   * Columns computed in SQL instead of taken from the rows (camelCase name → expression), e.g.
   * a number drawn from a sequence only when the row is written, or text built from an earlier
   * step's result.
   */
  computed?: Record<string, RawBuilder<unknown>>;
}

/** Rows written only `when` the condition holds (see `insertGroupsFromJson`). */
export interface JsonRowGroup<T> {
  rows: readonly JsonRow<T>[];
  when?: RawBuilder<unknown> | undefined;
}

/**
 * `INSERT INTO <schema>.<table> (…) SELECT … FROM jsonb_populate_recordset(…)`: rows as one
 * JSON parameter, each value converted to its column's type by PostgreSQL, inserted in the
 * order given. Made to be one step of a statement with data-modifying CTEs, so that a whole
 * write (decision, payment, case event, notification, audit entries) is one round trip and one
 * plan instead of one per table.
 *
 * The column list is the union of the rows' keys; a key a row leaves out is NULL in that row
 * (not the column default), so give every row the same keys. A key that is not a column of the
 * table fails the statement ("column r.x does not exist") instead of being dropped silently.
 * No rows: a step that does nothing.
 */
export function insertFromJson<K extends keyof TenantTables & string>(
  schema: string,
  table: K,
  rows: readonly JsonRow<TenantTables[K]>[],
  options: InsertFromJsonOptions = {},
): RawBuilder<unknown> {
  return insertGroupsFromJson(schema, table, [{ rows, when: options.when }], options);
}

/**
 * `insertFromJson` for several groups of rows, each with its own condition, in ONE insert —
 * so rows that must stay in order (an audit trail: what was read, then what was decided) get
 * their identity keys in the order given, group after group.
 */
export function insertGroupsFromJson<K extends keyof TenantTables & string>(
  schema: string,
  table: K,
  groups: readonly JsonRowGroup<TenantTables[K]>[],
  options: Omit<InsertFromJsonOptions, 'when'> = {},
): RawBuilder<unknown> {
  // (Computed columns apply to every row; the column list is the rows' keys plus them.)
  const written = groups.filter((g) => g.rows.length > 0);
  if (written.length === 0) {
    if (options.returning) throw new Error(`insertFromJson(${table}): no rows to return from`);
    return sql`SELECT WHERE false`;
  }
  const computed = Object.entries(options.computed ?? {}).map(([name, expression]) => ({
    column: snakeCase(name),
    expression,
  }));
  const computedColumns = new Set(computed.map((c) => c.column));
  const columns = [...new Set(written.flatMap((g) => g.rows.flatMap((row) => Object.keys(row))))]
    .map(snakeCase)
    .filter((c) => !computedColumns.has(c));
  const target = sql.id(schema, snakeCase(table));
  const json = (rows: readonly object[]) => JSON.stringify(rows.map(jsonRowOf));
  const selects = written.map(
    (g, i) => sql`SELECT ${sql.lit(i)} AS json_group, r.*
      FROM jsonb_populate_recordset(NULL::${target}, ${json(g.rows)}::jsonb) WITH ORDINALITY AS r
      ${g.when ? sql`WHERE ${g.when}` : sql``}`,
  );
  return sql`INSERT INTO ${target} (${sql.join([...columns, ...computedColumns].map((c) => sql.id(c)))})
    SELECT ${sql.join([...columns.map((c) => sql.id('r', c)), ...computed.map((c) => c.expression)])}
    FROM (${sql.join(selects, sql` UNION ALL `)}) AS r
    ORDER BY r.json_group, r.ordinality
    ${options.onConflictDoNothing ? sql`ON CONFLICT (${sql.id(snakeCase(options.onConflictDoNothing))}) DO NOTHING` : sql``}
    ${options.returning ? sql`RETURNING ${sql.join(options.returning.map((c) => sql.id(snakeCase(c))))}` : sql``}`;
}

/** `WITH a AS (…), b AS (…) <final>` from named steps: one statement, one round trip. */
export function withSteps(
  steps: readonly (readonly [name: string, step: RawBuilder<unknown>])[],
  final: RawBuilder<unknown>,
): RawBuilder<unknown> {
  if (steps.length === 0) return final;
  return sql`WITH ${sql.join(steps.map(([name, step]) => sql`${sql.id(name)} AS (${step})`))} ${final}`;
}

/**
 * Runs `withSteps(steps, final)` as one statement. The statement is raw SQL with snake_case
 * names already, so it runs without the CamelCasePlugin (whose walk over a large raw tree cost
 * more than the rest of compiling it); `final`'s columns come back as named in the SQL.
 * `prepared`: a statement whose text repeats (same steps, values only in parameters) runs as a
 * prepared statement (see prepared.ts).
 */
export async function executeSteps<R>(
  db: RootDb,
  steps: readonly (readonly [name: string, step: RawBuilder<unknown>])[],
  final: RawBuilder<unknown>,
  options: { prepared?: boolean } = {},
): Promise<R[]> {
  const query = withSteps(steps, final).compile(db.withoutPlugins());
  const { rows } = await db.withoutPlugins().executeQuery(options.prepared ? asPrepared(query) : query);
  return rows as R[];
}

/**
 * `INSERT INTO <schema>.<table> (<columns>) SELECT … FROM jsonb_array_elements(<rows>)`, for a
 * statement whose text must not depend on its rows (one text per tenant, prepared once, whatever
 * the batch holds): the columns are named, the rows are one jsonb parameter (`rows`), and
 * `where` may look at each element as `e.j` — including keys that are not columns (e.g. which
 * case a row belongs to), which `jsonb_populate_record` ignores. Rows are inserted in the order
 * given; a column a row leaves out is NULL in that row.
 */
export function insertEachFromJson<K extends keyof TenantTables & string>(
  schema: string,
  table: K,
  columns: readonly (keyof Insertable<TenantTables[K]> & string)[],
  rows: RawBuilder<unknown>,
  options: { where?: RawBuilder<unknown>; onConflictDoNothing?: string; returning?: string[] } = {},
): RawBuilder<unknown> {
  const target = sql.id(schema, snakeCase(table));
  const names = columns.map(snakeCase);
  return sql`INSERT INTO ${target} (${sql.join(names.map((c) => sql.id(c)))})
    SELECT ${sql.join(names.map((c) => sql.id('r', c)))}
    FROM jsonb_array_elements(${rows}) WITH ORDINALITY AS e(j, ord)
    CROSS JOIN LATERAL jsonb_populate_record(NULL::${target}, e.j) AS r
    ${options.where ? sql`WHERE ${options.where}` : sql``}
    ORDER BY e.ord
    ${options.onConflictDoNothing ? sql`ON CONFLICT (${sql.id(snakeCase(options.onConflictDoNothing))}) DO NOTHING` : sql``}
    ${options.returning ? sql`RETURNING ${sql.join(options.returning.map((c) => sql.id(snakeCase(c))))}` : sql``}`;
}

/** A row for a jsonb parameter: camelCase keys as snake_case columns (see `snakeCase`). */
export function jsonRowOf(row: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) out[snakeCase(key)] = value;
  return out;
}
