import { once } from 'node:events';
import { createReadStream, type WriteStream } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type pg from 'pg';
import { loadMigrationSet, type MigrationSet, migrateSchema } from './migrate.ts';
import { PLATFORM_SCHEMA, schemaNameFor } from './tenancy.ts';

/**
 * A tenant export is NDJSON: one header line (format, municipality registry row, agreements,
 * applied migrations, sequence states), then one line per row `{"t":"table","r":row}` with the
 * tables in foreign-key dependency order and the rows of each table in primary-key order, then a
 * trailer `{"end":true,"counts":{…}}` naming every table with its row count.
 *
 * Row values never pass through JavaScript: Postgres renders each row (`row_to_json(t)::text`),
 * the text is spliced into its line as is, and on import the untouched line text goes back to
 * Postgres, which extracts the row and maps it onto the table's column types. So numbers inside
 * jsonb (1.50, integers beyond 2^53), numeric and bigint values stay exact.
 *
 * `importTenant` restores a file into a platform that knows neither the municipality nor its
 * schema: in one transaction it registers the municipality (schema name derived from the code,
 * never taken from the file), provisions the schema at the exported migration level, loads every
 * row with its original keys, restores sequences, checks the trailer, then migrates forward.
 */
export const EXPORT_FORMAT = 'samverkan-tenant-export/1';
const BATCH = 500;
const TABLE_NAME = /^[a-z_][a-z0-9_]*$/;

export interface ExportedSequence {
  name: string;
  /** bigint as decimal text, so it is exact. */
  last_value: string;
  is_called: boolean;
}

export interface ExportHeader {
  format: string;
  exportedAt: string;
  municipality: Record<string, unknown>;
  agreements: Record<string, unknown>[];
  migrations: string[];
  sequences: ExportedSequence[];
}

export interface ExportResult {
  tables: Record<string, number>;
}

export interface AgreementRef {
  agreementId: string;
  hostCode: string;
  tenantCode: string;
}

export interface SkippedAgreement extends AgreementRef {
  reason: string;
}

export interface ImportResult {
  code: string;
  schema: string;
  tables: Record<string, number>;
  restoredAgreements: AgreementRef[];
  /** Agreements in the file that were not restored (the other party is not on this platform, or a conflicting agreement exists). */
  skippedAgreements: SkippedAgreement[];
}

const q = (identifier: string) => `"${identifier.replaceAll('"', '""')}"`;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The schema's tables (without schema_migrations) in foreign-key dependency order: a table comes
 * after every table it references. Among tables whose references are all placed, the
 * alphabetically first comes next, so the order is stable. A cycle (including a table that
 * references itself) cannot be loaded batch by batch and is refused.
 */
export async function tablesInDependencyOrder(client: pg.ClientBase, schema: string): Promise<string[]> {
  const tables = await client.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND c.relname <> 'schema_migrations'
      ORDER BY c.relname COLLATE "C"`,
    [schema],
  );
  const edges = await client.query<{ child: string; parent: string }>(
    `SELECT DISTINCT c.relname AS child, p.relname AS parent
       FROM pg_constraint k
       JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace cn ON cn.oid = c.relnamespace
       JOIN pg_class p ON p.oid = k.confrelid JOIN pg_namespace pn ON pn.oid = p.relnamespace
      WHERE k.contype = 'f' AND cn.nspname = $1 AND pn.nspname = $1`,
    [schema],
  );
  const names = tables.rows.map((r) => r.name);
  const dependsOn = new Map<string, Set<string>>(names.map((n) => [n, new Set<string>()]));
  for (const { child, parent } of edges.rows) dependsOn.get(child)?.add(parent);
  const ordered: string[] = [];
  const placed = new Set<string>();
  while (ordered.length < names.length) {
    const next = names.find(
      (n) => !placed.has(n) && [...(dependsOn.get(n) ?? [])].every((p) => placed.has(p)),
    );
    if (next === undefined) {
      const cyclic = names.filter((n) => !placed.has(n));
      throw new Error(
        `Foreign keys in ${schema} form a cycle among ${cyclic.join(', ')}; cannot order the export`,
      );
    }
    ordered.push(next);
    placed.add(next);
  }
  return ordered;
}

/** Primary-key columns in key order; export and re-export sort rows by them. */
async function primaryKeyColumns(client: pg.ClientBase, schema: string, table: string): Promise<string[]> {
  const { rows } = await client.query<{ column_name: string }>(
    `SELECT a.attname AS column_name
       FROM pg_index i
       JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, pos) ON true
       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
      WHERE i.indrelid = format('%I.%I', $1::text, $2::text)::regclass AND i.indisprimary
      ORDER BY k.pos`,
    [schema, table],
  );
  if (rows.length === 0)
    throw new Error(`Table ${schema}.${table} has no primary key; cannot export it in a stable order`);
  return rows.map((r) => r.column_name);
}

async function schemaSequences(client: pg.ClientBase, schema: string): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    'SELECT sequencename AS name FROM pg_sequences WHERE schemaname = $1 ORDER BY sequencename COLLATE "C"',
    [schema],
  );
  return rows.map((r) => r.name);
}

async function writeText(out: NodeJS.WritableStream, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

/**
 * Writes the export of `code` to `outFile` from one consistent snapshot. The municipality is
 * checked before the file is created; if anything fails, the file is removed again.
 */
export async function exportTenant(
  client: pg.ClientBase,
  code: string,
  outFile: string,
): Promise<ExportResult> {
  const schema = schemaNameFor(code);
  const counts: Record<string, number> = {};
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY'); // one consistent snapshot
  let out: WriteStream | undefined;
  let fileCreated = false;
  try {
    const muni = await client.query<{ j: string }>(
      'SELECT row_to_json(m)::text AS j FROM platform.municipalities m WHERE municipality_code = $1',
      [code],
    );
    const municipality = muni.rows[0]?.j;
    if (municipality === undefined) throw new Error(`Municipality ${code} is not registered`);
    const agreements = await client.query<{ j: string }>(
      `SELECT row_to_json(a)::text AS j FROM platform.agreements a
        WHERE tenant_code = $1 OR host_code = $1 ORDER BY created_at, agreement_id`,
      [code],
    );
    const migrations = await client.query<{ name: string }>(
      `SELECT name FROM ${q(schema)}.schema_migrations ORDER BY name COLLATE "C"`,
    );
    const sequences: ExportedSequence[] = [];
    for (const name of await schemaSequences(client, schema)) {
      const state = await client.query<{ last_value: string; is_called: boolean }>(
        `SELECT last_value::text AS last_value, is_called FROM ${q(schema)}.${q(name)}`,
      );
      const row = state.rows[0];
      if (row) sequences.push({ name, last_value: row.last_value, is_called: row.is_called });
    }
    const tables = await tablesInDependencyOrder(client, schema);

    // Only now, with the municipality known to exist, is the file created.
    const handle = await open(outFile, 'w');
    fileCreated = true;
    const stream = handle.createWriteStream({ encoding: 'utf8' });
    out = stream;
    // The registry row and agreements are spliced in as Postgres wrote them (jsonb numbers stay exact).
    await writeText(
      stream,
      `{"format":${JSON.stringify(EXPORT_FORMAT)},"exportedAt":${JSON.stringify(new Date().toISOString())},` +
        `"municipality":${municipality},"agreements":[${agreements.rows.map((r) => r.j).join(',')}],` +
        `"migrations":${JSON.stringify(migrations.rows.map((r) => r.name))},"sequences":${JSON.stringify(sequences)}}\n`,
    );
    for (const table of tables) {
      counts[table] = 0;
      const orderBy = (await primaryKeyColumns(client, schema, table)).map((c) => `t.${q(c)}`).join(', ');
      const prefix = `{"t":${JSON.stringify(table)},"r":`;
      // A cursor keeps memory flat for large tenants; rows come out in primary-key order.
      await client.query(`DECLARE export_cursor NO SCROLL CURSOR FOR
        SELECT row_to_json(t)::text AS r FROM ${q(schema)}.${q(table)} t ORDER BY ${orderBy}`);
      for (;;) {
        const batch = await client.query<{ r: string }>(`FETCH ${BATCH} FROM export_cursor`);
        if (batch.rows.length > 0)
          await writeText(stream, batch.rows.map((row) => `${prefix}${row.r}}\n`).join(''));
        counts[table] += batch.rows.length;
        if (batch.rows.length < BATCH) break;
      }
      await client.query('CLOSE export_cursor');
    }
    await writeText(stream, `${JSON.stringify({ end: true, counts })}\n`);
    await client.query('COMMIT');
    stream.end();
    await once(stream, 'finish');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    if (out && !out.closed) {
      const closed = once(out, 'close').catch(() => undefined);
      out.destroy();
      await closed;
    }
    if (fileCreated) await rm(outFile, { force: true });
    throw error;
  }
  return { tables: counts };
}

function parseHeader(value: unknown): ExportHeader & { code: string } {
  if (!isRecord(value) || value.format !== EXPORT_FORMAT) {
    const format = isRecord(value) ? String(value.format) : 'unknown';
    throw new Error(`Not a tenant export (format ${format})`);
  }
  const { municipality, agreements, migrations, sequences } = value;
  if (!isRecord(municipality)) throw new Error('Export header has no municipality');
  const code = municipality.municipality_code;
  if (typeof code !== 'string') throw new Error('Export header has no municipality code');
  if (!Array.isArray(agreements) || !agreements.every(isRecord))
    throw new Error('Export header has no agreement list');
  if (!Array.isArray(migrations) || !migrations.every((m) => typeof m === 'string')) {
    throw new Error('Export header has no migration list');
  }
  if (!Array.isArray(sequences)) {
    throw new Error('Export header has no sequence states (written by an older version); export it again');
  }
  const parsedSequences = sequences.map((s): ExportedSequence => {
    if (
      !isRecord(s) ||
      typeof s.name !== 'string' ||
      typeof s.last_value !== 'string' ||
      !/^-?\d+$/.test(s.last_value) ||
      typeof s.is_called !== 'boolean'
    ) {
      throw new Error(`Bad sequence state in export header: ${JSON.stringify(s)}`);
    }
    return { name: s.name, last_value: s.last_value, is_called: s.is_called };
  });
  return {
    format: EXPORT_FORMAT,
    exportedAt: String(value.exportedAt),
    municipality,
    agreements,
    migrations,
    sequences: parsedSequences,
    code,
  };
}

/**
 * Restores an export into this platform in one transaction; any problem rolls everything back,
 * so a refused file leaves no registry row, agreement or schema behind.
 */
export async function importTenant(
  client: pg.ClientBase,
  inFile: string,
  set: MigrationSet = loadMigrationSet(),
): Promise<ImportResult> {
  let header: (ExportHeader & { code: string }) | undefined;
  let schema = '';
  let order = new Map<string, number>(); // table → position in dependency order
  const counts: Record<string, number> = {};
  const finished = new Set<string>();
  let expected: Record<string, number> | undefined;
  let pending: { table: string; lines: string[] } = { table: '', lines: [] };
  const restoredAgreements: AgreementRef[] = [];
  const skippedAgreements: SkippedAgreement[] = [];

  const flush = async () => {
    if (pending.lines.length === 0) return;
    const t = `${q(schema)}.${q(pending.table)}`;
    // Postgres takes each row out of its untouched line text and maps it onto the column types
    // (timestamps, jsonb, arrays, numeric) — values never become JavaScript numbers.
    const inserted = await client.query(
      `INSERT INTO ${t} OVERRIDING SYSTEM VALUE
       SELECT * FROM json_populate_recordset(NULL::${t},
         (SELECT json_agg(x.line::json -> 'r' ORDER BY x.n) FROM unnest($1::text[]) WITH ORDINALITY AS x(line, n)))`,
      [pending.lines],
    );
    if (inserted.rowCount !== pending.lines.length) {
      throw new Error(
        `Loaded ${inserted.rowCount ?? 0} of ${pending.lines.length} rows into ${pending.table}`,
      );
    }
    counts[pending.table] = (counts[pending.table] ?? 0) + pending.lines.length;
    pending = { table: pending.table, lines: [] };
  };

  const restoreHeader = async (h: ExportHeader & { code: string }, line: string) => {
    const code = h.code;
    schema = schemaNameFor(code); // refuses anything that is not a kommunkod; never the file's schema_name
    const existing = await client.query(
      'SELECT 1 FROM platform.municipalities WHERE municipality_code = $1',
      [code],
    );
    if (existing.rowCount) throw new Error(`Municipality ${code} already exists on this platform`);
    const leftover = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    if (leftover.rowCount) throw new Error(`Schema ${schema} already exists on this platform`);

    const unknown = h.migrations.filter((n) => !set.tenant.some((f) => f.name === n));
    if (unknown.length) throw new Error(`Export needs migrations this platform lacks: ${unknown.join(', ')}`);
    const lastMigration = h.migrations.at(-1);
    const level = set.tenant
      .filter((f) => lastMigration !== undefined && f.name <= lastMigration)
      .map((f) => f.name);
    if (level.join('\n') !== [...h.migrations].sort().join('\n')) {
      throw new Error(`Export's migrations (${h.migrations.join(', ')}) are not a prefix of this platform's`);
    }

    // The registry row as written in the file (exact jsonb), with schema_name derived here.
    await client.query(
      `INSERT INTO ${PLATFORM_SCHEMA}.municipalities
       SELECT * FROM json_populate_record(NULL::${PLATFORM_SCHEMA}.municipalities,
         (SELECT json_object_agg(e.key, e.value)
            FROM (SELECT key, value FROM json_each($1::json -> 'municipality') WHERE key <> 'schema_name'
                  UNION ALL SELECT 'schema_name', to_json($2::text)) e))`,
      [line, schema],
    );
    // provisionTenant opens its own transaction; here we are already inside one, so inline it.
    await migrateSchema(client, schema, set.tenant, lastMigration ? { upTo: lastMigration } : {});
    const tables = await tablesInDependencyOrder(client, schema);
    order = new Map(tables.map((t, i) => [t, i]));

    for (const [index, a] of h.agreements.entries()) {
      const agreement: AgreementRef = {
        agreementId: String(a.agreement_id),
        hostCode: String(a.host_code),
        tenantCode: String(a.tenant_code),
      };
      if (agreement.hostCode !== code && agreement.tenantCode !== code) {
        throw new Error(`Agreement ${agreement.agreementId} in the export does not involve ${code}`);
      }
      const other = agreement.hostCode === code ? agreement.tenantCode : agreement.hostCode;
      const present = await client.query(
        'SELECT 1 FROM platform.municipalities WHERE municipality_code = $1',
        [other],
      );
      if (!present.rowCount) {
        skippedAgreements.push({ ...agreement, reason: `${other} is not on this platform` });
        continue;
      }
      // DO NOTHING also covers the no-overlap exclusion constraint: an existing agreement wins.
      const inserted = await client.query(
        `INSERT INTO ${PLATFORM_SCHEMA}.agreements
         SELECT * FROM json_populate_record(NULL::${PLATFORM_SCHEMA}.agreements, $1::json -> 'agreements' -> $2::int)
         ON CONFLICT DO NOTHING`,
        [line, index],
      );
      if (inserted.rowCount) restoredAgreements.push(agreement);
      else
        skippedAgreements.push({
          ...agreement,
          reason: 'it conflicts with an agreement already on this platform',
        });
    }
  };

  await client.query('BEGIN');
  // Opened only now: readline drops lines emitted before the for-await below attaches (here, during BEGIN).
  const lines = createInterface({
    input: createReadStream(inFile, { encoding: 'utf8' }),
    crlfDelay: Infinity,
  });
  try {
    for await (const line of lines) {
      if (!line.trim()) continue;
      if (expected) throw new Error('Export file has lines after its trailer');
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        throw new Error(`Export file has a line that is not JSON: ${line.slice(0, 80)}`);
      }
      if (!header) {
        header = parseHeader(value);
        await restoreHeader(header, line);
        continue;
      }
      if (!isRecord(value))
        throw new Error(`Export file has a line that is not an object: ${line.slice(0, 80)}`);
      if (value.end === true) {
        const trailer = value.counts;
        if (!isRecord(trailer) || !Object.values(trailer).every((n) => Number.isSafeInteger(n))) {
          throw new Error('Export trailer has no row counts');
        }
        await flush();
        expected = Object.fromEntries(Object.entries(trailer).map(([t, n]) => [t, Number(n)]));
        continue;
      }
      const table = value.t;
      if (typeof table !== 'string' || !TABLE_NAME.test(table))
        throw new Error(`Bad table name in export: ${String(table)}`);
      if (!isRecord(value.r)) throw new Error(`Export row for ${table} is not an object`);
      if (table !== pending.table) {
        const position = order.get(table);
        if (position === undefined)
          throw new Error(`Export has rows for ${table}, which is not a table of ${schema}`);
        if (finished.has(table)) throw new Error(`Export has rows for ${table} in more than one place`);
        const previous = order.get(pending.table);
        if (previous !== undefined && previous > position) {
          throw new Error(
            `Export has rows for ${table} after ${pending.table}; tables must come in dependency order`,
          );
        }
        await flush();
        if (pending.table) finished.add(pending.table);
        pending = { table, lines: [] };
      }
      pending.lines.push(line);
      if (pending.lines.length >= BATCH) await flush();
    }
    await flush();
    if (!header) throw new Error('Empty export file');
    if (!expected) throw new Error('Export file is truncated (no trailer)');
    for (const table of Object.keys(counts)) {
      if (!(table in expected))
        throw new Error(`Export has rows for ${table}, which its trailer does not list`);
    }
    for (const table of order.keys()) {
      if (!(table in expected)) throw new Error(`Export trailer does not list ${table}`);
    }
    for (const [table, n] of Object.entries(expected)) {
      if (!order.has(table))
        throw new Error(`Export trailer lists ${table}, which is not a table of ${schema}`);
      if ((counts[table] ?? 0) !== n)
        throw new Error(`Row count mismatch for ${table}: ${counts[table] ?? 0} ≠ ${n}`);
    }

    // Sequences exactly as they were (plain ones like case_number_seq, and identity ones).
    const known = new Set(await schemaSequences(client, schema));
    for (const s of header.sequences) {
      if (!known.has(s.name)) throw new Error(`Export has a sequence ${s.name}, which is not in ${schema}`);
      await client.query('SELECT setval($1::regclass, $2::bigint, $3::boolean)', [
        `${q(schema)}.${q(s.name)}`,
        s.last_value,
        s.is_called,
      ]);
    }
    // Identity columns continue after the highest imported key in any case.
    const ids = await client.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = $1 AND is_identity = 'YES'`,
      [schema],
    );
    for (const { table_name, column_name } of ids.rows) {
      const t = `${q(schema)}.${q(table_name)}`;
      const serial = await client.query<{ seq: string | null }>(
        'SELECT pg_get_serial_sequence($1, $2) AS seq',
        [t, column_name],
      );
      const seq = serial.rows[0]?.seq;
      if (!seq) continue;
      // Only ever moves forward, so an exactly restored sequence is left alone when it is ahead.
      await client.query(
        `SELECT setval($1::regclass, m.max_key + 1, false)
           FROM (SELECT COALESCE(max(${q(column_name)}), 0) AS max_key FROM ${t}) m,
                (SELECT CASE WHEN is_called THEN last_value + (SELECT seqincrement FROM pg_sequence WHERE seqrelid = $1::regclass)
                             ELSE last_value END AS next_value FROM ${seq}) s
          WHERE m.max_key + 1 > s.next_value`,
        [seq],
      );
    }
    await migrateSchema(client, schema, set.tenant);
    await client.query('COMMIT');
  } catch (error) {
    lines.close();
    await client.query('ROLLBACK');
    throw error;
  }
  return { code: header.code, schema, tables: counts, restoredAgreements, skippedAgreements };
}
