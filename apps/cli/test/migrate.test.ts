import { loadMigrationSet } from '@samverkan/db';
import { describe, expect, it } from 'vitest';
import { migrate } from '../src/commands/migrate.ts';
import { captureOutput } from '../src/output.ts';
import { catalogSnapshot, query, useSeededPlatform } from './helpers.ts';

const platform = useSeededPlatform();
const CODES = Array.from({ length: 50 }, (_, i) => String(2500 + i)); // 2500–2549: county 25 (Norrbotten)

describe('migrate', () => {
  it('migrates 50 registered tenant schemas, then a second run applies nothing and changes no catalog entry', async () => {
    // Registered but never migrated, as after a registry restore or a new tenant migration.
    await query(
      platform.adminUrl,
      `INSERT INTO platform.municipalities (municipality_code, name, schema_name, committee_name)
       SELECT code, 'Testkommun ' || code, 'kommun_' || code, 'Socialnämnden i testkommun ' || code
         FROM unnest($1::text[]) AS code`,
      [CODES],
    );
    const tenantMigrations = loadMigrationSet().tenant.map((f) => f.name);

    const first = captureOutput();
    let started = performance.now();
    await migrate(platform.config, [], first);
    const firstMs = performance.now() - started;
    for (const code of CODES) {
      expect(first.stdout).toContain(
        `  ${`kommun_${code} (${code})`.padEnd(22)} applied ${tenantMigrations.join(', ')}`,
      );
    }
    expect(first.text()).toMatch(/kommun_1263 \(1263\)\s+up to date/);
    expect(first.text()).toContain(`53 schema(s), ${50 * tenantMigrations.length} migration(s) applied`);
    const before = await catalogSnapshot(platform.adminUrl);
    expect(before.filter((l) => l.startsWith('schema '))).toHaveLength(52);

    const second = captureOutput();
    started = performance.now();
    await migrate(platform.config, [], second);
    const secondMs = performance.now() - started;
    expect(second.stdout.filter((l) => l.includes('applied ') && !l.includes('0 migration(s)'))).toEqual([]);
    expect(second.text()).toContain('53 schema(s), 0 migration(s) applied — everything up to date');
    expect(await catalogSnapshot(platform.adminUrl)).toEqual(before);

    // Every new schema is the same as the seeded ones.
    const reference = await catalogSnapshot(platform.adminUrl, 'kommun_1287', true);
    expect(await catalogSnapshot(platform.adminUrl, 'kommun_2549', true)).toEqual(reference);
    console.info(
      `migrate: 50 new tenant schemas in ${Math.round(firstMs)} ms; re-run over 52 in ${Math.round(secondMs)} ms`,
    );
  });
});
