/**
 * A pickup code that is not today's: the counter says whose day it is ("这是明天（12月5日）
 * 午餐的订单，请明天来取") instead of "取餐码不存在". Still 404 (no meal to serve on that day);
 * `error.orderDate`/`error.slot` name the meal. Only on the not-found path: a few keyed reads.
 */
import { addDays, chinaDate, SLOT_LABELS } from '@yiyangtong/shared';
import { AppError, notFound } from '../core/errors';
import { orderByPickupCode } from './queries';

export async function pickupNotFound(canteenId: string, code: string, day: string, now: Date) {
  for (const other of [addDays(day, 1), addDays(day, -1), addDays(day, 2)]) {
    const o = await orderByPickupCode(canteenId, other, code);
    if (!o || o.status === 'cancelled') continue;
    const today = chinaDate(now);
    const rel =
      (
        {
          [today]: '今天',
          [addDays(today, 1)]: '明天',
          [addDays(today, 2)]: '后天',
          [addDays(today, -1)]: '昨天',
        } as Record<string, string>
      )[other] ?? '';
    const [, m, d] = other.split('-').map(Number);
    const what = `${rel}（${m}月${d}日）${SLOT_LABELS[o.slot]}`;
    const next =
      o.status === 'served'
        ? '这份已经取过了'
        : other > today
          ? `请${rel || '当天'}来取`
          : '已过了取餐的日子';
    return new AppError(404, 'NOT_FOUND', `这是${what}的订单，${next}`, undefined, undefined, {
      orderDate: other,
      slot: o.slot,
    });
  }
  return notFound('取餐码');
}
