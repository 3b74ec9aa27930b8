/** 7. 价格明细: the server's quote for exactly this selection (the page only formats it). */
import { Text } from '@tarojs/components';
import { PriceBreakdown } from '../../components/ui';
import { Section } from './step-parts';
import type { BookingDraft } from './use-booking-draft';

export function PriceStep({ draft }: { draft: BookingDraft }) {
  const { body, quote } = draft;
  return (
    <Section step={7} title="价格明细">
      {!body && <Text className="text">请先点「+」选菜品，这里会显示价格和优惠。</Text>}
      {body && quote.isPending && <Text className="text">正在计算价格…</Text>}
      {body && quote.isError && <Text className="error-box">{quote.error.message}</Text>}
      {body && quote.data && <PriceBreakdown pricing={quote.data} />}
    </Section>
  );
}
