// Adds up vitest's JSON reports (unit/integration and chaos) into the closing line CI reads: "N passed, N failed".
import { existsSync, readFileSync } from 'node:fs';

const files = process.argv.slice(2);
let passed = 0;
let failed = 0;
for (const file of files) {
  if (!existsSync(file)) {
    console.log(`${file}: missing (the run did not finish)`);
    failed += 1;
    continue;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  // A test file that fails to load has no failed tests but a failed suite: count it so CI goes red.
  const brokenFiles = report.testResults.filter((f) => f.status === 'failed' && f.assertionResults.length === 0);
  passed += report.numPassedTests;
  failed += report.numFailedTests + brokenFiles.length;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
