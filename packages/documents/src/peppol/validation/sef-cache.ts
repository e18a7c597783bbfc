import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const require = createRequire(import.meta.url);

const packageRoot = fileURLToPath(new URL('../../../', import.meta.url));
const vendorDir = `${packageRoot}vendor/peppol/`;

/** The vendored inputs (copied unchanged from upstream, see vendor/peppol/README.md). */
export const peppolRuleFiles = {
  cenXslt: `${vendorDir}rules/EN16931-UBL-validation.xslt`,
  peppolSch: `${vendorDir}rules/PEPPOL-EN16931-UBL.sch`,
  schToXslt: `${vendorDir}sch-to-xslt.xsl`,
  cenSch: `${vendorDir}rules/CEN-EN16931-UBL.sch`,
} as const;

/** Compiled stylesheets live outside the repository (git-ignored node_modules), keyed on a hash of their inputs. */
export const sefCacheDir = `${packageRoot}node_modules/.cache/samverkan-peppol/`;

export interface SefPaths {
  readonly cen: string;
  readonly peppol: string;
}

const xslt3Script = (): string => require.resolve('xslt3/xslt3.js');

async function hashOf(files: readonly string[]): Promise<string> {
  const hash = createHash('sha256');
  const xslt3Package = JSON.parse(await readFile(require.resolve('xslt3/package.json'), 'utf8')) as {
    version: string;
  };
  hash.update(`xslt3@${xslt3Package.version}\n`);
  for (const file of files) {
    hash.update(await readFile(file));
    hash.update('\n');
  }
  return hash.digest('hex').slice(0, 16);
}

async function xslt3(args: readonly string[]): Promise<void> {
  await run(process.execPath, [xslt3Script(), ...args], { maxBuffer: 64 * 1024 * 1024 });
}

/** Compiles to a temporary name and renames, so parallel callers never read a half-written file. */
async function compileOnce(target: string, compile: (tmp: string) => Promise<void>): Promise<void> {
  if (existsSync(target)) return;
  const tmp = `${target}.${process.pid}.${Date.now()}.tmp`;
  try {
    await compile(tmp);
    await rename(tmp, target);
  } finally {
    await rm(tmp, { force: true });
  }
}

/**
 * Returns the paths of the two SaxonJS SEF files (CEN EN 16931 UBL rules and Peppol BIS 3 rules),
 * compiling them with xslt3 first when they are missing or the rule files changed. A cold
 * build takes about 20 s (the CEN stylesheet dominates); both are compiled in parallel.
 */
export async function ensurePeppolSef(): Promise<SefPaths> {
  await mkdir(sefCacheDir, { recursive: true });
  const cen = `${sefCacheDir}cen-ubl-${await hashOf([peppolRuleFiles.cenXslt])}.sef.json`;
  const peppol = `${sefCacheDir}peppol-ubl-${await hashOf([peppolRuleFiles.peppolSch, peppolRuleFiles.schToXslt])}.sef.json`;
  await Promise.all([
    compileOnce(cen, (tmp) =>
      xslt3([`-xsl:${peppolRuleFiles.cenXslt}`, `-export:${tmp}`, '-nogo', '-relocate:on']),
    ),
    compileOnce(peppol, (tmp) => compileSchematron(peppolRuleFiles.peppolSch, tmp)),
  ]);
  return { cen, peppol };
}

/** Schematron → XSLT 3.0 (our sch-to-xslt.xsl) → SEF. */
async function compileSchematron(sch: string, target: string): Promise<void> {
  const xsl = `${target}.xsl`;
  try {
    await xslt3([`-xsl:${peppolRuleFiles.schToXslt}`, `-s:${sch}`, `-o:${xsl}`]);
    await xslt3([`-xsl:${xsl}`, `-export:${target}`, '-nogo', '-relocate:on']);
  } finally {
    await rm(xsl, { force: true });
  }
}

/**
 * Compiles any Schematron file with our compiler to a cached SEF (used by
 * `scripts/verify-sch-compiler.ts`, which compares our compiler on the CEN `.sch` with the official CEN XSLT).
 */
export async function ensureSchematronSef(sch: string): Promise<string> {
  await mkdir(sefCacheDir, { recursive: true });
  const target = `${sefCacheDir}sch-${await hashOf([sch, peppolRuleFiles.schToXslt])}.sef.json`;
  await compileOnce(target, (tmp) => compileSchematron(sch, tmp));
  return target;
}
