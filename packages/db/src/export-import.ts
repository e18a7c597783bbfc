import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type pg from 'pg';
import { type MigrationSet, loadMigrationSet, migrateSchema, provisionTenant } from './migrate.ts';
import { assertSchemaName, schemaNameFor } from './tenancy.ts';

/**
 * A tenant export is NDJSON: one header line (format, municipality registry row, agreements,
 * applied migrations), then one line per row `{"t": table, "r": row}` in a stable order, then a
 * trailer with row counts. `importTenant` restores it into a platform that does not know the
 * municipality yet: it provisions the schema at the exported migration level, loads every row
 * with its original keys, resets identity sequences, then migrates forward.
 */
export const EXPORT_FORMAT = 'samverkan-tenant-export/1';
const BATCH = 500;

interface ExportHeader {
  format: string;
  exportedAt: string;
  municipality: Record<string, unknown>;
  agreements: Record<string, unknown>[];
  migrations: string[];
}

const q = (identifier: string) => `"${identifier.replaceAll('"', '""')}"`;

async function tenantTables(client: pg.ClientBase, schema: string): Promise<string[]> {
  const { rows } = await client.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables
      WHERE table_schema = $1 AND table_type = 'BASE TABLE' AND table_name <> 'schema_migrations'
      ORDER BY table_name`,
    [schema],
  );
  return rows.map((r) => r.table_name);
}

async function writeLine(out: NodeJS.WritableStream, value: unknown): Promise<void> {
  if (!out.write(`${JSON.stringify(value)}\n`)) await once(out, 'drain');
}

export async function exportTenant(
  client: pg.ClientBase,
  code: string,
  outFile: string,
): Promise<{ tables: Record<string, number> }> {
  const schema = schemaNameFor(code);
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY'); // one consistent snapshot
  const out = createWriteStream(outFile, { encoding: 'utf8' });
  const counts: Record<string, number> = {};
  try {
    const muni = await client.query('SELECT row_to_json(m) AS j FROM platform.municipalities m WHERE municipality_code = $1', [code]);
    if (muni.rowCount === 0) throw new Error(`Municipality ${code} is not registered`);
    const agreements = await client.query(
      'SELECT row_to_json(a) AS j FROM platform.agreements a WHERE tenant_code = $1 OR host_code = $1 ORDER BY created_at',
      [code],
    );
    const migrations = await client.query<{ name: string }>(
      `SELECT name FROM ${q(schema)}.schema_migrations ORDER BY name`,
    );
    const header: ExportHeader = {
      format: EXPORT_FORMAT,
      exportedAt: new Date().toISOString(),
      municipality: muni.rows[0].j,
      agreements: agreements.rows.map((r) => r.j),
      migrations: migrations.rows.map((r) => r.name),
    };
    await writeLine(out, header);
    for (const table of await tenantTables(client, schema)) {
      counts[table] = 0;
      // A cursor keeps memory flat for large tenants; ORDER BY t (the whole row, i.e. the primary key,
      // which is every tenant table's first column) keeps the file stable. ORDER BY 1 sorted the json output.
      await client.query(`DECLARE export_cursor NO SCROLL CURSOR FOR
        SELECT row_to_json(t) AS r FROM ${q(schema)}.${q(table)} t ORDER BY t`);
      for (;;) {
        const batch = await client.query<{ r: Record<string, unknown> }>(`FETCH ${BATCH} FROM export_cursor`);
        for (const row of batch.rows) await writeLine(out, { t: table, r: row.r });
        counts[table] += batch.rowCount ?? 0;
        if ((batch.rowCount ?? 0) < BATCH) break;
      }
      await client.query('CLOSE export_cursor');
    }
    await writeLine(out, { end: true, counts });
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    out.destroy();
    throw error;
  }
  out.end();
  await once(out, 'finish');
  return { tables: counts };
}

export async function importTenant(
  client: pg.ClientBase,
  inFile: string,
  set: MigrationSet = loadMigrationSet(),
): Promise<{ code: string; tables: Record<string, number> }> {
  let header: ExportHeader | undefined;
  let schema = '';
  let code = '';
  const counts: Record<string, number> = {};
  let expected: Record<string, number> | undefined;
  let pending: { table: string; rows: unknown[] } = { table: '', rows: [] };

  const flush = async () => {
    if (pending.rows.length === 0) return;
    const t = `${q(schema)}.${q(pending.table)}`;
    // json_populate_recordset maps every column back to its exact type (timestamps, jsonb, arrays, numeric).
    await client.query(`INSERT INTO ${t} OVERRIDING SYSTEM VALUE SELECT * FROM json_populate_recordset(NULL::${t}, $1)`, [
      JSON.stringify(pending.rows),
    ]);
    counts[pending.table] = (counts[pending.table] ?? 0) + pending.rows.length;
    pending = { table: pending.table, rows: [] };
  };

  await client.query('BEGIN');
  // Opened only now: readline drops lines emitted before the for-await below attaches (here, during BEGIN).
  const lines = createInterface({ input: createReadStream(inFile, { encoding: 'utf8' }), crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      if (!line.trim()) continue;
      const value = JSON.parse(line);
      if (!header) {
        if (value.format !== EXPORT_FORMAT) throw new Error(`Not a tenant export (format ${String(value.format)})`);
        header = value as ExportHeader;
        const m = header.municipality;
        code = String(m.municipality_code);
        schema = assertSchemaName(schemaNameFor(code));
        const existing = await client.query('SELECT 1 FROM platform.municipalities WHERE municipality_code = $1', [code]);
        if (existing.rowCount) throw new Error(`Municipality ${code} already exists on this platform`);
        const lastMigration = header.migrations.at(-1);
        const unknown = header.migrations.filter((n) => !set.tenant.some((f) => f.name === n));
        if (unknown.length) throw new Error(`Export needs migrations this platform lacks: ${unknown.join(', ')}`);
        // provisionTenant opens its own transaction; here we are already inside one, so inline it.
        await client.query(
          `INSERT INTO platform.municipalities SELECT * FROM json_populate_record(NULL::platform.municipalities, $1)`,
          [JSON.stringify(m)],
        );
        await migrateSchema(client, schema, set.tenant, lastMigration ? { upTo: lastMigration } : {});
        for (const a of header.agreements) {
          const parties = [String(a.host_code), String(a.tenant_code)];
          const present = await client.query(
            'SELECT count(*)::int AS n FROM platform.municipalities WHERE municipality_code = ANY($1)',
            [parties],
          );
          if (present.rows[0].n === 2) {
            await client.query(
              `INSERT INTO platform.agreements SELECT * FROM json_populate_record(NULL::platform.agreements, $1)
               ON CONFLICT DO NOTHING`,
              [JSON.stringify(a)],
            );
          }
        }
        continue;
      }
      if (value.end) {
        expected = value.counts;
        continue;
      }
      const table = String(value.t);
      if (!/^[a-z_][a-z0-9_]*$/.test(table)) throw new Error(`Bad table name in export: ${table}`);
      if (table !== pending.table) {
        await flush();
        pending = { table, rows: [] };
      }
      pending.rows.push(value.r);
      if (pending.rows.length >= BATCH) await flush();
    }
    await flush();
    if (!header) throw new Error('Empty export file');
    if (!expected) throw new Error('Export file is truncated (no trailer)');
    for (const [table, n] of Object.entries(expected)) {
      if ((counts[table] ?? 0) !== n) throw new Error(`Row count mismatch for ${table}: ${counts[table] ?? 0} ≠ ${n}`);
    }
    // Identity columns continue after the highest imported key.
    const ids = await client.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = $1 AND is_identity = 'YES'`,
      [schema],
    );
    for (const { table_name, column_name } of ids.rows) {
      const t = `${q(schema)}.${q(table_name)}`;
      await client.query(
        `SELECT setval(pg_get_serial_sequence($1, $2), COALESCE((SELECT max(${q(column_name)}) FROM ${t}), 0) + 1, false)`,
        [`${schema}.${table_name}`, column_name],
      );
    }
    await migrateSchema(client, schema, set.tenant);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
  return { code, tables: counts };
}

export { provisionTenant };
