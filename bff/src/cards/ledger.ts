/**
 * The meal-card ledger without transactions.
 *
 * Two kinds of document: the card (`meal_cards/<elderId>`: balance, seq, inflight ids) and
 * its entries (`card_entries/<deterministic id>`, state pending → applied | void). Every
 * change of a card runs inside one critical section per card (`writeLock.run('card:<id>')`,
 * across processes too with WRITE_LOCK=database), so reading an entry's state and then
 * writing the card is not a race. A money event goes:
 *
 *  1. insert the entry 'pending' with its deterministic `_id` (E11000: it is recorded
 *     already — a retried WeChat notification, a second cancel — and we only make sure it
 *     is applied);
 *  2. in the card's section: the entry is still 'pending' and not in `card.inflight` →
 *     ONE conditional update of the card: `$inc balance` (condition `balance >= amount`
 *     for a payment), `$inc seq`, `$push inflight <id>`. From here the money is counted;
 *  3. mark the entry 'applied', then `$pull` its id from `inflight`. A payment stays in
 *     flight until its order exists (placement), so a crash in between is visible.
 *
 * A crash anywhere leaves one of: a pending entry not on the card (never counted), or an id
 * in `inflight` (counted, entry not yet marked). `recover` (run when a card is read and finds
 * something stale, and on every card write's section) finishes both: in-flight ids are marked
 * applied — except a payment whose order was never created, which is voided (balance given
 * back); stale pending entries not on the card are applied when they are credits owed
 * (top-up paid, refund of a cancelled order) and voided when they are payments (their order
 * was never placed). Nothing is counted twice: only a pending entry that is not in
 * `inflight` is ever applied, both checked inside the section, and an id leaves `inflight`
 * only after its entry is marked. So balance = Σ applied entries + Σ in-flight entries,
 * always, and a debit never takes the balance below zero.
 */
import { chinaMonth } from '@yiyangtong/shared';
import type { CardEntryKind, Role } from '@yiyangtong/shared';
import { isDuplicateKeyError } from '../db';
import { conditionalUpdate, writeLock } from '../db/write-lock';
import { MealOrder } from '../orders/model';
import { ElderPackage } from '../packages/model';
import { CardEntry, MealCard, type CardEntryDoc, type MealCardDoc } from './model';
import { objectIdOrNull } from '../db/ids';

/** How old a half-done entry must be before recovery finishes it (a live request is far faster). */
export const STALE_MS = 60_000;

const section = <T>(elderId: string, fn: () => Promise<T>) => writeLock.run(`card:${elderId}`, fn);

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
      elderMonth: `${e.elderId}:${chinaMonth(e.at)}`,
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

async function readCard(elderId: string): Promise<MealCardDoc | null> {
  return MealCard.findById(elderId).lean<MealCardDoc>();
}

async function openCard(elderId: string, month: string): Promise<void> {
  try {
    await MealCard.create({
      _id: elderId,
      balance: 0,
      seq: 0,
      inflight: [],
      firstMonth: month,
      lastMonth: month,
    });
  } catch (err) {
    if (!isDuplicateKeyError(err)) throw err;
  }
}

/** Marks an in-flight entry applied and takes it out of flight (inside the section). */
async function settle(entry: Pick<CardEntryDoc, '_id' | 'elderId'>): Promise<MealCardDoc | null> {
  await conditionalUpdate(CardEntry, entry._id, { state: 'pending' }, { $set: { state: 'applied' } });
  return conditionalUpdate<MealCardDoc>(MealCard, entry.elderId, {}, { $pull: { inflight: entry._id } });
}

/** Gives an in-flight entry's amount back and voids it (inside the section). */
async function unwind(entry: CardEntryDoc): Promise<MealCardDoc | null> {
  const card = await conditionalUpdate<MealCardDoc>(
    MealCard,
    entry.elderId,
    { inflight: entry._id },
    { $inc: { balance: -entry.amount, seq: 1 }, $pull: { inflight: entry._id } },
  );
  await conditionalUpdate(CardEntry, entry._id, { state: 'pending' }, { $set: { state: 'void' } });
  return card;
}

/** Step 2 (and 3 unless `keepInflight`) for a pending entry; idempotent. Inside the section. */
async function applyHeld(entryId: string, keepInflight: boolean): Promise<ApplyOutcome> {
  const entry = await CardEntry.findById(entryId).lean<CardEntryDoc>();
  if (!entry) throw new Error(`card entry ${entryId} missing`);
  const month = chinaMonth(entry.at);
  const condition: Record<string, unknown> = { inflight: { $ne: entryId } };
  if (entry.amount < 0) condition.balance = { $gte: -entry.amount };
  if (entry.state !== 'pending') {
    const card = await readCard(entry.elderId);
    return { state: entry.state === 'applied' ? 'applied' : 'void', balance: card?.balance ?? 0 };
  }
  const update = {
    $inc: { balance: entry.amount, seq: 1 },
    $push: { inflight: entryId },
    $min: { firstMonth: month },
    $max: { lastMonth: month },
  };
  let card = await conditionalUpdate<MealCardDoc>(MealCard, entry.elderId, condition, update);
  if (!card) {
    let current = await readCard(entry.elderId);
    if (!current) {
      await openCard(entry.elderId, month);
      card = await conditionalUpdate<MealCardDoc>(MealCard, entry.elderId, condition, update);
      current = card ?? (await readCard(entry.elderId));
    }
    if (!card) {
      if (!current?.inflight.includes(entryId)) {
        // Too small a balance: this payment will never be applied.
        await conditionalUpdate(CardEntry, entryId, { state: 'pending' }, { $set: { state: 'void' } });
        return { state: 'insufficient', balance: current?.balance ?? 0 };
      }
      card = current; // in flight already (a crash after step 2): finish it below
    }
  }
  if (keepInflight) return { state: 'inflight', balance: card.balance };
  const settled = await settle(entry);
  return { state: 'applied', balance: settled?.balance ?? card.balance };
}

/** Applies a recorded entry to its card (steps 2–3). A payment too large → 'insufficient', voided. */
export function applyEntry(
  entry: Pick<CardEntryDoc, '_id' | 'elderId'>,
  opts: { keepInflight?: boolean } = {},
) {
  return section(entry.elderId, () => applyHeld(entry._id, opts.keepInflight ?? false));
}

/** A payment's order exists: the payment is final. False when it was voided meanwhile (recovery). */
export function finishPayment(entry: Pick<CardEntryDoc, '_id' | 'elderId'>): Promise<boolean> {
  return section(entry.elderId, async () => {
    const current = await CardEntry.findById(entry._id).lean<CardEntryDoc>();
    if (current?.state === 'applied') return true;
    if (current?.state !== 'pending') return false;
    const card = await readCard(entry.elderId);
    if (!card?.inflight.includes(entry._id)) return false;
    await settle(current);
    return true;
  });
}

/** Undoes a payment whose order could not be placed: balance given back, entry voided. */
export function undoPayment(entry: Pick<CardEntryDoc, '_id' | 'elderId'>): Promise<void> {
  return section(entry.elderId, async () => {
    const current = await CardEntry.findById(entry._id).lean<CardEntryDoc>();
    if (!current || current.state !== 'pending') return;
    const card = await readCard(entry.elderId);
    if (card?.inflight.includes(entry._id)) await unwind(current);
    else await conditionalUpdate(CardEntry, entry._id, { state: 'pending' }, { $set: { state: 'void' } });
  });
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
 * Finishes what crashed requests left half-done on one card: stale in-flight ids, and the
 * stale pending entries the caller found (`pending`). See the header for the rules.
 */
export function recover(elderId: string, pending: CardEntryDoc[] = []): Promise<void> {
  return section(elderId, async () => {
    const now = Date.now();
    const card = await readCard(elderId);
    for (const id of card?.inflight ?? []) {
      const entry = await CardEntry.findById(id).lean<CardEntryDoc>();
      if (!entry) {
        await conditionalUpdate(MealCard, elderId, {}, { $pull: { inflight: id } });
        continue;
      }
      if (!isStale(entry, now)) continue;
      if (entry.state !== 'pending')
        await conditionalUpdate(MealCard, elderId, {}, { $pull: { inflight: id } });
      else if (entry.kind === 'payment' && !(await paymentTargetExists(entry))) await unwind(entry);
      else await settle(entry);
    }
    const inflight = new Set((await readCard(elderId))?.inflight ?? []);
    for (const e of pending) {
      if (inflight.has(e._id) || !isStale(e, now)) continue;
      if (e.amount < 0)
        await conditionalUpdate(CardEntry, e._id, { state: 'pending' }, { $set: { state: 'void' } });
      else await applyHeld(e._id, false);
    }
  });
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
      months.slice(i, i + 6).map((month) =>
        CardEntry.find({ elderMonth: `${elderId}:${month}` })
          .limit(5000)
          .lean<CardEntryDoc[]>(),
      ),
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
    const inflight = new Set(card.inflight);
    const entries = all
      .filter((e) => e.state === 'applied' || inflight.has(e._id))
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
