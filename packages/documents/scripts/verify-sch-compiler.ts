/**
 * Compiler regression check (was an opt-in, normally skipped vitest test): our Schematron
 * compiler (`vendor/peppol/sch-to-xslt.xsl`) applied to the CEN `.sch` must report the same
 * failed-assert ids and flags as the official pre-compiled CEN XSLT, on every upstream example
 * and every document of the SE unit test sets.
 *
 * Run: `pnpm --filter @samverkan/documents run verify:sch-compiler` (Node ≥ 24 runs the TypeScript
 * directly). A cold cache compiles both stylesheets first (~25 s). Prints a summary and exits 1
 * on any difference, 2 when the check itself could not run.
 */
import { readdirSync, readFileSync } from 'node:fs';
import {
  ensurePeppolSef,
  ensureSchematronSef,
  peppolRuleFiles,
  runCompiledRules,
} from '../src/peppol/validate.ts';
import { readUnitTestSet } from '../test/helpers/testsets.ts';

interface Document {
  readonly name: string;
  readonly xml: string;
}

interface Difference {
  readonly name: string;
  /** `id:flag` reported only by the official CEN XSLT. */
  readonly onlyOfficial: string[];
  /** `id:flag` reported only by our compiled `.sch`. */
  readonly onlyOurs: string[];
}

const fixtures = new URL('../test/fixtures/peppol/', import.meta.url);

function loadDocuments(): Document[] {
  const examplesDir = new URL('examples/', fixtures);
  const docs: Document[] = readdirSync(examplesDir)
    .filter((f) => f.endsWith('.xml'))
    .sort()
    .map((f) => ({ name: `examples/${f}`, xml: readFileSync(new URL(f, examplesDir), 'utf8') }));
  const setDir = new URL('testsets/unit-UBL-SE/', fixtures);
  for (const f of readdirSync(setDir)
    .filter((name) => name.endsWith('.xml'))
    .sort()) {
    readUnitTestSet(new URL(f, setDir).pathname).tests.forEach((t, i) => {
      docs.push({ name: `testsets/unit-UBL-SE/${f} #${i + 1}`, xml: t.xml });
    });
  }
  return docs;
}

/** Failed asserts as a multiset of `id:flag` (sorted), the comparison key. */
const keys = (findings: readonly { id: string; flag: string }[]): string[] =>
  findings.map((x) => `${x.id}:${x.flag}`).sort();

/** Elements of `a` not matched one-for-one in `b`. */
function minus(a: readonly string[], b: readonly string[]): string[] {
  const rest = [...b];
  return a.filter((x) => {
    const i = rest.indexOf(x);
    if (i === -1) return true;
    rest.splice(i, 1);
    return false;
  });
}

async function main(): Promise<number> {
  const started = Date.now();
  const official = (await ensurePeppolSef()).cen;
  const ours = await ensureSchematronSef(peppolRuleFiles.cenSch);
  const docs = loadDocuments();
  if (docs.length === 0) {
    console.error('verify-sch-compiler: no documents found under test/fixtures/peppol/.');
    return 2;
  }
  const differences: Difference[] = [];
  let findingsCompared = 0;
  for (const doc of docs) {
    const expected = keys(await runCompiledRules(official, doc.xml));
    const actual = keys(await runCompiledRules(ours, doc.xml));
    findingsCompared += expected.length;
    const onlyOfficial = minus(expected, actual);
    const onlyOurs = minus(actual, expected);
    if (onlyOfficial.length > 0 || onlyOurs.length > 0)
      differences.push({ name: doc.name, onlyOfficial, onlyOurs });
  }

  for (const d of differences) {
    console.log(`DIFF ${d.name}`);
    if (d.onlyOfficial.length > 0) console.log(`  only official CEN XSLT: ${d.onlyOfficial.join(', ')}`);
    if (d.onlyOurs.length > 0) console.log(`  only sch-to-xslt.xsl:   ${d.onlyOurs.join(', ')}`);
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `sch-to-xslt.xsl vs official CEN XSLT: ${docs.length} documents, ${findingsCompared} official failed asserts, ` +
      `${docs.length - differences.length} identical, ${differences.length} different (${seconds} s)`,
  );
  return differences.length === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error('verify-sch-compiler: the check could not run:', error);
    process.exitCode = 2;
  },
);
