import { describe, expect, it } from 'vitest';
import { retentionDispose } from '../src/commands/retention-dispose.ts';
import { CliError } from '../src/errors.ts';
import { captureOutput } from '../src/output.ts';
import { runCli } from '../src/run.ts';
import { query, useSeededPlatform } from './helpers.ts';

const platform = useSeededPlatform();
const OLD_PNR = '198003124568'; // born on the 12th: not kept
const run = (args: string[]) => {
  const out = captureOutput();
  return retentionDispose(platform.config, args, out).then(() => out.text());
};

async function seedOldCase() {
  await query(
    platform.adminUrl,
    `INSERT INTO platform.staff (username, display_name, employer_code, roles)
     VALUES ('enhetschef.svedala', 'Enhetschef Svedala', '1263', '{unit_manager}') ON CONFLICT DO NOTHING`,
  );
  await query(
    platform.adminUrl,
    `WITH c AS (INSERT INTO kommun_1263.citizens (personnummer, given_name, family_name, created_at)
                VALUES ($1, 'Gammal', 'Ärendesson', '2019-03-01') RETURNING person_id)
     INSERT INTO kommun_1263.applications (case_number, person_id, month, channel, status, household_key, form,
       submitted_at, processing, created_at, updated_at)
     SELECT 'EB-1263-2019-000042', person_id, '2019-03', 'digital', 'withdrawn', $1, '{}', '2019-03-02', 'none',
            '2019-03-02', '2019-03-02' FROM c`,
    [OLD_PNR],
  );
}

describe('retention dispose', () => {
  it('dry-runs by default and disposes with --execute, as the municipality’s own unit manager', async () => {
    await seedOldCase();
    const dry = await run(['--code', '1263', '--as', 'enhetschef.svedala']);
    expect(dry).toContain('Dry run for 1263 (Svedala kommun)');
    expect(dry).toContain('would dispose of: 1 persons, 1 cases');
    expect(dry).toContain('EB-1263-2019-000042');
    expect(
      await query(platform.adminUrl, 'SELECT 1 FROM kommun_1263.citizens WHERE personnummer = $1', [OLD_PNR]),
    ).toHaveLength(1);

    const done = await run(['--code', '1263', '--as', 'enhetschef.svedala', '--execute']);
    expect(done).toContain('disposed of: 1 persons, 1 cases');
    expect(done).toMatch(/applications\s+1/);
    expect(
      await query(platform.adminUrl, 'SELECT 1 FROM kommun_1263.citizens WHERE personnummer = $1', [OLD_PNR]),
    ).toEqual([]);
    const [log] = await query<{ executed_by: string; case_numbers: string[] }>(
      platform.adminUrl,
      'SELECT executed_by, case_numbers FROM kommun_1263.disposal_runs',
    );
    expect(log).toEqual({ executed_by: 'enhetschef.svedala', case_numbers: ['EB-1263-2019-000042'] });
  });

  it('refuses the host’s staff, unknown users and --as-of with --execute', async () => {
    await expect(run(['--code', '1263', '--as', 'enhetschef.trelleborg'])).rejects.toThrow(CliError);
    await expect(run(['--code', '1263', '--as', 'nobody'])).rejects.toThrow(CliError);
    await expect(
      run(['--code', '1263', '--as', 'enhetschef.svedala', '--execute', '--as-of', '2030-01-01']),
    ).rejects.toThrow(/--as-of is for dry runs/);
    const out = captureOutput();
    expect(await runCli(['retention', 'dispose', '--help'], platform.config, out)).toBe(0);
    expect(out.text()).toContain('Usage: pnpm cli retention dispose');
  });
});
