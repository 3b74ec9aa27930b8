/**
 * Shared building blocks for every page (适老化: text ≥ 18px, targets ≥ 48px, contrast ≥ 4.5:1).
 *
 * Taro H5 renders <Button> as <taro-button-core>, which screen readers do not announce as a
 * button; <Btn> adds role="button", a spoken name (aria-label, the visible words by default)
 * and keyboard focus. Use it for everything tappable.
 */
import type { ReactNode } from 'react';
import { Button, Input, Text, View } from '@tarojs/components';
import type { Pricing } from '@yiyangtong/shared/src/pricing/types';
import type { Canteen } from '../api/meals';
import { formatDiscount, formatYuan, funderLabel } from '../format';
import { goHome } from './nav';

export function cls(...names: (string | false | null | undefined)[]): string {
  return names.filter(Boolean).join(' ');
}

export interface BtnProps {
  /** What the button says (also its spoken name unless `label` is given). */
  children?: ReactNode;
  /** The spoken name when the visible words are not enough, e.g. 「加一份 清蒸鲈鱼」. */
  label?: string;
  className?: string;
  onClick?: () => void;
  /** Greyed out and inert (still readable: see .btn--disabled). */
  disabled?: boolean;
  /** Marks a chosen option (aria-pressed). */
  pressed?: boolean;
}

export function Btn({ children, label, className, onClick, disabled, pressed }: BtnProps) {
  const spoken = label ?? (typeof children === 'string' ? children : undefined);
  // Taro H5 sets aria-* props as attributes verbatim (undefined would become "undefined"):
  // only defined values go in.
  const a11y: Record<string, unknown> = { role: 'button', tabindex: 0 };
  if (spoken) a11y['aria-label'] = spoken;
  if (disabled) a11y['aria-disabled'] = 'true';
  if (pressed !== undefined) a11y['aria-pressed'] = pressed ? 'true' : 'false';
  return (
    <Button
      className={cls('btn', className, disabled && 'btn--disabled')}
      // Only when true: Taro H5 renders disabled={false} as a disabled="false" attribute.
      disabled={disabled || undefined}
      onClick={() => !disabled && onClick?.()}
      {...a11y}
    >
      {children}
    </Button>
  );
}

/** A big choice button; the chosen one is filled and marked with ✓ (not by colour alone). */
export function Choice(props: {
  selected: boolean;
  disabled?: boolean;
  onClick: () => void;
  label: string;
  sub?: string;
  wide?: boolean;
  className?: string;
}) {
  const { selected, disabled, onClick, label, sub, wide, className } = props;
  return (
    <Btn
      className={cls('choice', className, wide && 'choice--wide', selected ? 'choice--on' : 'btn--secondary')}
      label={[label, sub, selected ? '已选' : ''].filter(Boolean).join(' ')}
      pressed={selected}
      disabled={disabled}
      onClick={onClick}
    >
      <View className="choice__body">
        <View className="choice__line">
          {selected && <Text className="choice__check">✓ </Text>}
          <Text className="choice__label">{label}</Text>
        </View>
        {sub && <Text className="choice__sub">{sub}</Text>}
      </View>
    </Btn>
  );
}

/** Money in yuan, two decimals, from integer fen. */
export function Money({ fen, className }: { fen: number; className?: string }) {
  return <Text className={cls('money', className)}>{formatYuan(fen)}</Text>;
}

/** The server's price, formatted: 菜品合计, each discount (who pays), 配送费, 应付. */
export function PriceBreakdown({ pricing }: { pricing: Pricing }) {
  return (
    <View className="meal__price price">
      <View className="meal__price-row">
        <Text className="meal__price-name">菜品合计</Text>
        <Text className="meal__price-value">{formatYuan(pricing.subtotal)}</Text>
      </View>
      {pricing.discounts.map((d) => (
        <View key={d.ruleId} className="meal__price-row meal__discount">
          <View className="meal__price-name">
            <Text className="meal__discount-name">{d.name}</Text>
            <Text className={cls('meal__funder', d.fundedBy === 'government' && 'meal__funder--gov')}>
              {funderLabel(d.fundedBy)}
            </Text>
          </View>
          <Text className="meal__price-value meal__discount-amount">{formatDiscount(d.amount)}</Text>
        </View>
      ))}
      {pricing.deliveryFee > 0 && (
        <View className="meal__price-row">
          <Text className="meal__price-name">配送费</Text>
          <Text className="meal__price-value">{formatYuan(pricing.deliveryFee)}</Text>
        </View>
      )}
      {pricing.capNote && <Text className="meal__cap-note">{pricing.capNote}</Text>}
      <View className="meal__price-row meal__payable">
        <Text className="meal__payable-name">应付</Text>
        <Text className="meal__payable-amount">{formatYuan(pricing.payable)}</Text>
      </View>
    </View>
  );
}

/** Loading / empty / error states: words, never a spinner alone. */
export function Loading({ what = '' }: { what?: string }) {
  return <Text className="text state state--loading">正在加载{what}…</Text>;
}

export function Empty({ children }: { children: ReactNode }) {
  return <Text className="text state state--empty">{children}</Text>;
}

export function ErrorBox({ message, onRetry }: { message: string; onRetry?: () => void }) {
  return (
    <View className="state state--error">
      <Text className="error-box">{message}</Text>
      {onRetry && (
        <Btn className="btn--secondary" onClick={onRetry}>
          重试
        </Btn>
      )}
    </View>
  );
}

/** Shows what a query is doing: loading, its error (with 重试), or the content. */
export function QueryState<T>(props: {
  q: { isPending: boolean; isError: boolean; error: Error | null; data?: T; refetch: () => unknown };
  what?: string;
  children: (data: T) => ReactNode;
}) {
  const { q, what, children } = props;
  if (q.isError) return <ErrorBox message={q.error?.message ?? '加载失败'} onRetry={() => q.refetch()} />;
  if (q.isPending || q.data === undefined) return <Loading what={what} />;
  return <>{children(q.data)}</>;
}

/** A labelled text field: the label is read out with the field (aria-label on the input). */
export function Field(props: {
  label: string;
  value: string;
  onInput: (v: string) => void;
  placeholder?: string;
  type?: 'text' | 'number' | 'idcard' | 'digit';
  password?: boolean;
  maxlength?: number;
  error?: string;
  hint?: string;
  onConfirm?: () => void;
}) {
  const { label, value, onInput, placeholder, type, password, maxlength, error, hint, onConfirm } = props;
  // H5: nativeProps land on the real <input> inside taro-input-core.
  const a11y: Record<string, unknown> = { nativeProps: { 'aria-label': label } };
  return (
    <View className="field">
      <Text className="field__label">{label}</Text>
      <Input
        className={cls('field__input', error && 'field__input--bad')}
        type={type ?? 'text'}
        password={password}
        maxlength={maxlength}
        placeholder={placeholder ?? `请输入${label}`}
        placeholderClass="field__placeholder"
        value={value}
        onInput={(e) => onInput(e.detail.value)}
        onConfirm={onConfirm}
        {...a11y}
      />
      {error ? (
        <Text className="field__error">{error}</Text>
      ) : hint ? (
        <Text className="hint">{hint}</Text>
      ) : null}
    </View>
  );
}

export function Section(props: { title: string; children: ReactNode; className?: string }) {
  return (
    <View className={cls('section', props.className)}>
      <Text className="section__title" {...{ role: 'heading', 'aria-level': 2 }}>
        {props.title}
      </Text>
      {props.children}
    </View>
  );
}

/** 返回首页, the last button of every task page. */
export function HomeButton() {
  return (
    <Btn className="btn--secondary" onClick={goHome}>
      返回首页
    </Btn>
  );
}

/** Several big toggles over a fixed set (e.g. eligibility groups); ✓ marks each one chosen. */
export function MultiChoice<T extends string>(props: {
  options: Record<T, string>;
  value: T[];
  onChange: (next: T[]) => void;
}) {
  const { options, value, onChange } = props;
  return (
    <View className="multi-choice">
      {(Object.keys(options) as T[]).map((k) => (
        <Choice
          key={k}
          wide
          selected={value.includes(k)}
          label={options[k]}
          onClick={() => onChange(value.includes(k) ? value.filter((x) => x !== k) : [...value, k])}
        />
      ))}
    </View>
  );
}

/** The canteens as big choices, with their loading, error and empty states. */
export function CanteenChoices(props: {
  q: {
    isPending: boolean;
    isError: boolean;
    error: Error | null;
    data?: { items: Canteen[] };
    refetch: () => unknown;
  };
  selectedId: string;
  onPick: (c: Canteen) => void;
  sub?: (c: Canteen) => string | undefined;
  /** Shown under each canteen's button (e.g. which meals can still be booked). */
  below?: (c: Canteen) => ReactNode;
  className?: string;
}) {
  const { q, selectedId, onPick, sub, below, className } = props;
  if (q.isError) return <ErrorBox message={q.error?.message ?? '加载失败'} onRetry={() => q.refetch()} />;
  if (q.isPending || !q.data) return <Loading what="食堂" />;
  if (q.data.items.length === 0) return <Empty>附近还没有长者食堂。</Empty>;
  return (
    <View>
      {q.data.items.map((c) => (
        <View key={c.id}>
          <Choice
            wide
            className={className}
            selected={c.id === selectedId}
            label={c.name}
            sub={[c.closed ? '暂停营业' : '', sub ? sub(c) : c.address].filter(Boolean).join(' · ')}
            onClick={() => onPick(c)}
          />
          {below?.(c)}
        </View>
      ))}
    </View>
  );
}
