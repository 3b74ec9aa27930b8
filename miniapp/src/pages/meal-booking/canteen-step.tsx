/** 2. 选择食堂: nearest first, with which of today's and tomorrow's meals can still be booked. */
import { CanteenChoices } from '../../components/ui';
import { SlotStates } from './slot-states';
import { Section, type StepProps } from './step-parts';

function distanceText(m?: number): string {
  if (m === undefined) return '';
  return m < 1000 ? `约 ${Math.round(m)} 米` : `约 ${(Math.round(m / 100) / 10).toFixed(1)} 公里`;
}

export function CanteenStep({ draft, choose }: StepProps) {
  return (
    <Section step={2} title="选择食堂">
      <CanteenChoices
        q={draft.canteens}
        selectedId={draft.canteenId}
        className="meal__choice"
        sub={(c) => [c.address, distanceText(c.distanceM)].filter(Boolean).join('　')}
        below={(c) => <SlotStates canteen={c} today={draft.today} />}
        onPick={(c) => {
          if (c.id !== draft.canteenId) choose({ type: 'canteen', canteenId: c.id });
        }}
      />
    </Section>
  );
}
