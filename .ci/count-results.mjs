/** Sums every package's vitest JSON results into CI's closing `N passed, M failed` line. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const exitStatus = Number(process.argv[2] ?? 0);
let passed = 0;
let failed = 0;
let skipped = 0;

for (const group of ['packages', 'apps', 'tools']) {
  let names = [];
  try {
    names = readdirSync(group);
  } catch {
    continue;
  }
  for (const name of names) {
    const file = join(group, name, '.vitest-results.json');
    try {
      statSync(file);
    } catch {
      continue;
    }
    const results = JSON.parse(readFileSync(file, 'utf8'));
    passed += results.numPassedTests ?? 0;
    failed += results.numFailedTests ?? 0;
    skipped += (results.numPendingTests ?? 0) + (results.numTodoTests ?? 0);
    // A suite that failed to load (syntax error, missing import) has no tests to count.
    failed += (results.testResults ?? []).filter(
      (suite) => suite.status === 'failed' && (suite.assertionResults ?? []).length === 0,
    ).length;
  }
}

// typecheck or lint can fail with every test green: that is a failure too.
if (exitStatus !== 0 && failed === 0) failed = 1;

console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
