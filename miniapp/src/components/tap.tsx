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
  return (
    <View
      className={classes}
      role="button"
      aria-label={label}
      aria-pressed={selected === undefined ? undefined : selected}
      aria-disabled={disabled || undefined}
      onClick={() => !disabled && onTap()}
    >
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
