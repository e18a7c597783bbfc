import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

/**
 * Shared helpers for the benchmark scripts: scratch databases (created and always dropped),
 * statistics, the pgbench baseline and a tiny table printer. Nothing here touches the
 * `samverkan` database: every database a benchmark uses is `samverkan_bench_<random>`.
 */

const exec = promisify(execFile);

export const SERVER_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

export function withDatabase(serverUrl: string, database: string, user?: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  if (user) url.username = user;
  return url.toString();
}

export async function serverQuery<T extends pg.QueryResultRow>(text: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: SERVER_URL, application_name: 'samverkan-bench' });
  await client.connect();
  try {
    return await client.query<T>(text, params);
  } finally {
    await client.end();
  }
}

export interface ScratchDb {
  name: string;
  /** Owner (postgres): migrations, provisioning, setup and assertions. */
  adminUrl: string;
  /** Application role (samverkan_app), as the API and worker connect. */
  appUrl: string;
}

const scratch = new Set<string>();

export const randomSuffix = () => randomBytes(4).toString('hex');

/** Creates `samverkan_bench_<random>[_<label>]`; `dropAllScratch` removes it at the end. */
export async function createScratchDb(label = ''): Promise<ScratchDb> {
  const name = `samverkan_bench_${randomSuffix()}${label ? `_${label}` : ''}`;
  if (!/^samverkan_bench_[a-z0-9_]+$/.test(name)) throw new Error(`bad scratch name ${name}`);
  await serverQuery(`CREATE DATABASE ${name}`);
  scratch.add(name);
  return {
    name,
    adminUrl: withDatabase(SERVER_URL, name),
    appUrl: withDatabase(SERVER_URL, name, 'samverkan_app'),
  };
}

export async function dropScratchDb(name: string): Promise<void> {
  if (!name.startsWith('samverkan_bench_')) throw new Error(`refusing to drop ${name}`);
  await serverQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  scratch.delete(name);
}

export async function dropAllScratch(): Promise<void> {
  for (const name of [...scratch]) {
    await dropScratchDb(name).catch((error: unknown) =>
      console.error(`! could not drop ${name}: ${String(error)}`),
    );
  }
}

/**
 * Runs `main`, then always runs the cleanups (last registered first) and drops every scratch
 * database — on success, on failure and on Ctrl-C.
 */
export async function runBenchmark(
  main: (cleanup: (fn: () => unknown) => void) => Promise<void>,
): Promise<void> {
  const cleanups: (() => unknown)[] = [];
  let cleaning: Promise<void> | undefined;
  const cleanAll = () => {
    cleaning ??= (async () => {
      for (const fn of cleanups.reverse()) {
        try {
          await fn();
        } catch (error) {
          console.error(`! cleanup step failed: ${String(error)}`);
        }
      }
      await dropAllScratch();
    })();
    return cleaning;
  };
  const onSignal = (signal: NodeJS.Signals) => {
    console.error(`\n! ${signal}: cleaning up`);
    void cleanAll().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let failed = false;
  try {
    await main((fn) => cleanups.push(fn));
  } catch (error) {
    failed = true;
    console.error('! benchmark failed:', error);
  } finally {
    await cleanAll();
  }
  // Pools, sockets and timers of the code under test must not keep a finished benchmark alive.
  process.exit(failed ? 1 : 0);
}

// ---------------------------------------------------------------- statistics

export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (pos - lo);
}

export const median = (values: readonly number[]) => quantile(values, 0.5);

export const msSince = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;
export const now = () => process.hrtime.bigint();

export const fmt = (n: number, digits = 1) =>
  Number.isFinite(n)
    ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : 'n/a';

export const ratio = (a: number, b: number) =>
  Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? a / b : Number.NaN;

export function printTable(rows: readonly (readonly string[])[]): void {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  rows.forEach((row, index) => {
    console.log(
      `  ${row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ')}`,
    );
    if (index === 0) console.log(`  ${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  });
}

export function header(title: string): void {
  console.log(`\n== ${title}`);
}

// ---------------------------------------------------------------- pgbench baseline

export interface PgbenchBaseline {
  available: boolean;
  note?: string;
  run(): Promise<number | null>;
}

export const PGBENCH_ARGS = [
  '-c',
  '8',
  '-j',
  '2',
  '-T',
  String(Number(process.env.BENCH_PGBENCH_SECONDS ?? 10)),
  '-n',
];

/**
 * Raw PostgreSQL TPC-B on a scratch database: `pgbench -i -s 1` once, then
 * `pgbench -c 8 -j 2 -T 10` per call of `run()` (tps without initial connection time).
 * Unavailable (with a note) when there is no pgbench on PATH.
 */
export async function pgbenchBaseline(): Promise<PgbenchBaseline> {
  try {
    await exec('pgbench', ['--version']);
  } catch {
    return {
      available: false,
      note: 'pgbench not found on PATH (Debian: apt-get install postgresql-contrib or postgresql-client); baseline skipped',
      run: async () => null,
    };
  }
  const db = await createScratchDb('pgbench');
  await exec('pgbench', ['-i', '-s', '1', '-q', db.adminUrl], { maxBuffer: 16 * 1024 * 1024 });
  return {
    available: true,
    run: async () => {
      const { stdout } = await exec('pgbench', [...PGBENCH_ARGS, db.adminUrl], {
        maxBuffer: 16 * 1024 * 1024,
      });
      const match =
        /tps = ([\d.]+) \(without initial connection time\)/.exec(stdout) ?? /tps = ([\d.]+)/.exec(stdout);
      if (!match) throw new Error(`could not parse pgbench output:\n${stdout}`);
      return Number(match[1]);
    },
  };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Valid kommunkoder (pattern-valid, county 01–25) that are not the demo's 1287 and 1263. */
export function syntheticMunicipalityCodes(
  count: number,
  skip: readonly string[] = ['1287', '1263'],
): string[] {
  const codes: string[] = [];
  for (let county = 1; county <= 25 && codes.length < count; county++) {
    for (let n = 10; n <= 99 && codes.length < count; n++) {
      const code = `${String(county).padStart(2, '0')}${n}`;
      if (!skip.includes(code)) codes.push(code);
    }
  }
  if (codes.length < count) throw new Error(`only ${codes.length} synthetic codes available`);
  return codes;
}

/**
 * CPU used by the whole machine (all processes, from /proc/stat) between two readings, in
 * cores: 2.0 on a 2-core machine means it was saturated. Null where /proc/stat is missing.
 */
export function machineCpu(): () => { busyCores: number; cores: number } | null {
  const read = () => {
    try {
      const lines = readFileSync('/proc/stat', 'utf8').split('\n');
      const [, ...ticks] = (lines[0] ?? '').trim().split(/\s+/).map(Number);
      const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0); // idle + iowait
      const total = ticks.slice(0, 8).reduce((s, v) => s + v, 0); // up to steal, no guest
      const cores = lines.filter((l) => /^cpu\d+ /.test(l)).length;
      return { busy: total - idle, total, cores };
    } catch {
      return null;
    }
  };
  const start = read();
  return () => {
    const end = read();
    if (!start || !end || end.total === start.total) return null;
    return { busyCores: ((end.busy - start.busy) / (end.total - start.total)) * end.cores, cores: end.cores };
  };
}

/**
 * With BENCH_CPU_PROFILE=<dir>, records a V8 CPU profile of this process between start and
 * stop (open it in Chrome DevTools or speedscope); otherwise does nothing.
 */
export async function cpuProfile(label: string): Promise<() => Promise<string | null>> {
  const dir = process.env.BENCH_CPU_PROFILE;
  if (!dir) return async () => null;
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${label}-${Date.now()}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    return file;
  };
}
