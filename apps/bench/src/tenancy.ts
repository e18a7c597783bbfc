/**
 * pnpm bench:tenancy — the cost of tenancy.
 *
 *  (a) provisionTenant (registry row + schema + all tenant migrations, one transaction): median, p95
 *  (b) migrateAll over 100 freshly registered municipalities, then the second (no-op) run
 *  (c) requests/s of an authenticated tenant-scoped read against a bare fastify route in the
 *      same process and app, measured with autocannon over 127.0.0.1
 *  (d) raw pgbench TPC-B as the database baseline of this machine in this run
 *
 * Every figure is printed next to a baseline from the same run; read the ratios, not the absolutes.
 */
import type { AddressInfo } from 'node:net';
import { buildApp, loadConfig } from '@samverkan/api';
import { seedDemo } from '@samverkan/core';
import { createDb, loadMigrationSet, migrateAll, provisionTenant, withAdminClient } from '@samverkan/db';
import autocannon from 'autocannon';
import {
  createScratchDb,
  fmt,
  header,
  median,
  msSince,
  now,
  PGBENCH_ARGS,
  pgbenchBaseline,
  printTable,
  quantile,
  ratio,
  runBenchmark,
  syntheticMunicipalityCodes,
} from './lib.ts';

const PROVISION_RUNS = Number(process.env.BENCH_PROVISION_RUNS ?? 20);
const MIGRATE_TENANTS = Number(process.env.BENCH_MIGRATE_TENANTS ?? 100);
const HTTP_CONNECTIONS = Number(process.env.BENCH_HTTP_CONNECTIONS ?? 10);
const HTTP_SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 10);

async function provisioning() {
  header(
    `(a) provisionTenant × ${PROVISION_RUNS} (registry row + schema + tenant migrations, one transaction)`,
  );
  const db = await createScratchDb('prov');
  const set = loadMigrationSet();
  await migrateAll(db.adminUrl, set); // platform schema only: no tenants yet
  const codes = syntheticMunicipalityCodes(PROVISION_RUNS + 1);
  const times: number[] = [];
  await withAdminClient(db.adminUrl, async (client) => {
    // One warm-up (file cache, plan cache, catalog) that is not counted.
    const [warm, ...rest] = codes;
    await provisionTenant(
      client,
      { code: warm as string, name: `Uppvärmning ${warm}`, committeeName: 'Socialnämnden' },
      set,
    );
    for (const code of rest) {
      const start = now();
      await provisionTenant(
        client,
        { code, name: `Benchkommun ${code}`, committeeName: `Socialnämnden i ${code}` },
        set,
      );
      times.push(msSince(start));
    }
  });
  const tenantFiles = set.tenant.length;
  printTable([
    ['provision one tenant', 'median ms', 'p95 ms', 'min ms', 'max ms', 'runs'],
    [
      `${tenantFiles} tenant migration files`,
      fmt(median(times)),
      fmt(quantile(times, 0.95)),
      fmt(Math.min(...times)),
      fmt(Math.max(...times)),
      String(times.length),
    ],
  ]);
  return { median: median(times), p95: quantile(times, 0.95) };
}

async function migrating(provisionMedianMs: number) {
  header(`(b) migrateAll over ${MIGRATE_TENANTS} registered municipalities (schemas do not exist yet)`);
  const db = await createScratchDb('migr');
  const set = loadMigrationSet();
  await migrateAll(db.adminUrl, set); // platform schema
  const codes = syntheticMunicipalityCodes(MIGRATE_TENANTS);
  await withAdminClient(db.adminUrl, async (client) => {
    await client.query(
      `INSERT INTO platform.municipalities (municipality_code, name, schema_name, committee_name)
       SELECT c, 'Benchkommun ' || c, 'kommun_' || c, 'Socialnämnden i ' || c FROM unnest($1::text[]) AS c`,
      [codes],
    );
  });
  let start = now();
  const first = await migrateAll(db.adminUrl, set);
  const firstMs = msSince(start);
  const appliedFirst = first.tenants.reduce((s, t) => s + t.applied.length, 0);
  start = now();
  const second = await migrateAll(db.adminUrl, set);
  const secondMs = msSince(start);
  const appliedSecond = second.tenants.reduce((s, t) => s + t.applied.length, 0);
  printTable([
    ['run', 'total s', 'ms / tenant', 'migrations applied', '× provisionTenant median'],
    [
      `first (${first.tenants.length} schemas from scratch)`,
      fmt(firstMs / 1000, 2),
      fmt(firstMs / first.tenants.length),
      String(appliedFirst),
      `${fmt(ratio(firstMs / first.tenants.length, provisionMedianMs), 2)}×`,
    ],
    [
      'second (no-op)',
      fmt(secondMs / 1000, 2),
      fmt(secondMs / second.tenants.length, 2),
      String(appliedSecond),
      `${fmt(ratio(secondMs / second.tenants.length, provisionMedianMs), 2)}×`,
    ],
  ]);
  console.log(`  no-op run / first run: ${fmt(ratio(secondMs, firstMs), 3)}`);
}

async function http(cleanup: (fn: () => unknown) => void) {
  header(
    `(c) authenticated tenant-scoped read vs bare route — autocannon, ${HTTP_CONNECTIONS} connections × ${HTTP_SECONDS} s each`,
  );
  const database = await createScratchDb('http');
  await migrateAll(database.adminUrl);
  await seedDemo(database.adminUrl);
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: database.appUrl,
    LOG_LEVEL: 'silent',
    HOST: '127.0.0.1',
    PORT: '0',
  });
  const db = createDb({
    connectionString: database.appUrl,
    maxConnections: config.DATABASE_POOL_SIZE,
    applicationName: 'samverkan-bench-api',
  });
  cleanup(() => db.destroy());
  // No Redis and no register gateway: this route uses neither.
  const app = await buildApp({ config, db, redis: null, registers: null });
  // Same fastify instance, same global hooks (request id, onSend), no guard and no database.
  app.get('/bare', { schema: { hide: true } }, async () => ({ ok: true }));
  cleanup(() => app.close());
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  const token = app.jwt.sign({ sub: 'handlaggare.trelleborg' });
  const authHeaders = { authorization: `Bearer ${token}` };

  // Sanity: the read really is authorised through the agreement (200 with basis=agreement).
  const check = await fetch(`${base}/v1/municipalities/1263`, { headers: authHeaders });
  const body = (await check.json()) as { access?: { basis?: string } };
  if (check.status !== 200 || body.access?.basis !== 'agreement') {
    throw new Error(`GET /v1/municipalities/1263 answered ${check.status} ${JSON.stringify(body)}`);
  }
  const unauth = await fetch(`${base}/v1/municipalities/1263`);
  if (unauth.status !== 401)
    throw new Error(`without a token the read answered ${unauth.status}, expected 401`);

  const run = (path: string, seconds: number, headers: Record<string, string> = {}) =>
    autocannon({ url: `${base}${path}`, connections: HTTP_CONNECTIONS, duration: seconds, headers });

  // Warm-up of both paths (JIT, pools, plan caches); not counted.
  await run('/bare', 2);
  await run('/v1/municipalities/1263', 2, authHeaders);
  const auditCount = () =>
    withAdminClient(database.adminUrl, async (c) =>
      Number(
        (
          await c.query(
            `SELECT (SELECT count(*) FROM kommun_1263.audit_log) + (SELECT count(*) FROM kommun_1287.audit_log) + (SELECT count(*) FROM platform.audit_log) AS n`,
          )
        ).rows[0].n,
      ),
    );
  const auditBefore = await auditCount();
  const bare = await run('/bare', HTTP_SECONDS);
  const read = await run('/v1/municipalities/1263', HTTP_SECONDS, authHeaders);
  const row = (name: string, r: autocannon.Result) => [
    name,
    fmt(r.requests.average, 0),
    fmt(r.latency.p50, 1),
    fmt(r.latency.p99, 1),
    String(r.non2xx),
    String(r.errors + r.timeouts),
  ];
  printTable([
    ['route', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'errors'],
    row('GET /bare (constant)', bare),
    row('GET /v1/municipalities/1263 (handlaggare.trelleborg)', read),
  ]);
  const auditRows = (await auditCount()) - auditBefore;
  console.log(
    `  audit rows written during the measured runs: ${auditRows} (for ${read.requests.total} authorised reads)`,
  );
  console.log(
    `  authenticated read / bare route: ${fmt(ratio(read.requests.average, bare.requests.average), 3)} of the bare throughput`,
  );
  console.log(
    '  (the read: JWT verify, staff lookup, municipality + agreement lookup, access decision, response; logger silent)',
  );
  if (bare.non2xx + read.non2xx + bare.errors + read.errors > 0)
    console.log('  ! some requests failed; figures are not comparable');
  return { bareRps: bare.requests.average, readRps: read.requests.average };
}

async function pgbench(readRps: number | undefined) {
  header(`(d) database baseline: pgbench TPC-B (-i -s 1; ${PGBENCH_ARGS.join(' ')})`);
  const baseline = await pgbenchBaseline();
  if (!baseline.available) {
    console.log(`  skipped: ${baseline.note}`);
    return;
  }
  const tps = (await baseline.run()) as number;
  printTable([
    ['baseline', 'tps'],
    ['pgbench TPC-B, 8 clients', fmt(tps, 0)],
  ]);
  if (readRps !== undefined)
    console.log(`  authenticated read req/s / pgbench tps: ${fmt(ratio(readRps, tps), 2)}`);
}

await runBenchmark(async (cleanup) => {
  console.log(`samverkan bench:tenancy — ${new Date().toISOString()} — node ${process.version}`);
  const { median: provisionMedian } = await provisioning();
  await migrating(provisionMedian);
  const { readRps } = await http(cleanup);
  await pgbench(readRps);
  console.log('\nscratch databases dropped at exit.');
});
