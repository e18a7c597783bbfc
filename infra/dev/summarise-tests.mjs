// Sums vitest's JSON reports (one per package) into a single plain closing line.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

let passed = 0;
let failed = 0;
let skipped = 0;
let packages = 0;
for (const group of ['apps', 'packages']) {
  for (const name of readdirSync(group)) {
    const file = join(group, name, '.vitest-report.json');
    if (!existsSync(file)) continue;
    const report = JSON.parse(readFileSync(file, 'utf8'));
    packages += 1;
    passed += report.numPassedTests ?? 0;
    failed += report.numFailedTests ?? 0;
    // A test file that fails to load has no failed tests but does fail the package.
    if ((report.numFailedTests ?? 0) === 0 && (report.numFailedTestSuites ?? 0) > 0)
      failed += report.numFailedTestSuites;
    skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  }
}
console.log(`\n${packages} packages tested`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || packages === 0 ? 1 : 0);
