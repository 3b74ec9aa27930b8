/**
 * Card entries by their derived keys: every read of `card_entries` other than by `_id` is one
 * of these, each an equality on an indexed key (./model.ts), so none scans on FerretDB.
 */
import { chinaMonth } from '@yiyangtong/shared';
import { CardEntry, type CardEntryDoc } from './model';

const elderMonthKey = (elderId: string, month: string) => `${elderId}:${month}`;

/** `elderId:YYYY-MM` of the entry's China month: the statement's key. */
export const entryElderMonth = (elderId: string, at: Date) => elderMonthKey(elderId, chinaMonth(at));

/** One elder's entries of one China month (a statement walks the card's months with this). */
export const entriesOfElderMonth = (elderId: string, month: string) =>
  CardEntry.find({ elderMonth: elderMonthKey(elderId, month) })
    .limit(5000)
    .lean<CardEntryDoc[]>();

/** The card payments and refunds of one canteen's month: the settlement's reconciliation. */
export const entriesOfCanteenMonth = (canteenId: string, month: string) =>
  CardEntry.find({ canteenMonth: `${canteenId}:${month}` }).lean<CardEntryDoc[]>();
