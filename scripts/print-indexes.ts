// npm run indexes: the indexes every model declares (schema.index / `index: true`), printed as
// mongosh commands — what a MongoDB deployment needs (docs/deploy.md). The BFF creates the same
// ones at start (ensureIndexes); this lets an operator create them ahead, e.g. on a large
// collection with the replica set's rolling build, or review them.
import mongoose from 'mongoose';
import '../bff/src/app'; // registers every model

const lines: string[] = [];
for (const model of Object.values(mongoose.models).sort((a, b) =>
  a.collection.collectionName.localeCompare(b.collection.collectionName),
)) {
  for (const [keys, options] of model.schema.indexes()) {
    const opts: Record<string, unknown> = {};
    if (options?.unique) opts.unique = true;
    if (options?.name) opts.name = options.name;
    const optsText = Object.keys(opts).length ? `, ${JSON.stringify(opts)}` : '';
    lines.push(`db.${model.collection.collectionName}.createIndex(${JSON.stringify(keys)}${optsText});`);
  }
}
process.stdout.write(`${lines.join('\n')}\n`);
