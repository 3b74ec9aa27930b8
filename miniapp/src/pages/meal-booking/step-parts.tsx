/** What every step of the booking page shares: its numbered section and the big choice button. */
import type { ReactNode } from 'react';
import { Text, View } from '@tarojs/components';
import { Choice as BigChoice } from '../../components/ui';
import type { BookingDraft, DraftAction } from './use-booking-draft';

export interface StepProps {
  draft: BookingDraft;
  /** A choice made in the step (the page also forgets the last booking answer). */
  choose: (action: DraftAction) => void;
}

/** The shared big choice button, with this page's layout class. */
export function Choice(props: Parameters<typeof BigChoice>[0]) {
  return <BigChoice {...props} className="meal__choice" />;
}

export function Section(props: { step: number; title: string; children: ReactNode }) {
  return (
    <View className="meal__section">
      <Text className="meal__heading">
        {props.step}. {props.title}
      </Text>
      {props.children}
    </View>
  );
}
