// Prints vitest's JSON report as the closing line CI reads: "N passed, N failed".
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? '.test-results/vitest.json';
let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch {
  console.log('0 passed, 1 failed');
  process.exit(1);
}
console.log(`${report.numPassedTests} passed, ${report.numFailedTests + suiteErrors(report)} failed`);

function suiteErrors(r) {
  // A test file that fails to load has no failed tests but a failed suite: count it so CI goes red.
  return r.testResults.filter((f) => f.status === 'failed' && f.assertionResults.length === 0).length;
}
