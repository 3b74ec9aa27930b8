// npm test: install what is missing, build FerretDB, the H5 app and the weapp build,
// install Chromium and schemathesis (a venv in .tools/) when absent, typecheck and lint, then run the whole jest suite with the server in TZ=UTC.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import {
  ensureChromium,
  ensureDependencies,
  ensureSchemathesis,
  ensureFerretdb,
  ensureH5Built,
  ensureWeappBuilt,
  lint,
  root,
  step,
  typecheck,
} from './lib/prepare.mjs';

const started = Date.now();
try {
  ensureDependencies();
  ensureFerretdb();
  ensureH5Built();
  ensureWeappBuilt();
  ensureChromium();
  ensureSchemathesis();
  typecheck();
  lint();
} catch (err) {
  process.stderr.write(`\n✗ ${err.message}\n`);
  process.exit(1);
}
step('Running the test suite (jest: unit, api, browser)');
const resultsFile = path.join(root, '.cache', 'jest-results.json');
fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
fs.rmSync(resultsFile, { force: true });
const res = spawnSync(
  path.join(root, 'node_modules', '.bin', 'jest'),
  ['-c', 'tests/jest.config.js', '--json', `--outputFile=${resultsFile}`, ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit', env: { ...process.env, TZ: 'UTC' } },
);
let summary = 'no results';
if (fs.existsSync(resultsFile)) {
  const r = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
  summary = `${r.numPassedTests} passed, ${r.numFailedTests} failed`;
  if (r.numPendingTests) summary += `, ${r.numPendingTests} skipped`;
}
process.stdout.write(`\nnpm test took ${Math.round((Date.now() - started) / 1000)} s\n${summary}\n`);
process.exit(res.status ?? 1);
