/**
 * Databases written before ID numbers were sealed hold them in plain (`idCardNo`, with a
 * unique index on it). At start, before `ensureIndexes` (whose unique index on
 * `idCardIndex` would find them all missing it), the old index is dropped (on MongoDB it would
 * count every elder without `idCardNo` as a duplicate null) and each such elder gets its
 * number sealed and the plain field removed.
 */
import mongoose from 'mongoose';
import { isDuplicateKeyError } from '../db';
import { Elder } from './model';
import { idCardCipher } from './idcard-crypto';

export async function sealPlainIdCardNos(): Promise<number> {
  // First the old index: unsetting `idCardNo` on two elders would otherwise collide as nulls on MongoDB.
  const indexes = await Elder.collection.indexes().catch(() => []); // no collection yet: nothing to do
  for (const index of indexes) {
    if (index.name && index.key && Object.keys(index.key).includes('idCardNo'))
      await Elder.collection.dropIndex(index.name);
  }
  const plain = Elder.collection.find<{ _id: unknown; idCardNo: string }>(
    { idCardNo: { $exists: true } },
    { projection: { idCardNo: 1 } },
  );
  let sealed = 0;
  for await (const doc of plain) {
    await Elder.collection.updateOne(
      { _id: doc._id as never },
      { $set: idCardCipher().seal(String(doc.idCardNo)), $unset: { idCardNo: '' } },
    );
    sealed += 1;
  }
  return sealed;
}

/**
 * A start with another key than the one the stored numbers were sealed with would answer
 * every elder read with an error and let a second registration of the same number through
 * (its blind index differs): refuse to start instead. The first start seals a known text in
 * `key_checks` (`_id` 'id-card-key'); every later one must open it.
 */
export async function checkIdCardKey(): Promise<void> {
  const checks = mongoose.connection.collection<{ _id: string; sealed: string }>('key_checks');
  const sealKnown = () => idCardCipher().seal(KEY_CHECK_TEXT).idCardEnc;
  const found = await checks.findOne({ _id: 'id-card-key' });
  if (!found) {
    await checks.insertOne({ _id: 'id-card-key', sealed: sealKnown() }).catch((err) => {
      if (!isDuplicateKeyError(err)) throw err; // another process wrote it first: fine
    });
    return checkIdCardKey(); // read back what won
  }
  let opened = '';
  try {
    opened = idCardCipher().open(found.sealed);
  } catch {
    /* reported below */
  }
  if (opened !== KEY_CHECK_TEXT)
    throw new Error(
      'ID_CARD_KEY is not the key the ID numbers in this database were sealed with ' +
        '(set the original ID_CARD_KEY, or keep DATA_DIR/id-card-key); key rotation is not supported',
    );
}
const KEY_CHECK_TEXT = 'YIYANGTONG KEY CHECK'; // seal() upper-cases what it seals
