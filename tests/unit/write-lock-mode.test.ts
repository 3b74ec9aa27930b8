/**
 * Which guard conditional writes get (bff/src/db/write-lock.ts): the wrong one either lets two
 * BFF processes sell the last portion twice or slows every order for nothing.
 */
import { parseWriteLockMode, writeLockModeFor } from '../../bff/src/db/write-lock';

test('MongoDB relies on its own atomic conditional update, whatever WRITE_LOCK says', () => {
  expect(writeLockModeFor('mongodb', false, undefined)).toBe('atomic');
  expect(writeLockModeFor('mongodb', false, 'process')).toBe('atomic');
});

test('FerretDB started by this process locks in-process; one given by URI (shared) takes the lease', () => {
  expect(writeLockModeFor('ferretdb', true, undefined)).toBe('process');
  expect(writeLockModeFor('ferretdb', false, undefined)).toBe('database');
  expect(writeLockModeFor('ferretdb', true, 'database')).toBe('database');
  expect(writeLockModeFor('ferretdb', false, 'process')).toBe('process');
});

test('a mistyped WRITE_LOCK stops the start instead of silently choosing', () => {
  expect(parseWriteLockMode('')).toBeUndefined();
  expect(() => parseWriteLockMode('lease')).toThrow(/WRITE_LOCK/);
});
