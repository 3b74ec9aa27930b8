/** The service-order state machine: every (status, action) pair, allowed or forbidden. */
import {
  ACTION_ROLES,
  checkInWindow,
  counterStatus,
  countsAsServed,
  nextStatus,
  SERVICE_ACTIONS,
  SERVICE_STATUSES,
  type ServiceAction,
  type ServiceStatus,
  visitExceptions,
} from '@yiyangtong/shared';

// Written out independently of the implementation's table.
const ALLOWED: [ServiceStatus, ServiceAction, ServiceStatus][] = [
  ['requested', 'dispatch', 'dispatched'],
  ['rejected', 'dispatch', 'dispatched'],
  ['dispatched', 'accept', 'accepted'],
  ['dispatched', 'reject', 'rejected'],
  ['accepted', 'check_in', 'in_service'],
  ['in_service', 'check_out', 'completed'],
  ['completed', 'rate', 'rated'],
  ['completed', 'follow_up', 'followed_up'],
  ['rated', 'follow_up', 'followed_up'],
  ['requested', 'cancel', 'cancelled'],
  ['dispatched', 'cancel', 'cancelled'],
  ['accepted', 'cancel', 'cancelled'],
  ['rejected', 'cancel', 'cancelled'],
  ['dispatched', 'decline', 'requested'],
  ['accepted', 'decline', 'requested'],
];

describe('allowed transitions', () => {
  test.each(ALLOWED)('%s --%s--> %s', (from, action, to) => {
    expect(nextStatus(from, action)).toBe(to);
  });
});

const forbidden: [ServiceStatus, ServiceAction][] = [];
for (const s of SERVICE_STATUSES)
  for (const a of SERVICE_ACTIONS)
    if (!ALLOWED.some(([f, act]) => f === s && act === a)) forbidden.push([s, a]);

describe('forbidden transitions', () => {
  test('there are 9 × 9 − 15 of them', () => expect(forbidden).toHaveLength(9 * 9 - ALLOWED.length));
  test.each(forbidden)('%s --%s--> refused', (from, action) => {
    expect(nextStatus(from, action)).toBeNull();
  });
});

test('the closed loop in order reaches followed_up; final states accept nothing', () => {
  let s: ServiceStatus = 'requested';
  for (const a of ['dispatch', 'accept', 'check_in', 'check_out', 'rate', 'follow_up'] as const)
    s = nextStatus(s, a)!;
  expect(s).toBe('followed_up');
  for (const end of ['followed_up', 'cancelled'] as const)
    for (const a of SERVICE_ACTIONS) expect(nextStatus(end, a)).toBeNull();
});

test('who acts: office dispatches and follows up, provider serves, elder or family rates', () => {
  expect(ACTION_ROLES.dispatch).toEqual(['worker', 'admin']);
  expect(ACTION_ROLES.follow_up).toEqual(['worker', 'admin']);
  for (const a of ['accept', 'reject', 'decline', 'check_in', 'check_out'] as const)
    expect(ACTION_ROLES[a]).toEqual(['provider']);
  expect(ACTION_ROLES.rate).toEqual(['elder', 'family']);
});

test('check-in is accepted from 2 hours before to 4 hours after the scheduled time', () => {
  const at = new Date('2026-12-02T02:00:00Z');
  const off = (min: number) => checkInWindow(at, new Date(at.getTime() + min * 60_000));
  expect(off(-121)).toBe('early');
  expect(off(-3 * 60)).toBe('early');
  expect(off(-120)).toBeNull();
  expect(off(0)).toBeNull();
  expect(off(240)).toBeNull();
  expect(off(241)).toBe('late');
  // The report's case: two days early at 01:06.
  expect(checkInWindow(at, new Date('2026-11-29T17:06:00Z'))).toBe('early');
});

test('a far check-in or a visit under a quarter of the item is an exception; only approved ones count', () => {
  expect(visitExceptions({ durationMin: 60, itemDurationMin: 60 })).toEqual([]);
  expect(visitExceptions({ distanceM: 300, durationMin: 15, itemDurationMin: 60 })).toEqual([]);
  expect(visitExceptions({ distanceM: 301, durationMin: 60, itemDurationMin: 60 })).toEqual([
    '签到位置距长者住址 301 米',
  ]);
  expect(visitExceptions({ durationMin: 0, itemDurationMin: 60 })).toEqual([
    '服务用时 0 分钟，不足项目时长 60 分钟的四分之一',
  ]);
  expect(visitExceptions({ distanceM: 900, durationMin: 14, itemDurationMin: 60 })).toHaveLength(2);
  expect([undefined, 'pending', 'approved', 'rejected'].map((r) => countsAsServed(r as never))).toEqual([
    true,
    false,
    true,
    false,
  ]);
  expect(counterStatus('completed')).toBe('completed');
  expect(counterStatus('rated', 'approved')).toBe('rated');
  expect(counterStatus('completed', 'pending')).toBe('review_pending');
  expect(counterStatus('rated', 'rejected')).toBe('review_rejected');
});
