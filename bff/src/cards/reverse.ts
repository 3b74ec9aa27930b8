/**
 * Undoing a cash top-up typed wrong (¥200 for ¥20): never by editing it, but by a new
 * `adjustment` entry of the opposite amount, `_id` `reverse:<entryId>` — so a second undo
 * meets E11000 (409), and the entries still sum to the balance. Only the worker who took the
 * cash may undo it, and only shortly after (CASH_UNDO_WINDOW_MS); later it is a matter for
 * the office, not a button.
 */
import type { Actor } from '../core/auth';
import { AppError, conflict, notFound } from '../core/errors';
import { applyEntry, entryView, recordEntry } from './ledger';
import { CardEntry, type CardEntryDoc } from './model';

export const CASH_UNDO_WINDOW_MS = 10 * 60_000;

const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;

export async function reverseCashTopup(actor: Actor, elderId: string, entryId: string, now: Date) {
  const original = await CardEntry.findById(entryId).lean<CardEntryDoc>();
  if (!original || original.elderId !== elderId || original.state !== 'applied') throw notFound('充值记录');
  if (original.kind !== 'topup' || original.method !== 'cash')
    throw conflict('NOT_REVERSIBLE', '只有现金充值可以撤销；其他流水请联系管理员调整');
  if (original.by.userId !== actor.id)
    throw new AppError(403, 'FORBIDDEN', '只有收这笔现金的工作人员本人可以撤销');
  if (now.getTime() - new Date(original.at).getTime() > CASH_UNDO_WINDOW_MS)
    throw conflict('UNDO_WINDOW_PASSED', '充值已超过 10 分钟，不能在这里撤销；请联系管理员调整');

  for (let attempt = 0; attempt < 2; attempt++) {
    const { entry, created } = await recordEntry({
      _id: `reverse:${entryId}`,
      elderId,
      kind: 'adjustment',
      amount: -original.amount,
      reverses: entryId,
      by: { userId: actor.id, role: actor.role, name: actor.name },
      method: 'cash',
      at: now,
    });
    if (!created && entry.state === 'void') {
      // An earlier undo that could not be applied (balance already spent): it never counted.
      await CardEntry.deleteOne({ _id: entry._id, state: 'void' });
      continue;
    }
    if (!created) throw conflict('ALREADY_REVERSED', '这笔充值已经撤销过了');
    const outcome = await applyEntry(entry);
    if (outcome.state === 'insufficient' || outcome.state === 'void') {
      await CardEntry.deleteOne({ _id: entry._id, state: 'void' });
      throw conflict(
        'INSUFFICIENT_BALANCE',
        `卡上余额 ${yuan(outcome.balance)} 已少于这笔充值 ${yuan(original.amount)}（已用去一部分），不能撤销；请联系管理员调整`,
      );
    }
    return { ...entryView({ ...entry, state: 'applied' }), balance: outcome.balance };
  }
  throw conflict('BUSY', '正在处理，请稍后再试');
}
