/**
 * Databases written before ID numbers were sealed hold them in plain (`idCardNo`, with a
 * unique index on it). At start, before `ensureIndexes` (whose unique index on
 * `idCardIndex` would find them all missing it), the old index is dropped (on MongoDB it would
 * count every elder without `idCardNo` as a duplicate null) and each such elder gets its
 * number sealed and the plain field removed.
 */
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
