import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { PersonFixtureInput } from '@samverkan/registers';

/** What the robot benchmark needs of a register simulator, wherever it runs. */
export interface BenchSimulator {
  url: string;
  /** CPU seconds the simulator has used so far (its own process only; null when inline). */
  cpuSeconds(): number | null;
  setPerson(fixture: PersonFixtureInput): Promise<void>;
  close(): Promise<void>;
}

const MAIN = fileURLToPath(new URL('../../../packages/registers/src/simulator/main.ts', import.meta.url));

/**
 * The register simulator as its own process (`pnpm --filter @samverkan/registers simulate`, as
 * `pnpm dev` runs it): the registers are other organisations' services, so their side of each
 * call is not the worker's CPU — but on this machine it still takes its share of the same cores,
 * which the benchmark's whole-machine CPU figure shows. Persons are set over its admin API.
 */
export async function startSimulatorProcess(): Promise<BenchSimulator> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: { ...process.env, REGISTER_SIMULATOR_PORT: '0', REGISTER_SIMULATOR_HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('the register simulator did not start in 30 s')), 30_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /(http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the register simulator exited with ${code} before it listened`));
    });
  });
  return {
    url,
    cpuSeconds: () => processCpuSeconds(child.pid),
    async setPerson(fixture) {
      const res = await fetch(`${url}/admin/persons/${fixture.population.personnummer}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(fixture),
      });
      if (res.status !== 200)
        throw new Error(`simulator refused a person: ${res.status} ${await res.text()}`);
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** utime + stime of a process from /proc (Linux), in seconds; null where unreadable. */
function processCpuSeconds(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15)
    return ticks / 100; // USER_HZ
  } catch {
    return null;
  }
}
