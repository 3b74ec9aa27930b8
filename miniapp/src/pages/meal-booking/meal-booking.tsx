/**
 * 订餐: one page, one path, everything inline (no modals/toasts):
 *   为谁订 → 食堂 → 哪天 → 哪一餐 (cut-off shown) → 菜品数量 → 取餐方式 → 价格明细 (server quote)
 *   → 确认订餐 → result on the same page (取餐码, details, the same price breakdown).
 * 今天 is offered while one of today's meals is still open. A meal the elder already has is
 * said first ("您已订了明天午餐": 查看这份订单 / 再订一份), never booked twice by accident.
 * The total and 确认订餐 stay in a bar fixed to the bottom, however long the menu.
 * Every price shown comes from the server (POST /api/pricing/quote or the order); the page
 * only formats fen as 元.
 *
 * The draft and its defaults: use-booking-draft.ts; booking: use-book-meal.ts; one file per step.
 */
import { Text, View } from '@tarojs/components';
import { cls, useProfile } from '../../api/profile';
import { profileGate } from '../../components/profile-gate';
import { HomeButton } from '../../components/ui';
import { PageTop } from '../../components/page-top';
import './meal-booking.scss';
import { useBookingDraft } from './use-booking-draft';
import { useBookMeal } from './use-book-meal';
import { ElderStep } from './elder-step';
import { CanteenStep } from './canteen-step';
import { DayStep } from './day-step';
import { SlotStep } from './slot-step';
import { AlreadyBooked, SecondMealNote } from './already-booked';
import { DishesStep } from './dishes-step';
import { FulfilmentStep } from './fulfilment-step';
import { PriceStep } from './price-step';
import { PaymentStep } from './payment-step';
import { BookError, ConfirmBar } from './confirm-bar';
import { BookingResult } from './booking-result';

const BOOKING_ROLES = ['elder', 'family', 'worker', 'admin'];

export default function MealBookingPage() {
  const { token, me } = useProfile();
  const draft = useBookingDraft(token, me.data);
  const booking = useBookMeal(draft);
  const { choose } = booking;
  const { role, elder, canteen, openMeal, alreadyBooked, body, result } = draft;
  const steps = { draft, choose };

  const gate = profileGate({
    title: '订餐',
    pageClass: 'meal',
    leadClass: 'meal__lead',
    signInLead: '请先登录，再订餐。',
    token,
    me,
    notForYou:
      !role || !BOOKING_ROLES.includes(role)
        ? '您的身份不能为长者订餐。'
        : role === 'elder' && !elder
          ? '您的账号还没有关联长者档案，请联系社区助老员。'
          : null,
  });
  if (gate) return gate;

  if (result)
    return <BookingResult draft={draft} result={result} onAgain={() => choose({ type: 'again' })} />;

  // The steps below the meal show once it can still be booked; the dishes once it is not one
  // she already has (or 再订一份 was chosen).
  const choosing = openMeal && !alreadyBooked ? openMeal : undefined;
  const quoted = body && !alreadyBooked ? draft.quote.data : undefined;
  return (
    <View className={cls(role === 'elder' ? 'page page--elder meal' : 'page meal', body && 'meal--with-bar')}>
      <PageTop />
      <Text className="title">订餐</Text>
      <ElderStep {...steps} />
      {elder && <CanteenStep {...steps} />}
      {elder && canteen && <DayStep {...steps} />}
      {elder && canteen && draft.date && <SlotStep {...steps} />}
      {openMeal && alreadyBooked && <AlreadyBooked {...steps} />}
      {openMeal && draft.additional && <SecondMealNote draft={draft} />}
      {choosing && <DishesStep draft={draft} choose={choose} meal={choosing} />}
      {choosing && choosing.items.length > 0 && <FulfilmentStep {...steps} />}
      {choosing && choosing.items.length > 0 && <PriceStep draft={draft} />}
      {quoted && quoted.payable > 0 && <PaymentStep draft={draft} choose={choose} payable={quoted.payable} />}
      {/* No dish left chosen (e.g. it sold out meanwhile): the answer stays in the page. */}
      {!body && <BookError booking={booking} />}
      <HomeButton />
      {body && !alreadyBooked && <ConfirmBar draft={draft} booking={booking} />}
    </View>
  );
}
