/**
 * Inserts that arrive together leave as one command (bff/src/db/batched-writes.ts), and each
 * caller still gets its own document's outcome: a duplicate key fails its own insert only, the
 * others are stored. What a placement relies on for its key, claim and order inserts; deletes
 * by `_id` likewise (the placement's attempt marker). Runs on
 * FerretDB and on the atomic backend (tests/jest.atomic.config.js).
 */
import mongoose, { Schema } from 'mongoose';
import { ensureIndexes, isDuplicateKeyError } from '../../bff/src/db';
import { BatchedDeletes, BatchedInserts, WriteTooLateError } from '../../bff/src/db/batched-writes';
import { startTestServer, type TestServer } from '../harness/server';

interface Ticket {
  _id: string;
  seat: string;
}
const TicketModel = mongoose.model<Ticket>(
  'BatchedWritesTicket',
  new Schema<Ticket>({ _id: String, seat: String }, { versionKey: false }).index(
    { seat: 1 },
    { unique: true },
  ),
  'batched_writes_tickets',
);

let t: TestServer;
let commands: string[] = [];
const record = (e: { commandName: string; command: Record<string, unknown> }) => {
  if (e.command[e.commandName] === 'batched_writes_tickets') commands.push(e.commandName);
};
beforeAll(async () => {
  t = await startTestServer();
  await ensureIndexes();
  mongoose.connection.getClient().on('commandStarted', record);
});
afterAll(async () => {
  mongoose.connection.getClient().off('commandStarted', record);
  await t?.close();
});
beforeEach(() => {
  commands = [];
});

const inserts = new BatchedInserts<Ticket>(TicketModel);

test('inserts made together go out as one command; a taken seat fails only its own insert', async () => {
  await TicketModel.create({ _id: 't0', seat: 'A1' });
  commands = [];
  const outcomes = await Promise.allSettled([
    inserts.insert({ _id: 't1', seat: 'A2' }),
    inserts.insert({ _id: 't2', seat: 'A1' }), // seat taken by t0
    inserts.insert({ _id: 't3', seat: 'A3' }),
    inserts.insert({ _id: 't4', seat: 'A3' }), // the same seat as t3, in the same batch
    inserts.insert({ _id: 't0', seat: 'A9' }), // an _id taken
  ]);
  expect(outcomes.map((o) => o.status)).toEqual([
    'fulfilled',
    'rejected',
    'fulfilled',
    'rejected',
    'rejected',
  ]);
  for (const o of outcomes) if (o.status === 'rejected') expect(isDuplicateKeyError(o.reason)).toBe(true);
  expect(commands).toEqual(['insert']);
  const stored = await TicketModel.find().sort({ _id: 1 }).lean();
  expect(stored.map((d) => `${d._id}:${d.seat}`)).toEqual(['t0:A1', 't1:A2', 't3:A3']);
});

test('inserts made one after another each go out at once (nothing waits for company)', async () => {
  await inserts.insert({ _id: 's1', seat: 'B1' });
  await inserts.insert({ _id: 's2', seat: 'B2' });
  expect(commands).toEqual(['insert', 'insert']);
  expect(await TicketModel.countDocuments({ seat: /^B/ })).toBe(2);
});

test('an insert whose deadline passed before its batch left is not written; the rest of the batch is', async () => {
  const outcomes = await Promise.allSettled([
    inserts.insert({ _id: 'd1', seat: 'D1' }, Date.now() + 60_000),
    inserts.insert({ _id: 'd2', seat: 'D2' }, Date.now() - 1), // a placement past its deadline
    inserts.insert({ _id: 'd3', seat: 'D3' }),
  ]);
  expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(WriteTooLateError);
  expect(commands).toEqual(['insert']);
  const stored = await TicketModel.find({ seat: /^D/ }).sort({ _id: 1 }).lean();
  expect(stored.map((d) => d._id)).toEqual(['d1', 'd3']);
});

const deletes = new BatchedDeletes(TicketModel);

test('deletes made together go out as one command, each removing only its own document', async () => {
  await TicketModel.insertMany(['E1', 'E2', 'E3', 'E4'].map((seat) => ({ _id: `e-${seat}`, seat })));
  commands = [];
  await Promise.all([deletes.delete('e-E1'), deletes.delete('e-E3'), deletes.delete('e-none')]);
  expect(commands).toEqual(['delete']);
  const left = await TicketModel.find({ seat: /^E/ }).sort({ _id: 1 }).lean();
  expect(left.map((d) => d._id)).toEqual(['e-E2', 'e-E4']);
});
