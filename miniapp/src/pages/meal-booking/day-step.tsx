/** 3. 哪一天: 今天 (while one of today's meals is open), 明天, 后天. */
import { View } from '@tarojs/components';
import { addDays, dateLabel } from '../../format';
import type { DayOffset } from './use-booking-draft';
import { Choice, Section, type StepProps } from './step-parts';

const DAY_CHOICES: { offset: DayOffset; label: string }[] = [
  { offset: 0, label: '今天' },
  { offset: 1, label: '明天' },
  { offset: 2, label: '后天' },
];

/** 今天 / 明天 / 后天 for a date of the next three days, else ''. */
export const dayWordOf = (date: string, today: string) =>
  DAY_CHOICES.find((d) => addDays(today, d.offset) === date)?.label || '';

export function DayStep({ draft, choose }: StepProps) {
  const { dayOffset, today } = draft;
  return (
    <Section step={3} title="哪一天">
      <View className="meal__row">
        {DAY_CHOICES.filter((d) => d.offset > 0 || draft.todayOpen || dayOffset === 0).map((d) => (
          <Choice
            key={d.offset}
            selected={d.offset === dayOffset}
            label={d.label}
            sub={dateLabel(addDays(today, d.offset))}
            onClick={() => {
              if (d.offset !== dayOffset) choose({ type: 'day', day: d.offset });
            }}
          />
        ))}
      </View>
    </Section>
  );
}
