/**
 * The ID numbers and phones the tests send, recorded for the log scan that runs after the
 * whole suite (tests/log-scan/): every string of the kind in a request the harness's API
 * client sends (path and body) is appended to `.cache/test-personal-data/sent-<pid>.txt`.
 * The BFFs' logs go to `.cache/test-logs/` (LOG_COPY_DIR, set by global-setup.ts).
 */
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');
export const TEST_LOG_DIR = path.join(root, '.cache', 'test-logs');
export const PERSONAL_DATA_DIR = path.join(root, '.cache', 'test-personal-data');
/** What the log scan found, one masked line per value (written by tests/log-scan/, printed by scripts/test.mjs). */
export const SCAN_REPORT = path.join(root, '.cache', 'log-scan-report.txt');

/**
 * Looks like an ID number (18 characters, the last may be x) or a mainland mobile number,
 * standing alone: not a run of digits inside an object id's hex (…e570554992075656029e…),
 * which once was recorded as "sent" and then found in another id's hex in the logs.
 */
const ID_NUMBER_LIKE = /(?<![0-9A-Za-z])[1-9][0-9]{16}[0-9Xx](?![0-9A-Za-z])/g;
const PHONE_LIKE = /(?<![0-9A-Za-z])1[3-9][0-9]{9}(?![0-9A-Za-z])/g;

const recorded = new Set<string>();

export function personalDataIn(text: string): string[] {
  return [...(text.match(ID_NUMBER_LIKE) ?? []), ...(text.match(PHONE_LIKE) ?? [])];
}

/** Records every ID-number- or phone-looking string in `text` (once per process). */
export function recordPersonalData(text: string): void {
  const fresh = personalDataIn(text).filter((v) => !recorded.has(v));
  if (!fresh.length) return;
  for (const v of fresh) recorded.add(v);
  fs.mkdirSync(PERSONAL_DATA_DIR, { recursive: true });
  fs.appendFileSync(path.join(PERSONAL_DATA_DIR, `sent-${process.pid}.txt`), `${fresh.join('\n')}\n`);
}
