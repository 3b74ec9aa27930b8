/**
 * The sealing of ID numbers (bff/src/elders/idcard-crypto.ts): AES-256-GCM that only the
 * right key opens, a blind index that ignores the case of the X, and the key's sources
 * (ID_CARD_KEY, strictly parsed; else a file kept in DATA_DIR, readable by its owner only).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeIdCardNo } from '@yiyangtong/shared';
import {
  IdCardCipher,
  idCardKeyFor,
  IdCardUnreadableError,
  parseIdCardKey,
} from '../../bff/src/elders/idcard-crypto';

const key = randomBytes(32);
const cipher = new IdCardCipher(key);
const number = makeIdCardNo('530111', '1946-07-21', 123);
const withX = (() => {
  for (let seq = 1; seq < 999; seq++) {
    const n = makeIdCardNo('530102', '1944-12-03', seq);
    if (n.endsWith('X')) return n;
  }
  throw new Error('no X check character found');
})();

describe('sealing', () => {
  test('what is sealed opens to the same number, and the sealed text does not contain it', () => {
    const { idCardEnc } = cipher.seal(number);
    expect(idCardEnc.startsWith('v1:')).toBe(true);
    expect(idCardEnc).not.toContain(number.slice(0, 17));
    expect(cipher.open(idCardEnc)).toBe(number);
  });

  test('each value gets its own IV: the same number sealed twice reads differently', () => {
    const a = cipher.seal(number).idCardEnc;
    const b = cipher.seal(number).idCardEnc;
    expect(a).not.toBe(b);
    expect(a.split(':')[1]).not.toBe(b.split(':')[1]);
  });

  test('another key cannot open it: a clear error, not another number', () => {
    const { idCardEnc } = cipher.seal(number);
    const other = new IdCardCipher(randomBytes(32));
    expect(() => other.open(idCardEnc)).toThrow(IdCardUnreadableError);
    expect(() => other.open(idCardEnc)).toThrow(/身份证号无法解密.*ID_CARD_KEY/);
  });

  test('an altered ciphertext, tag or version is refused, not opened to garbage', () => {
    const [v, iv, data, tag] = cipher.seal(number).idCardEnc.split(':');
    const flip = (s: string) => {
      const bytes = Buffer.from(s, 'base64url');
      bytes[0] ^= 1;
      return bytes.toString('base64url');
    };
    for (const altered of [
      [v, iv, flip(data), tag],
      [v, iv, data, flip(tag)],
      [v, flip(iv), data, tag],
      ['v2', iv, data, tag],
      [v, iv, data],
    ]) {
      expect(() => cipher.open(altered.join(':'))).toThrow(IdCardUnreadableError);
    }
  });

  test('the blind index is the same for either case of the X and differs per key and per number', () => {
    expect(cipher.index(withX.toLowerCase())).toBe(cipher.index(withX));
    expect(cipher.seal(` ${withX.toLowerCase()} `).idCardIndex).toBe(cipher.seal(withX).idCardIndex);
    expect(cipher.open(cipher.seal(withX.toLowerCase()).idCardEnc)).toBe(withX);
    expect(cipher.index(number)).not.toBe(cipher.index(withX));
    expect(new IdCardCipher(randomBytes(32)).index(number)).not.toBe(cipher.index(number));
    expect(cipher.index(number)).not.toContain(number.slice(0, 6));
  });
});

describe('the key', () => {
  test('ID_CARD_KEY is read as 64 hex characters or as base64 / base64url of 32 bytes', () => {
    expect(parseIdCardKey(key.toString('hex'))).toEqual(key);
    expect(parseIdCardKey(key.toString('base64'))).toEqual(key);
    expect(parseIdCardKey(key.toString('base64url'))).toEqual(key);
    expect(parseIdCardKey(` ${key.toString('hex')}\n`)).toEqual(key);
  });

  test.each([
    ['too short', 'ab'.repeat(31)],
    ['not hex', 'zz'.repeat(32)],
    ['16 bytes in base64', randomBytes(16).toString('base64')],
    ['48 bytes in base64', randomBytes(48).toString('base64')],
    ['a passphrase', 'correct horse battery staple'],
  ])('a malformed ID_CARD_KEY (%s) is refused with a message naming it', (_what, text) => {
    expect(() => parseIdCardKey(text)).toThrow(/ID_CARD_KEY must be 32 bytes/);
    expect(() => idCardKeyFor({ ID_CARD_KEY: text }, os.tmpdir())).toThrow(/ID_CARD_KEY/);
  });

  test('without ID_CARD_KEY a key is generated once in DATA_DIR (mode 0600) and found again', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'yyt-key-'));
    try {
      const first = idCardKeyFor({}, dataDir);
      expect(first).toHaveLength(32);
      const file = path.join(dataDir, 'id-card-key');
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(idCardKeyFor({}, dataDir)).toEqual(first);
      // what the first key sealed, a restart (the same file) opens
      const sealed = new IdCardCipher(first).seal(number).idCardEnc;
      expect(new IdCardCipher(idCardKeyFor({}, dataDir)).open(sealed)).toBe(number);
      // ID_CARD_KEY wins over the file
      expect(idCardKeyFor({ ID_CARD_KEY: key.toString('hex') }, dataDir)).toEqual(key);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
