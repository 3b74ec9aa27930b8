/**
 * ID numbers (身份证号) at rest (PIPL): each is stored AES-256-GCM encrypted with a random
 * 12-byte IV, as a versioned string, beside an HMAC-SHA256 blind index of the normalised
 * number (its own field, unique) that serves the duplicate check and look-ups by number.
 * Both keys are derived (HKDF-SHA256, different labels) from one 32-byte secret:
 * `ID_CARD_KEY`, or a key generated once in DATA_DIR for the embedded default.
 * Key rotation is not supported: a new key cannot read what the old one sealed.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync } from 'node:crypto';
import { randomBytes } from 'node:crypto';
import { AppError } from '../core/errors';
import { persistentSecret } from '../core/secrets';

const VERSION = 'v1';
const AAD = Buffer.from('yiyangtong id-card v1');

/** A stored number that this key cannot open: another key, or altered data. Never garbage. */
export class IdCardUnreadableError extends AppError {
  constructor() {
    super(
      500,
      'ID_CARD_UNREADABLE',
      '身份证号无法解密：服务器的身份证密钥（ID_CARD_KEY）与登记时的不同，或数据已损坏',
    );
  }
}

/** `ID_CARD_KEY`: 32 bytes as 64 hex characters, or as base64 / base64url (43–44 characters). */
export function parseIdCardKey(text: string): Buffer {
  const s = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(s)) return Buffer.from(s, 'hex');
  if (/^[A-Za-z0-9+/]{43}=?$/.test(s) || /^[A-Za-z0-9_-]{43}$/.test(s)) {
    const key = Buffer.from(s, s.includes('-') || s.includes('_') ? 'base64url' : 'base64');
    if (key.length === 32) return key;
  }
  throw new Error(
    `ID_CARD_KEY must be 32 bytes written as 64 hex characters or as base64 ` +
      `(e.g. \`openssl rand -hex 32\`); the value given (${s.length} characters) is not`,
  );
}

/** The key from `ID_CARD_KEY`, else the one generated once in `dataDir` (file `id-card-key`, 0600). */
export function idCardKeyFor(env: NodeJS.ProcessEnv, dataDir: string): Buffer {
  return env.ID_CARD_KEY
    ? parseIdCardKey(env.ID_CARD_KEY)
    : Buffer.from(persistentSecret(dataDir, 'id-card-key'), 'hex');
}

/** What the duplicate check and the look-up compare: no spaces, the check letter upper-case. */
export const normaliseIdCardNo = (idCardNo: string) => idCardNo.trim().toUpperCase();

export interface SealedIdCardNo {
  /** `v1:<iv>:<ciphertext>:<tag>` (base64url). */
  idCardEnc: string;
  /** HMAC-SHA256 of the normalised number (base64url). */
  idCardIndex: string;
}

export class IdCardCipher {
  private readonly encryptionKey: Buffer;
  private readonly indexKey: Buffer;

  constructor(secret: Buffer) {
    if (secret.length !== 32) throw new Error('the ID-card key must be 32 bytes');
    const derive = (label: string) =>
      Buffer.from(hkdfSync('sha256', secret, 'yiyangtong/id-card', label, 32));
    this.encryptionKey = derive('aes-256-gcm encryption v1');
    this.indexKey = derive('hmac-sha256 blind index v1');
  }

  index(idCardNo: string): string {
    return createHmac('sha256', this.indexKey).update(normaliseIdCardNo(idCardNo)).digest('base64url');
  }

  seal(idCardNo: string): SealedIdCardNo {
    const plain = normaliseIdCardNo(idCardNo);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.encryptionKey, iv).setAAD(AAD);
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const parts = [iv, data, cipher.getAuthTag()].map((b) => b.toString('base64url'));
    return { idCardEnc: [VERSION, ...parts].join(':'), idCardIndex: this.index(plain) };
  }

  /** The whole number; throws IdCardUnreadableError when GCM's authentication fails. */
  open(idCardEnc: string): string {
    const [version, iv, data, tag] = String(idCardEnc).split(':');
    if (version !== VERSION || !iv || !data || !tag) throw new IdCardUnreadableError();
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.encryptionKey, Buffer.from(iv, 'base64url'))
        .setAAD(AAD)
        .setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      throw new IdCardUnreadableError();
    }
  }
}

let current: IdCardCipher | undefined;

/** Set once at start (server.ts, the test harness) before anything reads or writes elders. */
export function useIdCardKey(secret: Buffer): void {
  current = new IdCardCipher(secret);
}

export function idCardCipher(): IdCardCipher {
  if (!current) throw new Error('no ID-card key configured: call useIdCardKey() at start');
  return current;
}
