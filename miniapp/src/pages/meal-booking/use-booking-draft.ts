/**
 * The booking draft: the reducer holds only what the person chose; every default (the elder
 * the page was opened for, the nearest canteen, 今天 or 明天, the meal asked for, the repeated
 * order's dishes, the canteen's first way to get the meal, the card when it covers the meal)
 * is derived from the loaded data during render — no effect writes a default into state.
 *
 * A step's action first pins the meal and dishes shown at that moment, so what the person
 * built on stays put when a menu is fetched again (e.g. after someone else booked).
 */
import { useReducer } from 'react';
import { useRouter } from '@tarojs/taro';
import { useQuery } from '@tanstack/react-query';
import type { User } from '../../api/client';
import {
  chosenItems,
  mealApi,
  type Canteen,
  type Elder,
  type MealOrder,
  type MenuSlot,
  type QuoteBody,
} from '../../api/meals';
import { cardApi } from '../../api/cards';
import { addDays, chinaDate, type Fulfilment, type Slot } from '../../format';
import { qk } from '../../api/query-keys';

export type DayOffset = 0 | 1 | 2;
export type Payment = 'card' | 'counter';
type Qty = Record<string, number>;

interface Draft {
  /** null: 换一位长者 (the list again); not set: the elder the page was opened for. */
  elder?: Elder | null;
  canteenId?: string;
  day?: DayOffset;
  slot?: Slot;
  qty: Qty;
  fulfilment?: Fulfilment;
  payment?: Payment;
  /** Set once 和上次一样 has filled the draft: the repeated dishes this menu lacked. */
  repeatMissing?: string[];
  /** 再订一份: a second meal of one she already has, on purpose. */
  additional: boolean;
  /** From a 409 ALREADY_BOOKED: booked meanwhile (another device, a family member). */
  bookedId: string;
  result: MealOrder | null;
}

export type DraftAction =
  | { type: 'elder'; elder: Elder | null }
  | { type: 'canteen'; canteenId: string }
  | { type: 'day'; day: DayOffset }
  | { type: 'slot'; slot: Slot }
  | { type: 'dish'; dishId: string; delta: 1 | -1 }
  | { type: 'fulfilment'; fulfilment: Fulfilment }
  | { type: 'payment'; payment: Payment }
  | { type: 'additional' }
  | { type: 'booked-meanwhile'; orderId: string }
  | { type: 'booked'; order: MealOrder }
  | { type: 'again' };

/** These start a new selection: no dishes, no second meal, a new booking attempt. */
export const STARTS_OVER: DraftAction['type'][] = ['elder', 'canteen', 'day', 'slot', 'again'];

/** What was on screen when the person acted: the derived choices the action builds on. */
interface Seen {
  meal?: MenuSlot;
  /** 和上次一样 filling this meal. */
  repeated?: Repeated;
}
type Repeated = Required<Pick<Draft, 'qty' | 'repeatMissing' | 'fulfilment'>>;

const NEW_SELECTION = { qty: {}, additional: false, bookedId: '' };
const EMPTY: Draft = { ...NEW_SELECTION, result: null };

function reduce(draft: Draft, { action: a, seen }: { action: DraftAction; seen: Seen }): Draft {
  // The meal seen is pinned; the dishes come from the state (two quick taps both count),
  // within the menu seen — or, the first time, from the order repeated.
  const repeated = !draft.repeatMissing && seen.repeated;
  const d = {
    ...draft,
    slot: seen.meal?.slot || draft.slot,
    ...(repeated || { qty: withinMenu(draft.qty, seen.meal) }),
  };
  return { ...d, ...(STARTS_OVER.includes(a.type) && NEW_SELECTION), ...change(d, a, seen.meal) };
}

/** What the action itself changes. */
function change(d: Draft, a: DraftAction, meal: MenuSlot | undefined): Partial<Draft> {
  switch (a.type) {
    case 'elder':
      return { elder: a.elder, canteenId: undefined, slot: undefined };
    case 'canteen':
      return { canteenId: a.canteenId, slot: undefined };
    case 'day':
      return { day: a.day };
    case 'slot':
      return { slot: a.slot };
    case 'dish':
      // One more or one less, never more than is left.
      return { qty: withinMenu({ ...d.qty, [a.dishId]: (d.qty[a.dishId] || 0) + a.delta }, meal) };
    case 'fulfilment':
      return { fulfilment: a.fulfilment };
    case 'payment':
      return { payment: a.payment };
    case 'additional':
      return { additional: true, bookedId: '' };
    case 'booked-meanwhile':
      return { bookedId: a.orderId };
    case 'booked':
      return { result: a.order };
    case 'again':
      return { result: null };
  }
}

export const isPast = (s: MenuSlot) => Date.parse(s.cutoffAt) <= Date.now();
/** 已订完: every dish of the published menu has no portion left. */
export const isSoldOut = (s: MenuSlot) => s.items.length > 0 && s.items.every((i) => i.remaining <= 0);
const isOpen = (s: MenuSlot) => s.items.length > 0 && !isPast(s) && !isSoldOut(s);

/** Never more than is left (the menu is fetched again after others book); other meals' dishes drop. */
function withinMenu(qty: Qty, meal: MenuSlot | undefined): Qty {
  if (!meal) return qty;
  const next: Qty = {};
  meal.items.forEach((i) => {
    const n = Math.min(qty[i.dishId] || 0, i.remaining);
    if (n > 0) next[i.dishId] = n;
  });
  return next;
}

/** 和上次一样 on its own meal: the last order's dishes (as many as are left), and those missing. */
function repeatedOn(repeat: MealOrder, meal: MenuSlot): Repeated {
  const qty: Qty = {};
  const missing: string[] = [];
  repeat.items.forEach((i) => {
    const n = Math.min(i.qty, meal.items.find((m) => m.dishId === i.dishId)?.remaining || 0);
    if (n > 0) qty[i.dishId] = n;
    if (n < i.qty) missing.push(i.name);
  });
  return { qty, repeatMissing: missing, fulfilment: repeat.fulfilment };
}

const elderQuery = (id: string, enabled: boolean) => ({
  queryKey: qk('elder', id),
  queryFn: () => mealApi.elder(id),
  enabled,
});
const menuQuery = (canteenId: string, date: string, enabled: boolean) => ({
  queryKey: qk('menu', canteenId, date),
  queryFn: () => mealApi.menu(canteenId, date),
  enabled,
  staleTime: 0,
});

export function useBookingDraft(token: string, user: User | undefined) {
  const [draft, dispatch] = useReducer(reduce, EMPTY);
  const role = user?.role;
  const ownElderId = role === 'elder' ? (user?.elderId as string | undefined) || '' : '';
  // From other pages: ?elderId= (family/worker book for this elder), ?slot= (the meal to
  // preselect, e.g. lunch from the home page), ?repeat=<orderId> (和上次一样).
  const params = useRouter().params as Record<string, string | undefined>;
  const wantElderId = params.elderId || '';
  const repeatId = params.repeat || '';

  // ---- 1. Who -------------------------------------------------------------------------------
  const ownElder = useQuery(elderQuery(ownElderId, !!ownElderId));
  const familyElders = useQuery({
    queryKey: qk('family-elders', token),
    queryFn: mealApi.familyElders,
    enabled: role === 'family',
  });
  const wantedElder = useQuery(elderQuery(wantElderId, !!wantElderId && !!role && role !== 'elder'));
  // 和上次一样: the order to repeat (same canteen, meal, dishes and fulfilment).
  const repeatOf = useQuery({
    queryKey: qk('meal-order', repeatId),
    queryFn: () => mealApi.order(repeatId),
    enabled: !!repeatId && !!token,
  });
  const repeat = repeatOf.data;

  // Not chosen: the elder the page was opened for; a family member's only elder in any case.
  const family = familyElders.data?.items || [];
  const onlyElder = role === 'family' && family.length === 1 ? family[0] : undefined;
  const openedFor = draft.elder === undefined ? wantedElder.data : undefined;
  const elder: Elder | null =
    role === 'elder'
      ? ownElderId
        ? ownElder.data || { id: ownElderId, name: user?.name || '' }
        : null
      : draft.elder || openedFor || onlyElder || null;
  const elderId = elder?.id || '';

  // ---- 2. Where / when ------------------------------------------------------------------------
  const near = elder?.location;
  const canteens = useQuery({
    queryKey: qk('canteens', near?.lng ?? null, near?.lat ?? null),
    queryFn: () => mealApi.canteens(near),
    // For an elder, wait for the profile (its location orders the list nearest first).
    enabled: !!elderId && !(role === 'elder' && ownElder.isPending),
  });
  // Not chosen: the canteen of the order repeated, else the nearest one (the list comes
  // nearest first when the elder's location is known), else the only one.
  const list = canteens.data?.items;
  const repeatCanteen = repeat && list?.find((c) => c.id === repeat.canteenId);
  const canteenId =
    draft.canteenId ||
    (!list || (repeatId && repeatOf.isPending)
      ? ''
      : repeatCanteen
        ? repeatCanteen.id
        : list.length === 1 || (near && list.length > 0)
          ? list[0].id
          : '');
  const canteen: Canteen | undefined = list?.find((c) => c.id === canteenId);

  const today = chinaDate(Date.now());
  // 今天 while one of today's meals is open (published, before its cut-off), e.g. lunch until 10:00.
  const todayMenu = useQuery(menuQuery(canteenId, today, !!canteenId && !!elderId));
  const todayOpen = (todayMenu.data?.slots || []).some(isOpen);
  // Not chosen: the next open meal's day — today while one of today's meals is open, unless
  // the page was opened for a meal of tomorrow (?slot= from 订明天午餐, 和上次一样).
  const wantsTomorrow = !!(repeatId || params.slot);
  const dayOffset: DayOffset | null =
    draft.day ?? (wantsTomorrow ? 1 : !canteenId || todayMenu.isPending ? null : todayOpen ? 0 : 1);
  const date = dayOffset === null ? '' : addDays(today, dayOffset);

  const menu = useQuery(menuQuery(canteenId, date, !!canteenId && !!elderId && !!date));
  const slots: MenuSlot[] = menu.data?.slots || [];
  // Not chosen, or not served that day: the meal asked for (?slot= or the repeated order's)
  // while it is open, else the first one open.
  const wantSlot = repeat?.slot || params.slot || '';
  const open = slots.filter(isOpen);
  const slotData =
    slots.find((s) => s.slot === draft.slot) || open.find((s) => s.slot === wantSlot) || open[0];
  const slot: Slot | '' = slotData?.slot || '';
  // The meal chosen can still be booked: the steps below it are shown.
  const openMeal = elder && canteen && slotData && !isPast(slotData) ? slotData : undefined;

  // ---- 3. Dishes and fulfilment ---------------------------------------------------------------
  // 和上次一样: on the repeated order's own meal its dishes and fulfilment are the draft's
  // until the person acts (then pinned, once); dishes not on this menu are named.
  const repeated =
    repeat && !draft.repeatMissing && slotData?.slot === repeat.slot && canteenId === repeat.canteenId
      ? repeatedOn(repeat, slotData)
      : undefined;
  const { qty, fulfilment, repeatMissing } = repeated || { ...draft, qty: withinMenu(draft.qty, slotData) };
  const offered: Fulfilment[] = canteen?.fulfilment || [];
  const chosenFulfilment: Fulfilment | '' =
    fulfilment && offered.includes(fulfilment) ? fulfilment : offered[0] || '';

  const items = chosenItems(slotData, qty);
  const body: QuoteBody | null =
    elderId && canteenId && date && slot && chosenFulfilment && items.length
      ? { elderId, canteenId, date, slot, items, fulfilment: chosenFulfilment }
      : null;

  // ---- The meal the elder already has (any canteen): said first, a second one only on purpose --
  const dayOrders = useQuery({
    queryKey: qk('meal-orders', elderId, date),
    queryFn: () => mealApi.ordersOn(elderId, date),
    enabled: !!elderId && !!date,
    staleTime: 0,
  });
  const existing =
    (dayOrders.data?.items || []).find((o) => o.slot === slot && o.status !== 'cancelled') || null;
  const alreadyBooked = !draft.additional && (!!existing || !!draft.bookedId);

  // ---- 4. Price (the server's quote for exactly this selection) -------------------------------
  const quote = useQuery({
    queryKey: qk('quote', body),
    queryFn: () => mealApi.quote(body!),
    enabled: !!body && !draft.result,
    staleTime: 0,
  });

  // ---- 付款方式: 助餐卡 (the card's balance shown) or 到店付 -----------------------------------------
  const card = useQuery({
    queryKey: qk('meal-card', elderId),
    queryFn: () => cardApi.card(elderId),
    enabled: !!elderId,
    staleTime: 0,
  });
  const balance = card.data?.balance;
  const payable = quote.data?.payable;
  // Not chosen: the card when it covers this meal, else pay at the counter (no extra tap).
  const payment: Payment =
    draft.payment ||
    (balance !== undefined && payable !== undefined && payable > 0 && balance >= payable
      ? 'card'
      : 'counter');

  const seen: Seen = { meal: slotData, repeated };
  const act = (action: DraftAction) => dispatch({ action, seen });

  return {
    act,
    token,
    user,
    role,
    elder,
    elderId,
    familyElders,
    canteens,
    canteen,
    canteenId,
    today,
    todayOpen,
    dayOffset,
    date,
    menu,
    slots,
    slot,
    slotData,
    openMeal,
    /** Set when 和上次一样 has filled the draft: the repeated dishes this menu lacked. */
    repeatMissing,
    qty,
    offered,
    fulfilment: chosenFulfilment,
    body,
    existing,
    alreadyBooked,
    additional: draft.additional,
    quote,
    balance,
    payment,
    result: draft.result,
  };
}

export type BookingDraft = ReturnType<typeof useBookingDraft>;
