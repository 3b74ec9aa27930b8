/**
 * One catalogue entry with 改价 and 停售/停用 (恢复) inside the page: the new price is typed in
 * yuan and saved with one tap; a withdrawn entry says so in words. Used by the staff's 菜品 and
 * the admin's 服务项目 pages.
 */
import { useState } from 'react';
import { Text, View } from '@tarojs/components';
import { useMutation } from '@tanstack/react-query';
import { formatYuan } from '../format';
import { Btn, Field } from './ui';

/** Yuan text → fen, or null when it is not a money amount. */
export function yuanToFen(s: string): number | null {
  const m = /^(\d{1,5})(?:\.(\d{1,2}))?$/.exec(s.trim());
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

export function PriceRow(props: {
  name: string;
  price: number;
  /** e.g. 「/次」 */
  unit?: string;
  detail?: string;
  retired: boolean;
  /** 停售 (dishes) or 停用 (services) */
  retireWord: string;
  change: (body: { price?: number; retired?: boolean }) => Promise<unknown>;
  onChanged: (words: string) => void;
}) {
  const { name, price, unit = '', detail, retired, retireWord, change, onChanged } = props;
  const [editing, setEditing] = useState(false);
  const [typed, setTyped] = useState('');
  const [problem, setProblem] = useState('');
  const save = useMutation({
    mutationFn: change,
    onSuccess: (_r, body) => {
      setEditing(false);
      onChanged(
        body.price !== undefined
          ? `「${name}」已改为 ${formatYuan(body.price)}${unit}。`
          : body.retired
            ? `「${name}」已${retireWord}。`
            : `「${name}」已恢复。`,
      );
    },
  });
  const submit = () => {
    const fen = yuanToFen(typed);
    if (fen === null) return setProblem('请填写金额（元），例如 12 或 12.50');
    if (fen === price) return setProblem('和现在的价格一样，不用改。');
    setProblem('');
    save.mutate({ price: fen });
  };
  return (
    <View className={retired ? 'card price-row price-row--retired' : 'card price-row'}>
      <Text className="card__title">{name}</Text>
      <Text className="text price-row__state">
        {formatYuan(price)}
        {unit} · {retired ? `已${retireWord}` : '在售'}
      </Text>
      {detail && <Text className="hint">{detail}</Text>}
      {editing ? (
        <View>
          <Field
            label={`${name} 新价格（元）`}
            type="digit"
            value={typed}
            onInput={setTyped}
            placeholder={(price / 100).toFixed(2)}
            error={problem}
          />
          <View className="row">
            <Btn
              className={save.isPending ? 'btn--busy' : undefined}
              label={`保存新价格 ${name}`}
              onClick={() => !save.isPending && submit()}
            >
              保存新价格
            </Btn>
            <Btn className="btn--secondary" label={`不改价 ${name}`} onClick={() => setEditing(false)}>
              不改价
            </Btn>
          </View>
        </View>
      ) : (
        <View className="row">
          <Btn
            className="btn--secondary"
            label={`改价 ${name}`}
            onClick={() => {
              save.reset();
              setTyped((price / 100).toFixed(2));
              setProblem('');
              setEditing(true);
            }}
          >
            改价
          </Btn>
          <Btn
            className="btn--secondary"
            label={`${retired ? '恢复' : retireWord} ${name}`}
            onClick={() => !save.isPending && save.mutate({ retired: !retired })}
          >
            {retired ? '恢复' : retireWord}
          </Btn>
        </View>
      )}
      {save.isError && <Text className="error-box">{save.error.message}</Text>}
    </View>
  );
}
