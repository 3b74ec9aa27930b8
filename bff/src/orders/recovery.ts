/**
 * Finishes or undoes meal-order steps that a crash cut off half way (no transactions: see
 * ./service.ts). Each repair is idempotent, so every process may run it, at start and then
 * periodically (core/recovery.ts):
 *
 * - a placement whose marker (core/idempotency.ts) is still there after the grace period and
 *   whose order does not exist: its portions (the hold on the menu, ./stock.ts) and its subsidy
 *   claim are given back (and a card payment it took), and its key is deleted, so the caller's
 *   retry places the order anew; if the order exists, only the marker was left behind;
 * - a cancelled order still marked `pendingRelease`: its portions and claim go back;
 * - a visit booking (services/service.ts) or a package purchase (packages/service.ts) whose marker
 *   is still there: the key is freed (its card payment, if any, is the ledger's recovery's).
 */
import { ElderPackage } from '../packages/model';
import { ServiceOrder } from '../services/model';
import { IdempotencyKey, type IdempotencyDoc } from '../core/idempotency';
import { SubsidyClaim, claimId, MAX_CAP, MealOrder, type MealKeyJournal, type MealOrderDoc } from './model';
import { recoveryGraceMs } from './recovery-config';
import { finishCancellation } from './service';
import { undoPayment } from '../cards/ledger';
import { dropHold } from './stock';

export interface MealRecovery {
  abandonedPlacements: number;
  portionsReturned: number;
  claimsFreed: number;
  cancellationsFinished: number;
}

export async function recoverMealOrders(now = new Date()): Promise<MealRecovery> {
  const report: MealRecovery = {
    abandonedPlacements: 0,
    portionsReturned: 0,
    claimsFreed: 0,
    cancellationsFinished: 0,
  };
  const grace = recoveryGraceMs();
  // Markers, and keys stored before markers that carry `pending` themselves.
  for (const key of await IdempotencyKey.find({ pending: true }).lean<IdempotencyDoc<MealKeyJournal>[]>()) {
    if (now.getTime() - new Date(key.createdAt).getTime() < grace) continue; // may still be running
    const done = () =>
      key.keyId
        ? IdempotencyKey.deleteOne({ _id: key._id })
        : IdempotencyKey.updateOne({ _id: key._id }, { $unset: { pending: 1 } });
    const exists =
      key.kind === 'service'
        ? ServiceOrder.exists({ _id: key.orderId })
        : key.kind === 'package'
          ? ElderPackage.exists({ purchaseId: key.orderId })
          : MealOrder.exists({ _id: key.orderId });
    if (await exists) {
      await done();
      continue;
    }
    if (key.menuId && (await dropHold(key.menuId, key.orderId))) report.portionsReturned++;
    // A card payment it took (entry `pay:<orderId>`) goes back to the card.
    if (key.elderId) await undoPayment({ _id: `pay:${key.orderId}`, elderId: key.elderId });
    if (key.elderId && key.date && key.slot) {
      for (let k = 0; k < MAX_CAP; k++) {
        const freed = await SubsidyClaim.deleteOne({
          _id: claimId(key.elderId, key.date, key.slot, k),
          orderId: key.orderId,
        });
        report.claimsFreed += freed.deletedCount;
      }
    }
    await IdempotencyKey.deleteOne({ _id: key.keyId ?? key._id, orderId: key.orderId });
    if (key.keyId) await done(); // the key first: a marker left alone still frees it next time
    report.abandonedPlacements++;
  }
  for (const order of await MealOrder.find({ pendingRelease: true }).lean<MealOrderDoc[]>()) {
    await finishCancellation(order);
    report.cancellationsFinished++;
  }
  return report;
}
