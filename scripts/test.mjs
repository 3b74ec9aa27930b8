// npm test: install what is missing, build FerretDB, the H5 app and the weapp build,
// install Chromium and schemathesis (a venv in .tools/) when absent, typecheck and lint, then run the whole
// jest suite with the server in TZ=UTC, then the invariant tests again in the write lock's atomic mode
// (on mongo-java-server, built with Maven), then the log scan over what every BFF logged during both.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { lint, prepareForTests, root, step, typecheck } from './lib/prepare.mjs';

const started = Date.now();
try {
  prepareForTests();
  typecheck();
  lint();
} catch (err) {
  process.stderr.write(`\n✗ ${err.message}\n`);
  process.exit(1);
}
step('Running the test suite (jest: unit, api, browser)');
const cache = path.join(root, '.cache');
fs.mkdirSync(cache, { recursive: true });

/** One jest run with its JSON results: {status, passed, failed, skipped} (failed ≥ 1 if it broke). */
function jest(config, resultsName, args, env = {}) {
  const resultsFile = path.join(cache, resultsName);
  fs.rmSync(resultsFile, { force: true });
  const res = spawnSync(
    path.join(root, 'node_modules', '.bin', 'jest'),
    // --forceExit: a handle left open after a failure must not hang CI past its time limit
    ['-c', config, '--json', `--outputFile=${resultsFile}`, '--forceExit', ...args],
    { cwd: root, stdio: 'inherit', env: { ...process.env, TZ: 'UTC', ...env } },
  );
  const status = res.status ?? 1;
  if (!fs.existsSync(resultsFile)) return { status, passed: 0, failed: 1, skipped: 0 };
  const r = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
  // a file that failed to run counts as a failed test
  const failed = r.numFailedTests + (status !== 0 && r.numFailedTests === 0 ? 1 : 0);
  return { status, passed: r.numPassedTests, failed, skipped: r.numPendingTests };
}

const main = jest('tests/jest.config.js', 'jest-results.json', process.argv.slice(2));
// The invariant tests again on an atomic MongoDB-wire server (mongo-java-server): the write lock's
// `atomic` mode, production's MongoDB path. Its logs join the main run's for the scan.
let atomic = { status: 0, passed: 0, failed: 0, skipped: 0 };
if (!process.env.MONGODB_URI && process.argv.length <= 2) {
  step('The invariant tests in atomic mode (jest: atomic, on mongo-java-server)');
  atomic = jest('tests/jest.atomic.config.js', 'jest-atomic-results.json', [], {
    TEST_DATABASE: 'atomic',
    LOG_COPY_DIR: path.join(cache, 'test-logs'),
  });
}
// After the whole suite: every BFF's logs (.cache/test-logs/) hold none of the ID numbers and
// phones the tests used. Its own jest run: jest has no "after every file" hook.
step('Scanning the logs of the run for ID numbers and phones (jest: log-scan)');
const scanReport = path.join(cache, 'log-scan-report.txt');
fs.rmSync(scanReport, { force: true });
const scan = jest('tests/log-scan.jest.config.js', 'log-scan-results.json', []);

const total = (k) => main[k] + atomic[k] + scan[k];
let summary = `${total('passed')} passed, ${total('failed')} failed`;
if (total('skipped')) summary += `, ${total('skipped')} skipped`;
summary +=
  ` (suite: ${main.passed} passed, ${main.failed} failed; atomic mode: ${atomic.passed} passed, ` +
  `${atomic.failed} failed; log scan: ${scan.failed ? 'FAILED' : 'clean'})`;
if (scan.failed) {
  // Named here, beside the last line, so a red CI run explains itself (values masked).
  const hits = fs.existsSync(scanReport) ? fs.readFileSync(scanReport, 'utf8').trim() : '';
  process.stdout.write(
    hits
      ? `\nThe log scan found personal data in the logs (masked):\n${hits}\n`
      : '\nThe log scan failed before it could name a hit (see its jest output above).\n',
  );
}
process.stdout.write(`\nnpm test took ${Math.round((Date.now() - started) / 1000)} s\n${summary}\n`);
process.exit(main.status || atomic.status || scan.status || (scan.failed ? 1 : 0));
