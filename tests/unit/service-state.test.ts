/** The service-order state machine: every (status, action) pair, allowed or forbidden. */
import {
  ACTION_ROLES,
  nextStatus,
  SERVICE_ACTIONS,
  SERVICE_STATUSES,
  type ServiceAction,
  type ServiceStatus,
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
  test('there are 9 × 8 − 13 of them', () => expect(forbidden).toHaveLength(9 * 8 - ALLOWED.length));
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
  for (const a of ['accept', 'reject', 'check_in', 'check_out'] as const)
    expect(ACTION_ROLES[a]).toEqual(['provider']);
  expect(ACTION_ROLES.rate).toEqual(['elder', 'family']);
});
