import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TEST_SERVER_URL } from '@samverkan/db/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { up } from '../src/commands/up.ts';
import { captureOutput } from '../src/output.ts';
import { configFor, query, serverQuery } from './helpers.ts';

const CLI_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The real thing: `tsx src/main.ts …` in apps/cli, as `pnpm cli …` runs it. */
function runMain(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(CLI_DIR, 'node_modules/.bin/tsx'), ['src/main.ts', ...args], {
      cwd: CLI_DIR,
      env: { PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`, NODE_ENV: 'test', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const database = `samverkan_cli_up_${randomBytes(5).toString('hex')}`;
const url = (user?: string) => {
  const u = new URL(TEST_SERVER_URL);
  u.pathname = `/${database}`;
  if (user) u.username = user;
  return u.toString();
};
const env = { DATABASE_URL: url('samverkan_app'), ADMIN_DATABASE_URL: url() };

afterAll(async () => {
  await serverQuery(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
});

describe('main.ts', () => {
  it('prints usage with exit 0, and refuses bad input with exit 1 and no stack trace', async () => {
    const help = await runMain(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('tenant export');

    const bad = await runMain(['tenant', 'create', '--code', '12a3', '--name', 'Vellinge kommun'], env);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toContain('error: Invalid kommunkod "12a3"');
    expect(bad.stderr).not.toMatch(/\n\s+at /);

    const config = await runMain(['tenant', 'list'], { DATABASE_URL: 'mysql://nope' });
    expect(config.code).toBe(1);
    expect(config.stderr).toContain('DATABASE_URL: expected postgres://');

    const missing = await runMain(['tenant', 'list'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/database "samverkan_cli_up_\w+" does not exist\. Run `pnpm cli up`/);
  });

  it('`up` creates the database, migrates and seeds; a second run changes nothing', async () => {
    const first = await runMain(['up'], env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`Database "${database}": created`);
    expect(first.stdout).toMatch(/platform\s+applied 0001_create_registry\.sql/);
    expect(first.stdout).toMatch(/Demo seed: Trelleborg \(1287\), Svedala \(1263\)/);
    expect(first.stdout).toMatch(/Application role samverkan_app@.* connects, sees 2 municipalities/);

    const list = await runMain(['tenant', 'list'], env);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^1263\s+Svedala kommun\s+kommun_1263\s+active/m);

    const staffBefore = await query(url(), 'SELECT username, created_at FROM platform.staff ORDER BY 1');
    const again = captureOutput();
    await up(configFor({ appUrl: env.DATABASE_URL, adminUrl: env.ADMIN_DATABASE_URL }), [], again);
    expect(again.text()).toContain(`Database "${database}": exists`);
    expect(again.text()).toContain('0 migration(s) applied — everything up to date');
    expect(await query(url(), 'SELECT username, created_at FROM platform.staff ORDER BY 1')).toEqual(
      staffBefore,
    );
  });
});
