import { createHash } from 'node:crypto';

/**
 * The ID-card key every test BFF uses (in-process and child processes on one database must
 * agree); a test of the wrong key starts a child with `ID_CARD_KEY` set to another.
 */
export const TEST_ID_CARD_KEY = createHash('sha256').update('yiyangtong test id-card key').digest();
