/**
 * The service-order state machine (the closed loop: order → dispatch → serve → rate → 回访).
 *
 *   requested ─dispatch→ dispatched ─accept→ accepted ─check_in→ in_service ─check_out→ completed
 *   completed ─rate→ rated ─follow_up→ followed_up;  completed ─follow_up→ followed_up (no rating)
 *   dispatched ─reject→ rejected ─dispatch→ dispatched (the office dispatches again)
 *   requested | dispatched | accepted | rejected ─cancel→ cancelled
 * Anything else is illegal (409). Who may take each action is in ACTION_ROLES; whether the
 * actor may see the order (community, family link, dispatched provider) is checked by the BFF.
 */
import type { Role } from '../schemas/common';

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
};

const TRANSITIONS: Record<ServiceAction, { from: readonly ServiceStatus[]; to: ServiceStatus }> = {
  dispatch: { from: ['requested', 'rejected'], to: 'dispatched' },
  accept: { from: ['dispatched'], to: 'accepted' },
  reject: { from: ['dispatched'], to: 'rejected' },
  check_in: { from: ['accepted'], to: 'in_service' },
  check_out: { from: ['in_service'], to: 'completed' },
  rate: { from: ['completed'], to: 'rated' },
  follow_up: { from: ['completed', 'rated'], to: 'followed_up' },
  cancel: { from: ['requested', 'dispatched', 'accepted', 'rejected'], to: 'cancelled' },
};

export const ACTION_ROLES: Record<ServiceAction, readonly Role[]> = {
  dispatch: ['worker', 'admin'],
  accept: ['provider'],
  reject: ['provider'],
  check_in: ['provider'],
  check_out: ['provider'],
  rate: ['elder', 'family'],
  follow_up: ['worker', 'admin'],
  cancel: ['elder', 'family', 'worker', 'admin'],
};

/** The states an action may start from. */
export function fromStates(action: ServiceAction): readonly ServiceStatus[] {
  return TRANSITIONS[action].from;
}

/** The state after `action` from `status`, or null when the step is illegal. */
export function nextStatus(status: ServiceStatus, action: ServiceAction): ServiceStatus | null {
  const t = TRANSITIONS[action];
  return t.from.includes(status) ? t.to : null;
}

/** States in which the visit still occupies its provider that day. */
export const OPEN_SERVICE_STATUSES: readonly ServiceStatus[] = ['dispatched', 'accepted', 'in_service'];
