/**
 * The parts of 登记长者 beyond the identity: emergency contacts (name, relation, phone; up to
 * 5, as the record holds) and diet notes (common choices plus free words), both stored on
 * the elder (POST /api/elders) and read by the SOS desk and the canteen forecast.
 */
import { Text, View } from '@tarojs/components';
import { Btn, Field, MultiChoice, Section } from '../../../components/ui';

export interface ContactDraft {
  name: string;
  relation: string;
  phone: string;
}

export const MAX_CONTACTS = 5;
const DIET_CHOICES = { 低盐: '低盐', 低糖: '低糖', 软食: '软食', 清真: '清真', 素食: '素食' } as const;
export type DietChoice = keyof typeof DIET_CHOICES;

/** The chosen notes plus the free words (split at 、，, and spaces), each at most 20 characters. */
export function dietNotes(chosen: DietChoice[], other: string): string[] {
  const words = other
    .split(/[、，,;；\s]+/)
    .map((w) => w.trim())
    .filter(Boolean);
  return Array.from(new Set([...chosen, ...words]));
}

/** Problems by field key (`contact0.phone`…), empty when the contacts can be sent. */
export function contactProblems(contacts: ContactDraft[]): Record<string, string> {
  const p: Record<string, string> = {};
  contacts.forEach((c, i) => {
    if (!c.name.trim()) p[`contact${i}.name`] = '请填写联系人姓名';
    if (!/^1[3-9]\d{9}$/.test(c.phone.trim())) p[`contact${i}.phone`] = '请输入联系人的11位手机号';
  });
  return p;
}

export function ContactsSection(props: {
  contacts: ContactDraft[];
  onChange: (next: ContactDraft[]) => void;
  problems: Record<string, string>;
}) {
  const { contacts, onChange, problems } = props;
  const set = (i: number, patch: Partial<ContactDraft>) =>
    onChange(contacts.map((c, j) => (j === i ? { ...c, ...patch } : c)));
  return (
    <Section title="紧急联系人（可添加几位）">
      {contacts.length === 0 && <Text className="hint">出事时助老员先打给谁？建议至少填一位。</Text>}
      {contacts.map((c, i) => (
        <View key={i} className="card register__contact">
          <Text className="card__title">紧急联系人 {i + 1}</Text>
          <Field
            label={`联系人${i + 1} 姓名`}
            value={c.name}
            onInput={(v) => set(i, { name: v })}
            error={problems[`contact${i}.name`]}
          />
          <Field
            label={`联系人${i + 1} 关系`}
            value={c.relation}
            maxlength={20}
            onInput={(v) => set(i, { relation: v })}
            placeholder="如：儿子、女儿、邻居（可不填）"
          />
          <Field
            label={`联系人${i + 1} 手机号`}
            type="number"
            maxlength={11}
            value={c.phone}
            onInput={(v) => set(i, { phone: v })}
            placeholder="请输入手机号"
            error={problems[`contact${i}.phone`]}
          />
          <Btn
            className="btn--secondary"
            label={`删除紧急联系人 ${i + 1}`}
            onClick={() => onChange(contacts.filter((_, j) => j !== i))}
          >
            删除这位联系人
          </Btn>
        </View>
      ))}
      {contacts.length < MAX_CONTACTS && (
        <Btn
          className="btn--secondary"
          onClick={() => onChange([...contacts, { name: '', relation: '', phone: '' }])}
        >
          添加紧急联系人
        </Btn>
      )}
    </Section>
  );
}

export function DietSection(props: {
  chosen: DietChoice[];
  onChosen: (next: DietChoice[]) => void;
  other: string;
  onOther: (v: string) => void;
  error?: string;
}) {
  return (
    <Section title="饮食要求（可多选，可不填）">
      <MultiChoice options={DIET_CHOICES} value={props.chosen} onChange={props.onChosen} />
      <Field
        label="其他饮食要求"
        value={props.other}
        onInput={props.onOther}
        placeholder="如：不吃辣、花生过敏（可不填）"
        error={props.error}
        hint="几项之间用顿号隔开，每项不超过20个字"
      />
    </Section>
  );
}
