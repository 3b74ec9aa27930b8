import mongoose, { Schema } from 'mongoose';
import type { CardEntryKind, Role } from '@yiyangtong/shared';

/**
 * An elder's meal card (助餐卡), `_id` = the elder's id. `balance` is integer fen and only
 * ever changes together with an entry id entering or leaving `inflight` (see ./ledger.ts for the whole
 * protocol); `seq` counts balance changes, so a reader can tell whether it saw one state.
 */
export interface MealCardDoc {
  _id: string;
  balance: number;
  seq: number;
  /** Entries already counted in `balance` whose own document is not yet marked applied. */
  inflight: string[];
  /** Decision markers `a:<entry id>` (applied) / `v:<entry id>` (void), the newest ones: see ./ledger.ts. */
  decided?: string[];
  /** First and last China month holding an entry: the statement walks these months only. */
  firstMonth: string;
  lastMonth: string;
  createdAt: Date;
}
export const MealCard = mongoose.model<MealCardDoc>(
  'MealCard',
  new Schema<MealCardDoc>(
    {
      _id: String,
      balance: { type: Number, required: true },
      seq: { type: Number, required: true },
      inflight: [String],
      decided: [String],
      firstMonth: String,
      lastMonth: String,
    },
    { timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
  ),
  'meal_cards',
);

export type EntryState = 'pending' | 'applied' | 'void';

/**
 * One ledger entry, append-only. `_id` is deterministic so that the same money event can
 * be recorded only once: `pay:<orderId>` (`pay:<purchaseId>` for a service package, orderId = the package's `_id`), `refund:<orderId>`, `topup:<paymentId>` (WeChat
 * Pay), `cash:<userId>:<Idempotency-Key>` (cash at the office), `reverse:<entryId>` (that cash undone), `payout:<elderId>:<card seq>` (the balance paid out when the elder leaves; method cash or family). `amount` is signed fen
 * (payments negative), so a card's balance is the plain sum of its applied entries.
 */
export interface CardEntryDoc {
  _id: string;
  elderId: string;
  kind: CardEntryKind;
  amount: number;
  state: EntryState;
  orderId?: string;
  /** Payments and refunds: the order's canteen and month (the settlement's key). */
  canteenMonth?: string;
  /** `elderId:YYYY-MM` of `at`, China time: the statement's key. */
  elderMonth: string;
  by: { userId: string; role: Role; name?: string };
  method?: 'cash' | 'wechat' | 'card' | 'family';
  paymentId?: string;
  requestHash?: string;
  /** An adjustment undoing a cash top-up: the entry it reverses (`reverse:<that id>`). */
  reverses?: string;
  at: Date;
  createdAt: Date;
}
const entrySchema = new Schema<CardEntryDoc>(
  {
    _id: String,
    elderId: String,
    kind: String,
    amount: Number,
    state: String,
    orderId: String,
    canteenMonth: String,
    elderMonth: String,
    by: new Schema({ userId: String, role: String, name: String }, { _id: false }),
    method: String,
    paymentId: String,
    requestHash: String,
    reverses: String,
    at: Date,
  },
  { timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);
entrySchema.index({ elderMonth: 1 }); // an elder's statement, a month at a time
entrySchema.index({ canteenMonth: 1 }); // the settlement's reconciliation
export const CardEntry = mongoose.model<CardEntryDoc>('CardEntry', entrySchema, 'card_entries');
