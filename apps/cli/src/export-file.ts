import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { EXPORT_FORMAT } from '@samverkan/db';
import { CliError } from './errors.ts';

/**
 * `pnpm cli` runs with apps/cli as its working directory; pnpm records where the user was in
 * INIT_CWD (passed in through config), so relative paths mean what the user expects.
 */
export function resolveUserPath(path: string, baseDir: string | undefined): string {
  return isAbsolute(path) ? path : resolve(baseDir ?? process.cwd(), path);
}

export interface ExportFileHeader {
  code: string;
  name: string;
  migrations: string[];
  agreements: { agreementId: string; hostCode: string; tenantCode: string }[];
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads and checks only the first line, so a wrong file is refused before anything is opened. */
export async function readExportHeader(file: string, command: string): Promise<ExportFileHeader> {
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) throw new CliError(`No such file: ${file}`, command);
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let first: string | undefined;
  for await (const line of lines) {
    first = line;
    break;
  }
  lines.close();
  let header: unknown;
  try {
    header = JSON.parse(first ?? '');
  } catch {
    throw new CliError(`${file} is not a tenant export (the first line is not JSON)`, command);
  }
  if (!isRecord(header) || header.format !== EXPORT_FORMAT || !isRecord(header.municipality)) {
    throw new CliError(`${file} is not a tenant export (expected format ${EXPORT_FORMAT})`, command);
  }
  const agreements = Array.isArray(header.agreements) ? header.agreements.filter(isRecord) : [];
  return {
    code: String(header.municipality.municipality_code),
    name: String(header.municipality.name),
    migrations: Array.isArray(header.migrations) ? header.migrations.map(String) : [],
    agreements: agreements.map((a) => ({
      agreementId: String(a.agreement_id),
      hostCode: String(a.host_code),
      tenantCode: String(a.tenant_code),
    })),
  };
}

export function formatCounts(tables: Record<string, number>): string[] {
  const entries = Object.entries(tables);
  const width = Math.max(5, ...entries.map(([t]) => t.length));
  const total = entries.reduce((n, [, c]) => n + c, 0);
  return [
    ...entries.map(([t, c]) => `  ${t.padEnd(width)}  ${String(c).padStart(8)}`),
    `  ${'total'.padEnd(width)}  ${String(total).padStart(8)}`,
  ];
}
