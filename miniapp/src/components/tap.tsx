/**
 * Tap targets for the service, SOS, notification and figures pages: a real button role and
 * an aria-label in words on every tappable element, big (≥ 64px) and high-contrast (app.scss .btn).
 */
import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { ReactNode } from 'react';

export function Tap(props: {
  label: string;
  onTap: () => void;
  kind?: 'primary' | 'secondary' | 'danger';
  selected?: boolean;
  disabled?: boolean;
  children?: ReactNode;
  className?: string;
}) {
  const { label, onTap, kind = 'primary', selected, disabled, children, className } = props;
  const classes = [
    'btn',
    kind === 'secondary' && !selected ? 'btn--secondary' : '',
    kind === 'danger' ? 'btn--danger' : '',
    disabled ? 'btn--busy' : '',
    className ?? '',
  ]
    .filter(Boolean)
    .join(' ');
  // Focusable (a scrolled page needs focusable content, axe scrollable-region-focusable), and
  // only defined aria-* values: Taro H5 would write "undefined" verbatim.
  const a11y: Record<string, unknown> = { role: 'button', tabindex: 0, 'aria-label': label };
  if (selected !== undefined) a11y['aria-pressed'] = selected ? 'true' : 'false';
  if (disabled) a11y['aria-disabled'] = 'true';
  return (
    <View className={classes} onClick={() => !disabled && onTap()} {...a11y}>
      {children ?? (
        <Text>
          {selected ? '✓ ' : ''}
          {label}
        </Text>
      )}
    </View>
  );
}

/** A phone link: tapping dials (tel:) on H5; on weapp makePhoneCall. */
export function CallLink(props: { name: string; phone: string; relation?: string; label?: string }) {
  const { name, phone, relation } = props;
  const label = props.label ?? `拨打${relation ? relation : ''}${name}电话 ${phone}`;
  if (process.env.TARO_ENV === 'h5') {
    return (
      <a className="btn btn--call" role="button" aria-label={label} href={`tel:${phone}`}>
        📞 {label}
      </a>
    );
  }
  return (
    <Tap label={label} onTap={() => void Taro.makePhoneCall({ phoneNumber: phone })}>
      <Text>📞 {label}</Text>
    </Tap>
  );
}
