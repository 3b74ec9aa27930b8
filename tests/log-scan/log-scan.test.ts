/**
 * Runs after the whole suite (scripts/test.mjs, its own jest config): everything the BFFs
 * logged during the run (.cache/test-logs/: in-process test servers, child BFFs, `npm start`)
 * holds none of the ID numbers and phones the tests used — nor anything shaped like one.
 * A failure names each hit masked, with the file, line and what the line was about.
 */
import fs from 'node:fs';
import path from 'node:path';
import { configFromEnv } from '../../bff/src/config';
import { DEMO_ACCOUNTS, DEMO_ELDER_COUNT, demoElderPersonalData } from '../../bff/src/seed/demo';
import { PERSONAL_DATA_DIR, personalDataIn, SCAN_REPORT, TEST_LOG_DIR } from '../harness/personal-data';
import { describeLeaks, filesUnder, findLeaks, PersonalValues } from './scan';

const root = path.resolve(__dirname, '../..');
const logFiles = filesUnder(TEST_LOG_DIR, ['.log']);

function valuesTheTestsUsed(): { values: PersonalValues; sent: number } {
  const values = new PersonalValues();
  // what the harness's API client and the browser pages sent
  let sent = 0;
  for (const file of filesUnder(PERSONAL_DATA_DIR, ['.txt'])) {
    for (const v of fs.readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
      values.add(v);
      sent += 1;
    }
  }
  // the demo district (npm start, the demo tests) and the default first admin
  for (const a of DEMO_ACCOUNTS) values.add(a.phone);
  for (let i = 0; i < DEMO_ELDER_COUNT; i++)
    Object.values(demoElderPersonalData(i)).forEach((v) => values.add(v));
  values.add(configFromEnv({}).bootstrapAdmin.phone);
  // literals written in test sources
  for (const file of filesUnder(path.join(root, 'tests'), ['.ts']))
    personalDataIn(fs.readFileSync(file, 'utf8')).forEach((v) => values.add(v));
  return { values, sent };
}

test('the suite left logs and recorded the personal data it sent (so the scan looks at something)', () => {
  expect({ dir: TEST_LOG_DIR, files: logFiles.length > 0 }).toEqual({ dir: TEST_LOG_DIR, files: true });
  const lines = logFiles.reduce((n, f) => n + fs.readFileSync(f, 'utf8').split('\n').length, 0);
  expect(lines).toBeGreaterThan(20);
  const { values, sent } = valuesTheTestsUsed();
  expect(sent).toBeGreaterThanOrEqual(5);
  expect(values.phones.size).toBeGreaterThanOrEqual(5);
  expect(values.idNumbers.size).toBeGreaterThanOrEqual(5);
});

test('no log holds an ID number or a phone the tests used, nor anything shaped like one', () => {
  const { values } = valuesTheTestsUsed();
  const leaks = logFiles.flatMap((file) =>
    findLeaks(fs.readFileSync(file, 'utf8'), values, path.relative(root, file)),
  );
  const report = describeLeaks(leaks);
  // scripts/test.mjs prints it beside the suite's last line, where CI's output is read.
  fs.writeFileSync(SCAN_REPORT, report.map((l) => `${l}\n`).join(''));
  expect(report).toEqual([]);
});
