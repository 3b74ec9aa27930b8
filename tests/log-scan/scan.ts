/**
 * Finds ID numbers and phones in log text: the values the tests used (recorded as they were
 * sent, the demo district's, literals in test sources) and, as a second net, anything that is
 * shaped like one on its own (a valid ID number, a mainland mobile number). Hits are reported
 * masked, with where they were and what the line was about, never the line itself.
 */
import fs from 'node:fs';
import path from 'node:path';
import { maskIdCardNo, maskPhone, parseIdCardNo } from '@yiyangtong/shared';

export interface Leak {
  /** Masked: the report must not repeat the leak. */
  value: string;
  kind: 'ID number' | 'ID number without its check digit' | 'phone';
  /** A value the tests used, or only shaped like one. */
  known: boolean;
  where: string;
}

/** The values to look for: phones, ID numbers (with their first 17 digits, in either case of the X). */
export class PersonalValues {
  readonly phones = new Set<string>();
  readonly idNumbers = new Set<string>();
  readonly idPrefixes = new Set<string>();

  add(value: string): void {
    const v = value.trim().toUpperCase();
    if (/^1[3-9]\d{9}$/.test(v)) this.phones.add(v);
    else if (/^[1-9]\d{16}[\dX]$/.test(v)) {
      this.idNumbers.add(v);
      this.idPrefixes.add(v.slice(0, 17));
    }
  }

  get size(): number {
    return this.phones.size + this.idNumbers.size;
  }
}

// A run of digits (an ID number may end in X) standing alone: compared whole, so an 11-digit
// phone inside a 13-digit timestamp is not one, nor 17 digits inside an object id's hex.
const DIGIT_RUN = /(?<![0-9A-Za-z])[0-9]{11,18}[Xx]?(?![0-9A-Za-z])/g;
// Shaped like one on its own: not part of a longer token (an object id's hex, a hash).
const ID_SHAPED = /(?<![0-9A-Za-z])[1-9][0-9]{16}[0-9Xx](?![0-9A-Za-z])/g;
const PHONE_SHAPED = /(?<![0-9A-Za-z])1[3-9][0-9]{9}(?![0-9A-Za-z])/g;

function maskAny(v: string): string {
  return v.length === 11
    ? maskPhone(v)
    : v.length === 17
      ? `${v.slice(0, 4)}*********${v.slice(-4)}`
      : maskIdCardNo(v);
}

/** What a log line was about, without its values: the message and the request path. */
function about(line: string): string {
  try {
    const e = JSON.parse(line) as Record<string, unknown>;
    return [e.msg, e.method, e.path].filter((x) => typeof x === 'string').join(' ');
  } catch {
    return '(not JSON)';
  }
}

export function findLeaks(text: string, values: PersonalValues, source: string): Leak[] {
  const leaks: Leak[] = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    const found = new Map<string, Omit<Leak, 'where'>>();
    for (const run of line.match(DIGIT_RUN) ?? []) {
      const v = run.toUpperCase();
      if (values.phones.has(v)) found.set(v, { value: maskAny(v), kind: 'phone', known: true });
      else if (values.idNumbers.has(v)) found.set(v, { value: maskAny(v), kind: 'ID number', known: true });
      else if (values.idPrefixes.has(v))
        found.set(v, { value: maskAny(v), kind: 'ID number without its check digit', known: true });
    }
    for (const m of line.match(ID_SHAPED) ?? []) {
      const v = m.toUpperCase();
      if (!found.has(v) && parseIdCardNo(v).ok)
        found.set(v, { value: maskAny(v), kind: 'ID number', known: false });
    }
    for (const v of line.match(PHONE_SHAPED) ?? []) {
      if (!found.has(v)) found.set(v, { value: maskAny(v), kind: 'phone', known: false });
    }
    if (!found.size) return;
    // Parsed only for a line with a hit: a whole suite's logs are hundreds of thousands of lines.
    const where = `${source}:${i + 1} (${about(line)})`;
    for (const hit of found.values()) leaks.push({ ...hit, where });
  });
  return leaks;
}

/** Every file under `dir` whose name ends in one of `exts` (node_modules not entered). */
export function filesUnder(dir: string, exts: string[]): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const full = path.join(dir, d.name);
    if (d.isDirectory()) return d.name === 'node_modules' ? [] : filesUnder(full, exts);
    return d.isFile() && exts.some((e) => d.name.endsWith(e)) ? [full] : [];
  });
}

/** One line per value: what it is, how often, and where first (masked). */
export function describeLeaks(leaks: Leak[]): string[] {
  const byValue = new Map<string, { leak: Leak; count: number }>();
  for (const l of leaks) {
    const key = `${l.value} ${l.kind}`;
    const seen = byValue.get(key);
    if (seen) seen.count += 1;
    else byValue.set(key, { leak: l, count: 1 });
  }
  return [...byValue.values()].map(
    ({ leak: l, count }) =>
      `${l.value} — ${l.kind}${l.known ? ' the tests used' : ' (shaped like one)'} — ` +
      `${count} time${count > 1 ? 's' : ''}, first in ${l.where}`,
  );
}
