/**
 * Monthly service packages (套餐): bought once per elder, package and China month, priced by
 * the same engine as a single visit (services/service.ts `priceVisit`, the package price as
 * the base price), paid from the meal card (cards/ledger.ts) or at the counter; each visit
 * booked 用套餐 draws one (a conditional decrement), a cancelled visit gives it back.
 *
 * Buying, without transactions:
 *  1. the Idempotency-Key (core/idempotency.ts, journal kind 'package') names the attempt
 *     (`purchaseId`); a repeat returns the package it bought;
 *  2. card: the payment entry `pay:<purchaseId>` (orderId = the package's `_id`) is applied
 *     and kept in flight;
 *  3. the package is inserted with its deterministic `_id` (E11000: bought already → 409,
 *     the payment is undone);
 *  4. the payment is finished. A crash between 2 and 4: the ledger's recovery finishes the
 *     payment when the package bought by this attempt exists, and gives the money back when
 *     not (cards/ledger.ts `paymentTargetExists`); the key's `pending` mark is cleared by the
 *     orders' recovery sweep (kind 'package': done when a package names the attempt).
 *
 * Drawing (services/service.ts `bookVisit`), crash-safe without transactions:
 *  - the draw pushes the new visit's id onto `draws` and `pending` in the same conditional
 *    update as `remaining - 1`; the visit is created; its id leaves `pending`. A booking that
 *    fails after the draw gives it back at once. A crash in between leaves the id in `pending`:
 *    once older than the recovery grace (the id is an ObjectId: its time is the booking's),
 *    it is given back if the visit does not exist and just cleared if it does — when the
 *    elder's packages are read, and before a draw is refused for none left (`recoverDraws`).
 *  - a cancel sets `packageGiveBack` on the visit in the cancel's own update; the give-back
 *    (only while `draws` holds the id, so once) then clears it; a crash in between is finished
 *    by the recovery sweep (core/recovery.ts → `recoverPackageGiveBacks`).
 */
import { createHash } from 'node:crypto';
import { chinaDate, chinaMonth, type BuyPackageBody, type Pricing } from '@yiyangtong/shared';
import { recordAudit } from '../audit/record';
import { applyEntry, finishPayment, recordEntry, undoPayment } from '../cards/ledger';
import type { Actor } from '../core/auth';
import { AppError, conflict, notFound, validationFailed } from '../core/errors';
import { isDuplicateKeyError } from '../db/errors';
import { conditionalUpdate } from '../db/write-lock';
import { assertBookable, loadElderFor } from '../elders/access';
import { oncePerKey } from '../core/idempotency';
import { recoveryGraceMs } from '../orders/recovery-config';
import { ServiceOrder, type ServiceOrderDoc } from '../services/model';
import { findItem, priceVisit, whoOf } from '../services/service';
import {
  ElderPackage,
  elderPackageId,
  ServicePackage,
  type ElderPackageDoc,
  type ServicePackageDoc,
} from './model';
import { objectIdOrNull } from '../db/ids';
import { packageElderMonth, packagesOfElderMonth } from './queries';

const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;

export function nextChinaMonth(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

const monthWords = (month: string) => `${Number(month.slice(0, 4))}年${Number(month.slice(5))}月`;

export async function findPackage(id: string): Promise<ServicePackageDoc> {
  const oid = objectIdOrNull(id);
  const pkg = oid && (await ServicePackage.findById(oid).lean<ServicePackageDoc>());
  if (!pkg) throw notFound('服务套餐');
  return pkg;
}

export const packageView = (p: ServicePackageDoc) => ({
  id: String(p._id),
  itemId: p.itemId,
  itemName: p.itemName,
  category: p.category,
  name: p.name,
  visitsPerMonth: p.visitsPerMonth,
  price: p.price,
  active: p.active,
});

/** Unused visits lapse at the month's end: `remaining` is shown for this month and next only. */
export function elderPackageView(p: ElderPackageDoc, now: Date) {
  const current = p.month >= chinaMonth(now);
  return {
    id: p._id,
    packageId: p.packageId,
    name: p.name,
    itemId: p.itemId,
    itemName: p.itemName,
    month: p.month,
    visitsPerMonth: p.visitsPerMonth,
    remaining: current ? p.remaining : 0,
    lapsed: !current,
    pricing: p.pricing,
    payment: {
      method: p.payment.method,
      amount: p.payment.amount,
      status: p.payment.status,
      ...(p.payment.collectedBy ? { collectedBy: p.payment.collectedBy } : {}),
    },
  };
}

/**
 * The price of a package for an elder and month: the visit engine with the package price as
 * the base price, on today's date for this month and on the 1st for next month.
 */
export async function pricePackage(
  elder: Parameters<typeof priceVisit>[0],
  pkg: ServicePackageDoc,
  month: string,
  now: Date,
): Promise<Pricing> {
  const item = await findItem(pkg.itemId);
  const day = month === chinaMonth(now) ? chinaDate(now) : `${month}-01`;
  const { pricing } = await priceVisit(
    elder,
    { ...item, _id: pkg._id, name: pkg.name, price: pkg.price, unit: 'visit' },
    day,
  );
  return pricing;
}

function assertBuyableMonth(month: string, now: Date): void {
  const current = chinaMonth(now);
  if (month !== current && month !== nextChinaMonth(current))
    throw validationFailed({ month: `只能购买本月（${current}）或下月（${nextChinaMonth(current)}）的套餐` });
}

export async function buyPackage(
  actor: Actor,
  elderId: string,
  body: BuyPackageBody,
  key: string,
  now: Date,
): Promise<{ bought: ElderPackageDoc; replayed: boolean }> {
  const epId = elderPackageId(elderId, body.packageId, body.month);
  const { result, replayed } = await oncePerKey({
    keyId: `package:${actor.id}:${key}`,
    requestHash: createHash('sha256')
      .update(JSON.stringify({ elderId, ...body }))
      .digest('hex'),
    journal: { kind: 'package' },
    find: async (purchaseId) => {
      const found = await ElderPackage.findById(epId).lean<ElderPackageDoc>();
      return found?.purchaseId === purchaseId ? found : null;
    },
    create: (purchaseId) => buyOnce(actor, elderId, body, epId, String(purchaseId), now),
    messages: {
      reused: '这个 Idempotency-Key 已用于另一次不同的购买',
      inProgress: '相同的购买正在处理中，请稍后刷新',
    },
  });
  return { bought: result, replayed };
}

const alreadyBought = (pkg: { name: string }, month: string) =>
  conflict('PACKAGE_ALREADY_BOUGHT', `${monthWords(month)}已经买过「${pkg.name}」，不用再买`);

async function buyOnce(
  actor: Actor,
  elderId: string,
  body: BuyPackageBody,
  epId: string,
  purchaseId: string,
  now: Date,
): Promise<ElderPackageDoc> {
  const elder = await loadElderFor(actor, elderId);
  assertBookable(elder);
  const pkg = await findPackage(body.packageId);
  if (!pkg.active) throw conflict('PACKAGE_RETIRED', `「${pkg.name}」已停售，不能再购买`);
  assertBuyableMonth(body.month, now);
  if (await ElderPackage.exists({ _id: epId })) throw alreadyBought(pkg, body.month);
  const pricing = await pricePackage(elder, pkg, body.month, now);
  const byCard = body.payment === 'card' && pricing.payable > 0;
  let payment: { _id: string; elderId: string } | null = null;
  if (byCard) {
    const { entry } = await recordEntry({
      _id: `pay:${purchaseId}`,
      elderId,
      kind: 'payment',
      amount: -pricing.payable,
      orderId: epId,
      by: { userId: actor.id, role: actor.role, name: actor.name },
      method: 'card',
      at: now,
    });
    const outcome = await applyEntry(entry, { keepInflight: true });
    if (outcome.state === 'insufficient')
      throw conflict(
        'INSUFFICIENT_BALANCE',
        `助餐卡余额不足：套餐应付 ${yuan(pricing.payable)}，卡上余额 ${yuan(outcome.balance)}。请先充值，或选择到社区服务站付款`,
      );
    if (outcome.state !== 'inflight') throw conflict('BUSY', '付款没有完成，请重新购买');
    payment = entry;
  }
  let bought: ElderPackageDoc;
  try {
    bought = (
      await ElderPackage.create({
        _id: epId,
        elderId,
        elderMonth: packageElderMonth(elderId, body.month),
        communityId: elder.communityId,
        packageId: String(pkg._id),
        name: pkg.name,
        itemId: pkg.itemId,
        itemName: pkg.itemName,
        category: pkg.category,
        month: body.month,
        visitsPerMonth: pkg.visitsPerMonth,
        remaining: pkg.visitsPerMonth,
        draws: [],
        pending: [],
        pricing,
        payment: {
          method: body.payment,
          amount: pricing.payable,
          status: byCard || pricing.payable === 0 ? 'paid' : 'unpaid',
          ...(byCard ? { paidAt: now } : {}),
        },
        purchaseId,
        boughtBy: whoOf(actor),
      })
    ).toObject();
  } catch (err) {
    if (payment) await undoPayment(payment).catch(() => undefined);
    if (isDuplicateKeyError(err)) throw alreadyBought(pkg, body.month);
    throw err;
  }
  if (payment && !(await finishPayment(payment))) {
    // Voided meanwhile (a purchase stalled past the ledger's grace): no payment, no package.
    await ElderPackage.deleteOne({ _id: epId, purchaseId });
    throw conflict('BUSY', '付款超时，请重新购买');
  }
  await recordAudit(
    actor,
    {
      action: 'elder_package.buy',
      targetType: 'elder_package',
      targetId: epId,
      communityId: elder.communityId,
      changes: [
        {
          field: 'package',
          before: null,
          after: `${pkg.name}（${monthWords(body.month)}，${pkg.visitsPerMonth} 次）`,
        },
        {
          field: 'payment',
          before: null,
          after: `${body.payment === 'card' ? '助餐卡' : '到社区服务站付'} ${yuan(pricing.payable)}`,
        },
      ],
    },
    now,
  );
  return bought;
}

/** 到社区服务站付: a worker of the elder's community (or admin) records the money taken, once. */
export async function collectAtCounter(
  actor: Actor,
  elderId: string,
  packageId: string,
  month: string,
  now: Date,
): Promise<ElderPackageDoc> {
  const elder = await loadElderFor(actor, elderId);
  const epId = elderPackageId(elderId, packageId, month);
  const p = await ElderPackage.findById(epId).lean<ElderPackageDoc>();
  if (!p) throw notFound('这位长者该月的套餐');
  if (p.payment.method !== 'counter') throw conflict('PAID_BY_CARD', '这个套餐已从助餐卡付款，不用再收');
  const paid = await conditionalUpdate<ElderPackageDoc>(
    ElderPackage,
    epId,
    { 'payment.status': 'unpaid' },
    { $set: { 'payment.status': 'paid', 'payment.paidAt': now, 'payment.collectedBy': whoOf(actor) } },
  );
  if (!paid) throw conflict('ALREADY_PAID', `「${p.name}」已经收过款了`);
  await recordAudit(
    actor,
    {
      action: 'elder_package.collect',
      targetType: 'elder_package',
      targetId: epId,
      communityId: elder.communityId,
      changes: [{ field: 'payment', before: '未付', after: `已在社区服务站收 ${yuan(p.payment.amount)}` }],
    },
    now,
  );
  return paid;
}

/** The elder's packages of this month and next (past months have lapsed). */
export async function elderPackages(elderId: string, now: Date): Promise<ElderPackageDoc[]> {
  const month = chinaMonth(now);
  const lists = await Promise.all(
    [month, nextChinaMonth(month)].map((m) => packagesOfElderMonth(elderId, m)),
  );
  const all = lists.flat();
  await Promise.all(all.filter((p) => p.pending?.length).map((p) => recoverDraws(p)));
  const fresh = await Promise.all(
    all.map(async (p) =>
      p.pending?.length ? ((await ElderPackage.findById(p._id).lean<ElderPackageDoc>()) ?? p) : p,
    ),
  );
  return fresh.sort((a, b) => a.month.localeCompare(b.month) || a.name.localeCompare(b.name));
}

/** Draws still `pending` past the grace period: the visit exists → done; otherwise given back. */
export async function recoverDraws(p: ElderPackageDoc): Promise<void> {
  // The visit id is an ObjectId made when the booking started: its age is the booking's (real time).
  const now = Date.now();
  for (const visitId of p.pending ?? []) {
    const oid = objectIdOrNull(visitId);
    if (!oid || now - oid.getTimestamp().getTime() < recoveryGraceMs()) continue;
    if (await ServiceOrder.exists({ _id: oid })) await finishDraw(p._id, visitId);
    else await giveBack(p._id, visitId);
  }
}

const usedUp = (p: Pick<ElderPackageDoc, 'name' | 'month' | 'visitsPerMonth'>) =>
  new AppError(
    409,
    'PACKAGE_USED_UP',
    `${monthWords(p.month)}的「${p.name}」${p.visitsPerMonth} 次已经用完，这次请按次付费预约，或下月再买套餐`,
  );

/**
 * Draws one visit of the elder's package for the visit's month (`remaining > 0`, one
 * conditional update): 409 with words when there is none or none is left.
 */
export async function drawVisit(
  elderId: string,
  packageId: string,
  itemId: string,
  month: string,
  visitId: string,
): Promise<ElderPackageDoc> {
  const epId = elderPackageId(elderId, packageId, month);
  const p = await ElderPackage.findById(epId).lean<ElderPackageDoc>();
  if (!p) throw conflict('NO_PACKAGE', `${monthWords(month)}还没有买这个套餐：请先购买，或按次付费预约`);
  if (p.itemId !== itemId) throw validationFailed({ packageId: `套餐「${p.name}」只能用于${p.itemName}` });
  const drawn = await conditionalUpdate<ElderPackageDoc>(
    ElderPackage,
    epId,
    { remaining: { $gt: 0 } },
    { $inc: { remaining: -1 }, $push: { draws: visitId, pending: visitId } },
  );
  if (drawn) return drawn;
  // None left: first give back what crashed bookings drew (stale `pending`), then try once more.
  if (p.pending?.length) {
    await recoverDraws(p);
    const again = await conditionalUpdate<ElderPackageDoc>(
      ElderPackage,
      epId,
      { remaining: { $gt: 0 } },
      { $inc: { remaining: -1 }, $push: { draws: visitId, pending: visitId } },
    );
    if (again) return again;
  }
  throw usedUp(p);
}

/** The visit exists: the draw is final. False when recovery gave it back meanwhile (a stalled booking). */
export async function finishDraw(epId: string, visitId: string): Promise<boolean> {
  const done = await conditionalUpdate(
    ElderPackage,
    epId,
    { pending: visitId },
    { $pull: { pending: visitId } },
  );
  return Boolean(done);
}

/** Gives a drawn visit back (once per visit: only while `draws` holds it). */
export async function giveBack(epId: string, visitId: string): Promise<boolean> {
  const done = await conditionalUpdate(
    ElderPackage,
    epId,
    { draws: visitId },
    { $inc: { remaining: 1 }, $pull: { draws: visitId, pending: visitId } },
  );
  return Boolean(done);
}

/** A cancelled visit's package visit goes back (idempotent), then the visit's mark is cleared. */
export async function finishGiveBack(visit: ServiceOrderDoc): Promise<void> {
  if (!visit.elderPackageId) return;
  await giveBack(visit.elderPackageId, String(visit._id));
  await ServiceOrder.updateOne({ _id: visit._id }, { $unset: { packageGiveBack: 1 } });
}

/** The recovery sweep (core/recovery.ts): cancels whose give-back a crash cut off. */
export async function recoverPackageGiveBacks(): Promise<number> {
  const cut = await ServiceOrder.find({ packageGiveBack: true }).limit(500).lean<ServiceOrderDoc[]>();
  for (const visit of cut) await finishGiveBack(visit);
  return cut.length;
}

/** What a visit booked 用套餐 costs: the engine's price, paid by the package. */
export function coveredByPackage(pricing: Pricing, p: ElderPackageDoc): Pricing {
  return { ...pricing, payable: 0, paidByPackage: { id: p._id, name: p.name, amount: pricing.payable } };
}
