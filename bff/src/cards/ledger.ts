/**
 * The meal-card ledger without transactions and without locks.
 *
 * Two kinds of document: the card (`meal_cards/<elderId>`: balance, seq, `inflight`,
 * `decided`) and its entries (`card_entries/<deterministic id>`, state pending → applied |
 * void). The card is the authority on every entry's money: each decision is ONE conditional
 * update of the card, so two requests, or a request and recovery, can never both win — on
 * MongoDB with no lease at all, on FerretDB under `conditionalUpdate`'s per-document lock.
 * The entry's own state follows the card's decision right after (`follow`), and recovery
 * makes it follow when a crash came in between.
 *
 * For an entry the card says one of:
 *  - counted: its id is in `inflight` — the amount is in `balance`, not final yet (a payment
 *    stays so until its order exists, so a crash in between is visible);
 *  - applied: marker `a:<id>` in `decided` (counted, final);
 *  - void: marker `v:<id>` in `decided` (never counted, or given back);
 *  - undecided: none of these (then the entry's own state, if final, was decided before its
 *    marker was trimmed or before markers existed).
 * The moves, each one conditional update of the card:
 *  - count   undecided → counted: `$inc balance` (condition `balance >= amount` for a
 *    payment), `$inc seq`, `$push inflight`;
 *  - settle  counted → applied: `$pull inflight`, `$push decided a:`;
 *  - unwind  counted → void: `$inc balance -amount`, `$pull inflight`, `$push decided v:`;
 *  - drop    undecided → void: `$push decided v:` (a payment that will never be counted).
 * So balance = Σ amounts of the counted and applied entries, always; a debit never takes
 * it below zero; and whatever runs concurrently, an entry is counted at most once.
 *
 * Markers stay while their entry is still pending and for the last KEEP_DECIDED decisions;
 * older ones are pulled (`trimDecided`). A request that read an entry as pending and then
 * stalled while KEEP_DECIDED other entries of the same card were decided could count it a
 * second time: the same kind of limit a lease has (its holder must not stall past expiry),
 * only far wider.
 *
 * A crash leaves an entry pending: counted (settled by `recover` once stale, except a
 * payment whose order was never created, which is unwound), marked (the entry follows), or
 * undecided (credits owed — top-up paid, refund of a cancelled order — are counted and
 * settled; payments are dropped: their order was never placed).
 */
import { chinaMonth } from '@yiyangtong/shared';
import type { CardEntryKind, Role } from '@yiyangtong/shared';
import { isDuplicateKeyError } from '../db';
import { conditionalUpdate } from '../db/write-lock';
import { MealOrder } from '../orders/model';
import { ElderPackage } from '../packages/model';
import { CardEntry, MealCard, type CardEntryDoc, type MealCardDoc } from './model';
import { objectIdOrNull } from '../db/ids';
import { entriesOfElderMonth, entryElderMonth } from './queries';

/** How old a half-done entry must be before recovery finishes it (a live request is far faster). */
export const STALE_MS = 60_000;
/** Decision markers a card keeps at least; trimmed back to this once it holds TRIM_AT. */
export const KEEP_DECIDED = 100;
const TRIM_AT = 150;

export interface NewEntry {
  _id: string;
  elderId: string;
  kind: CardEntryKind;
  amount: number;
  orderId?: string;
  canteenMonth?: string;
  by: { userId: string; role: Role; name?: string };
  method?: 'cash' | 'wechat' | 'card' | 'family';
  paymentId?: string;
  requestHash?: string;
  reverses?: string;
  at: Date;
}

/** Step 1: records the entry as pending; an entry with that id already there is returned as is. */
export async function recordEntry(e: NewEntry): Promise<{ entry: CardEntryDoc; created: boolean }> {
  try {
    const doc = await CardEntry.create({
      ...e,
      state: 'pending',
      elderMonth: entryElderMonth(e.elderId, e.at),
    });
    return { entry: doc.toObject(), created: true };
  } catch (err) {
    if (!isDuplicateKeyError(err)) throw err;
    const existing = await CardEntry.findById(e._id).lean<CardEntryDoc>();
    if (!existing) throw err;
    return { entry: existing, created: false };
  }
}

export type ApplyOutcome =
  { state: 'applied' | 'inflight'; balance: number } | { state: 'void' | 'insufficient'; balance: number };

type EntryRef = Pick<CardEntryDoc, '_id' | 'elderId'>;
type Decision = 'counted' | 'applied' | 'void' | 'undecided';

const appliedMark = (id: string) => `a:${id}`;
const voidMark = (id: string) => `v:${id}`;
/** The card's filter for "this entry is undecided". */
const undecided = (id: string) => ({
  inflight: { $ne: id },
  $and: [{ decided: { $ne: appliedMark(id) } }, { decided: { $ne: voidMark(id) } }],
});

async function readCard(elderId: string): Promise<MealCardDoc | null> {
  return MealCard.findById(elderId).lean<MealCardDoc>();
}

async function readEntry(id: string): Promise<CardEntryDoc | null> {
  return CardEntry.findById(id).lean<CardEntryDoc>();
}

function decisionOf(card: MealCardDoc | null, entry: CardEntryDoc): Decision {
  if (card?.inflight.includes(entry._id)) return 'counted';
  if (card?.decided?.includes(appliedMark(entry._id))) return 'applied';
  if (card?.decided?.includes(voidMark(entry._id))) return 'void';
  return entry.state === 'pending' ? 'undecided' : entry.state;
}

async function openCard(elderId: string, month: string): Promise<void> {
  try {
    await MealCard.create({
      _id: elderId,
      balance: 0,
      seq: 0,
      inflight: [],
      decided: [],
      firstMonth: month,
      lastMonth: month,
    });
  } catch (err) {
    if (!isDuplicateKeyError(err)) throw err;
  }
}

/** The entry's own state catches up with the card's decision. */
async function follow(id: string, state: 'applied' | 'void'): Promise<void> {
  await conditionalUpdate(CardEntry, id, { state: 'pending' }, { $set: { state } });
}

/**
 * Pulls markers beyond the newest KEEP_DECIDED whose entry is final. Best effort: money is
 * already decided, and the next decision on this card tries again.
 */
async function trimDecided(card: MealCardDoc | null): Promise<void> {
  const decided = card?.decided ?? [];
  if (!card || decided.length < TRIM_AT) return;
  try {
    const old = decided.slice(0, decided.length - KEEP_DECIDED);
    const entries = await Promise.all(old.map((mark) => readEntry(mark.slice(2))));
    const final = old.filter((_, i) => entries[i]?.state !== 'pending');
    if (final.length) await conditionalUpdate(MealCard, card._id, {}, { $pullAll: { decided: final } });
  } catch {
    // left for the next decision
  }
}

/** undecided → counted. Null when the card is missing, the entry decided, or the balance too small. */
function count(entry: CardEntryDoc): Promise<MealCardDoc | null> {
  const month = chinaMonth(entry.at);
  const condition: Record<string, unknown> = undecided(entry._id);
  if (entry.amount < 0) condition.balance = { $gte: -entry.amount };
  return conditionalUpdate<MealCardDoc>(MealCard, entry.elderId, condition, {
    $inc: { balance: entry.amount, seq: 1 },
    $push: { inflight: entry._id },
    $min: { firstMonth: month },
    $max: { lastMonth: month },
  });
}

/** One final move of the card (see the header), then the entry follows. Null when the card refused it. */
async function decide(
  entry: EntryRef,
  condition: Record<string, unknown>,
  update: Record<string, unknown>,
  state: 'applied' | 'void',
): Promise<MealCardDoc | null> {
  const card = await conditionalUpdate<MealCardDoc>(MealCard, entry.elderId, condition, update);
  if (!card) return null;
  await follow(entry._id, state);
  await trimDecided(card);
  return card;
}

/** counted → applied. Null when it was not counted (any more). */
const settle = (entry: EntryRef) =>
  decide(
    entry,
    { inflight: entry._id },
    { $pull: { inflight: entry._id }, $push: { decided: appliedMark(entry._id) } },
    'applied',
  );

/** counted → void: the amount given back. Null when it was not counted. */
const unwind = (entry: CardEntryDoc) =>
  decide(
    entry,
    { inflight: entry._id },
    {
      $inc: { balance: -entry.amount, seq: 1 },
      $pull: { inflight: entry._id },
      $push: { decided: voidMark(entry._id) },
    },
    'void',
  );

/** undecided → void. Null when it was decided meanwhile. */
async function drop(entry: CardEntryDoc): Promise<MealCardDoc | null> {
  const dropOnCard = () =>
    decide(entry, undecided(entry._id), { $push: { decided: voidMark(entry._id) } }, 'void');
  const card = await dropOnCard();
  if (card || (await readCard(entry.elderId))) return card;
  // A card must exist to carry the decision, or a late request could still count the entry.
  await openCard(entry.elderId, chinaMonth(entry.at));
  return dropOnCard();
}

const ROUNDS = 6; // each round loses only to a decision someone else made: a few settle it

/**
 * Applies a recorded entry to its card: counted, and then (unless `keepInflight`) applied.
 * A payment too large → 'insufficient', voided. Idempotent; safe against any concurrent call.
 */
export async function applyEntry(
  entryRef: EntryRef,
  opts: { keepInflight?: boolean } = {},
): Promise<ApplyOutcome> {
  for (let round = 0; round < ROUNDS; round++) {
    const entry = await readEntry(entryRef._id);
    if (!entry) throw new Error(`card entry ${entryRef._id} missing`);
    let card = entry.state === 'pending' ? await count(entry) : null;
    if (!card) {
      const current = await readCard(entry.elderId);
      if (!current && entry.state === 'pending') {
        await openCard(entry.elderId, chinaMonth(entry.at));
        continue;
      }
      const decision = decisionOf(current, entry);
      if (decision === 'applied' || decision === 'void') {
        if (entry.state === 'pending') await follow(entry._id, decision);
        return { state: decision, balance: current?.balance ?? 0 };
      }
      if (decision === 'undecided') {
        // On an existing card only a payment fails to count undecided: too small a balance.
        if (entry.amount >= 0) continue;
        const dropped = await drop(entry);
        if (dropped) return { state: 'insufficient', balance: dropped.balance };
        continue; // decided meanwhile: look again
      }
      card = current!; // counted already (a concurrent request, or a crash after counting)
    }
    if (opts.keepInflight) return { state: 'inflight', balance: card.balance };
    const settled = await settle(entry);
    if (settled) return { state: 'applied', balance: settled.balance };
  }
  throw new Error(`card entry ${entryRef._id}: no decision after ${ROUNDS} rounds`);
}

/** A payment's order exists: the payment is final. False when it was voided meanwhile (recovery). */
export async function finishPayment(entryRef: EntryRef): Promise<boolean> {
  if (await settle(entryRef)) return true;
  const entry = await readEntry(entryRef._id);
  if (!entry) return false;
  const decision = decisionOf(await readCard(entry.elderId), entry);
  if (decision === 'applied' || decision === 'void') {
    if (entry.state === 'pending') await follow(entry._id, decision);
  }
  return decision === 'applied';
}

/** Undoes a payment whose order could not be placed: balance given back, entry voided. */
export async function undoPayment(entryRef: EntryRef): Promise<void> {
  for (let round = 0; round < ROUNDS; round++) {
    const entry = await readEntry(entryRef._id);
    if (!entry || entry.state !== 'pending') return;
    const decision = decisionOf(await readCard(entry.elderId), entry);
    if (decision === 'applied' || decision === 'void') return follow(entry._id, decision);
    if (decision === 'counted' ? await unwind(entry) : await drop(entry)) return;
  }
  throw new Error(`card entry ${entryRef._id}: no decision after ${ROUNDS} rounds`);
}

const isStale = (e: Pick<CardEntryDoc, 'createdAt'>, now: number) =>
  now - new Date(e.createdAt).getTime() >= STALE_MS;

/**
 * Whether what a payment paid for exists: a meal order, or (orderId `elderId:packageId:month`)
 * the elder's package bought by this very payment's attempt (`pay:<purchaseId>`).
 */
async function paymentTargetExists(entry: Pick<CardEntryDoc, '_id' | 'orderId'>): Promise<boolean> {
  const orderId = entry.orderId;
  if (orderId?.includes(':')) {
    const bought = await ElderPackage.findById(orderId).lean<{ purchaseId?: string }>();
    return Boolean(bought) && `pay:${bought!.purchaseId}` === entry._id;
  }
  const oid = orderId && objectIdOrNull(orderId);
  return Boolean(oid && (await MealOrder.exists({ _id: oid })));
}

/**
 * Finishes what crashed requests left half-done on one card: stale counted entries, and the
 * stale pending entries the caller found (`pending`). See the header for the rules.
 */
export async function recover(elderId: string, pending: CardEntryDoc[] = []): Promise<void> {
  const now = Date.now();
  const card = await readCard(elderId);
  for (const id of card?.inflight ?? []) {
    const entry = await readEntry(id);
    if (!entry) {
      await conditionalUpdate(MealCard, elderId, { inflight: id }, { $pull: { inflight: id } });
      continue;
    }
    if (!isStale(entry, now)) continue;
    if (entry.state === 'applied')
      await settle(entry); // marked before it left flight (older ledger)
    else if (entry.state === 'void') await unwind(entry);
    else if (entry.kind === 'payment' && !(await paymentTargetExists(entry))) await unwind(entry);
    else await settle(entry);
  }
  for (const e of pending) {
    if (!isStale(e, now)) continue;
    if (e.amount < 0) await undoPayment(e);
    else await applyEntry(e);
  }
}

/** The China months from `last` back to `first` (YYYY-MM), newest first. */
function monthsBetween(first: string, last: string): string[] {
  const months: string[] = [];
  let [y, m] = last.split('-').map(Number);
  for (let guard = 0; guard < 600; guard++) {
    const month = `${y}-${String(m).padStart(2, '0')}`;
    months.push(month);
    if (month <= first) break;
    m -= 1;
    if (m === 0) {
      m = 12;
      y -= 1;
    }
  }
  return months;
}

async function entriesOf(elderId: string, months: string[]): Promise<CardEntryDoc[]> {
  const found: CardEntryDoc[] = [];
  for (let i = 0; i < months.length; i += 6) {
    const pages = await Promise.all(
      months.slice(i, i + 6).map((month) => entriesOfElderMonth(elderId, month)),
    );
    found.push(...pages.flat());
  }
  return found;
}

export interface CardStatement {
  balance: number;
  entries: CardEntryDoc[];
  /** Entries counted in the balance whose request is still running (a payment awaiting its order). */
  inflight: string[];
}

/**
 * The card and its entries (all of them, or one month's), seen at one `seq`: read the card,
 * its entries, the card again; a change in between → read again. Stale half-done entries
 * are finished first.
 */
export async function statement(elderId: string, month?: string): Promise<CardStatement> {
  for (let attempt = 0; ; attempt++) {
    const card = await readCard(elderId);
    if (!card) return { balance: 0, entries: [], inflight: [] };
    const months = month ? [month] : monthsBetween(card.firstMonth, card.lastMonth);
    const all = await entriesOf(elderId, months);
    const now = Date.now();
    const stale = all.filter((e) => e.state === 'pending' && isStale(e, now));
    if (attempt === 0 && (stale.length || card.inflight.length)) {
      await recover(elderId, stale);
      continue;
    }
    const again = await readCard(elderId);
    if (again && again.seq !== card.seq && attempt < 5) continue;
    const counted = new Set(card.inflight);
    for (const mark of card.decided ?? []) if (mark.startsWith('a:')) counted.add(mark.slice(2));
    const entries = all
      .filter((e) => e.state === 'applied' || counted.has(e._id))
      .sort((a, b) => new Date(b.at).getTime() - new Date(a.at).getTime() || b._id.localeCompare(a._id));
    return { balance: card.balance, entries, inflight: card.inflight };
  }
}

export function entryView(e: CardEntryDoc, inflight: string[] = []) {
  return {
    id: e._id,
    kind: e.kind,
    amount: e.amount,
    ...(e.orderId ? { orderId: e.orderId } : {}),
    ...(e.method ? { method: e.method } : {}),
    ...(e.reverses ? { reverses: e.reverses } : {}),
    by: { userId: e.by.userId, role: e.by.role, ...(e.by.name ? { name: e.by.name } : {}) },
    at: new Date(e.at).toISOString(),
    ...(inflight.includes(e._id) ? { processing: true } : {}),
  };
}
