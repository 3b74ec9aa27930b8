/**
 * The service-order state machine (the closed loop: order → dispatch → serve → rate → 回访).
 *
 *   requested ─dispatch→ dispatched ─accept→ accepted ─check_in→ in_service ─check_out→ completed
 *   completed ─rate→ rated ─follow_up→ followed_up;  completed ─follow_up→ followed_up (no rating)
 *   dispatched ─reject→ rejected ─dispatch→ dispatched (the office dispatches again)
 *   requested | dispatched | accepted | rejected ─cancel→ cancelled
 *   dispatched | accepted ─decline→ requested (the provider gives it back, with a reason)
 * A completed visit may be an exception (checked in far from home, or far shorter than the
 * item): its `review` is then pending until a worker approves or rejects it (REVIEW_STATES);
 * until approved it is neither counted as served nor billed. The status is unchanged by it.
 * Anything else is illegal (409). Who may take each action is in ACTION_ROLES; whether the
 * actor may see the order (community, family link, dispatched provider) is checked by the BFF.
 */
import type { Role } from '../schemas/common';
import { stateMachine } from '../state-machine';

export const SERVICE_STATUSES = [
  'requested',
  'dispatched',
  'accepted',
  'in_service',
  'completed',
  'rated',
  'followed_up',
  'cancelled',
  'rejected',
] as const;
export type ServiceStatus = (typeof SERVICE_STATUSES)[number];

export const SERVICE_ACTIONS = [
  'dispatch',
  'accept',
  'reject',
  'check_in',
  'check_out',
  'rate',
  'follow_up',
  'cancel',
  'decline',
] as const;
export type ServiceAction = (typeof SERVICE_ACTIONS)[number];

export const SERVICE_STATUS_NAMES: Record<ServiceStatus, string> = {
  requested: '待派单',
  dispatched: '已派单',
  accepted: '已接单',
  in_service: '服务中',
  completed: '已完成',
  rated: '已评价',
  followed_up: '已回访',
  cancelled: '已取消',
  rejected: '服务人员已拒单',
};

export const SERVICE_ACTION_NAMES: Record<ServiceAction, string> = {
  dispatch: '派单',
  accept: '接单',
  reject: '拒单',
  check_in: '签到',
  check_out: '签退',
  rate: '评价',
  follow_up: '回访',
  cancel: '取消',
  decline: '退回',
};

export const SERVICE_MACHINE = stateMachine<ServiceStatus, ServiceAction>({
  dispatch: { from: ['requested', 'rejected'], to: 'dispatched' },
  accept: { from: ['dispatched'], to: 'accepted' },
  reject: { from: ['dispatched'], to: 'rejected' },
  check_in: { from: ['accepted'], to: 'in_service' },
  check_out: { from: ['in_service'], to: 'completed' },
  rate: { from: ['completed'], to: 'rated' },
  follow_up: { from: ['completed', 'rated'], to: 'followed_up' },
  cancel: { from: ['requested', 'dispatched', 'accepted', 'rejected'], to: 'cancelled' },
  decline: { from: ['dispatched', 'accepted'], to: 'requested' },
});

export const ACTION_ROLES: Record<ServiceAction, readonly Role[]> = {
  dispatch: ['worker', 'admin'],
  accept: ['provider'],
  reject: ['provider'],
  check_in: ['provider'],
  check_out: ['provider'],
  rate: ['elder', 'family'],
  follow_up: ['worker', 'admin'],
  cancel: ['elder', 'family', 'worker', 'admin'],
  decline: ['provider'],
};

/** The states an action may start from. */
export function fromStates(action: ServiceAction): readonly ServiceStatus[] {
  return SERVICE_MACHINE.from(action);
}

/** The state after `action` from `status`, or null when the step is illegal. */
export function nextStatus(status: ServiceStatus, action: ServiceAction): ServiceStatus | null {
  return SERVICE_MACHINE.next(status, action);
}

/** States in which the visit still occupies its provider that day. */
export const OPEN_SERVICE_STATUSES: readonly ServiceStatus[] = ['dispatched', 'accepted', 'in_service'];

/** Check-in is accepted from this long before the scheduled time… */
export const CHECK_IN_EARLIEST_MS = 2 * 3600_000;
/** …to this long after it. */
export const CHECK_IN_LATEST_MS = 4 * 3600_000;

/** 'early' / 'late' when `now` is outside the check-in window around `scheduledAt`, else null. */
export function checkInWindow(scheduledAt: Date, now: Date): 'early' | 'late' | null {
  const d = now.getTime() - scheduledAt.getTime();
  if (d < -CHECK_IN_EARLIEST_MS) return 'early';
  if (d > CHECK_IN_LATEST_MS) return 'late';
  return null;
}

/** A review of an exceptional visit: pending until a worker decides. */
export const REVIEW_STATES = ['pending', 'approved', 'rejected'] as const;
export type ReviewState = (typeof REVIEW_STATES)[number];
export const REVIEW_STATE_NAMES: Record<ReviewState, string> = {
  pending: '待审核',
  approved: '审核通过',
  rejected: '审核未通过',
};

/** A check-in farther than this from the elder's home makes the visit an exception. */
export const REVIEW_MAX_DISTANCE_M = 300;
/** A visit shorter than this share of the item's duration is an exception. */
export const REVIEW_MIN_SHARE = 1 / 4;

/** Why a finished visit needs a worker's review (empty: it does not). */
export function visitExceptions(v: {
  distanceM?: number;
  durationMin: number;
  itemDurationMin: number;
}): string[] {
  const reasons: string[] = [];
  if (v.distanceM !== undefined && v.distanceM > REVIEW_MAX_DISTANCE_M)
    reasons.push(`签到位置距长者住址 ${v.distanceM} 米`);
  if (v.durationMin < v.itemDurationMin * REVIEW_MIN_SHARE)
    reasons.push(`服务用时 ${v.durationMin} 分钟，不足项目时长 ${v.itemDurationMin} 分钟的四分之一`);
  return reasons;
}

/** Whether a visit's service counts (served figures, billing): not while under review or rejected. */
export const countsAsServed = (review?: ReviewState): boolean => !review || review === 'approved';

/**
 * The key a visit is counted under in the figures' status split: its status, except that an
 * unreviewed or rejected exception is counted apart, so it never adds to the served statuses.
 */
export function counterStatus(status: ServiceStatus, review?: ReviewState): string {
  if (review === 'pending') return 'review_pending';
  if (review === 'rejected') return 'review_rejected';
  return status;
}
