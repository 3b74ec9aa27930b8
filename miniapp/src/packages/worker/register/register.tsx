/**
 * 登记长者 (community worker): the ID number is checked as it is typed (length, birth date,
 * check digit) and the birth date, age and gender are read from it, so they are never typed
 * twice. The server's own checks (same schema, shared/) are shown inline by field.
 */
import { useState } from 'react';
import { Text, View } from '@tarojs/components';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ID_CARD_PROBLEM_WORDS, parseIdCardNo } from '@yiyangtong/shared/src/idcard';
import { GROUP_LABELS } from '@yiyangtong/shared/src/labels';
import { ApiError } from '../../../api/client';
import { useProfile } from '../../../api/profile';
import { workerApi, type CreateElderBody } from '../../../api/roles';
import { profileGate } from '../../../components/profile-gate';
import { Btn, Choice, Field, Section, HomeButton, MultiChoice } from '../../../components/ui';
import { chinaDate } from '../../../format';
import Taro from '@tarojs/taro';
import {
  ContactsSection,
  DietSection,
  contactProblems,
  dietNotes,
  type ContactDraft,
  type DietChoice,
} from './extra-fields';
import { PageTop } from '../../../components/page-top';
import { qk } from '../../../api/query-keys';

type Group = keyof typeof GROUP_LABELS;

/** What the ID number says so far, in words. */
function idCardMessage(raw: string): {
  ok: boolean;
  text: string;
  birthDate?: string;
  gender?: 'male' | 'female';
  age?: number;
} {
  const id = raw.trim().toUpperCase();
  if (!id) return { ok: false, text: '' };
  if (!/^\d{0,17}[\dX]?$/.test(id) || (id.indexOf('X') >= 0 && id.indexOf('X') !== 17))
    return { ok: false, text: '身份证号只能是数字，最后一位可以是 X' };
  if (id.length < 18) return { ok: false, text: `还差 ${18 - id.length} 位` };
  const parsed = parseIdCardNo(id);
  if (!parsed.ok) return { ok: false, text: ID_CARD_PROBLEM_WORDS[parsed.problem] };
  const { birthDate, gender } = parsed.info;
  const [y, m, d] = birthDate.split('-').map(Number);
  const [ty, tm, td] = chinaDate(Date.now()).split('-').map(Number);
  const age = ty - y - (tm < m || (tm === m && td < d) ? 1 : 0);
  return {
    ok: true,
    birthDate,
    gender,
    age,
    text: `出生日期 ${y}年${m}月${d}日 · ${gender === 'male' ? '男' : '女'} · ${age}岁`,
  };
}

export default function RegisterElderPage() {
  const queryClient = useQueryClient();
  const { token, me } = useProfile();
  const role = me.data?.role;
  const communityId = (me.data?.communityId as string | undefined) ?? '';
  const [name, setName] = useState('');
  const [idCardNo, setIdCardNo] = useState('');
  const [phone, setPhone] = useState('');
  const [address, setAddress] = useState('');
  const [groups, setGroups] = useState<Group[]>([]);
  const [contacts, setContacts] = useState<ContactDraft[]>([]);
  const [diet, setDiet] = useState<DietChoice[]>([]);
  const [dietOther, setDietOther] = useState('');
  const [problems, setProblems] = useState<Record<string, string>>({});
  const id = idCardMessage(idCardNo);
  // Under 60 is most likely a typing slip (or a relative's number): the worker confirms it,
  // in the page, for this very birth date; another ID number asks again.
  const young = id.ok && id.age !== undefined && id.age < 60;
  const [youngOk, setYoungOk] = useState('');
  const youngConfirmed = young && youngOk === id.birthDate;

  const register = useMutation({
    mutationFn: (body: CreateElderBody) => workerApi.register(body),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: qk('elders') }),
    onError: (err) => {
      if (err instanceof ApiError && Object.keys(err.fields).length) setProblems(err.fields);
    },
  });

  const submit = () => {
    if (register.isPending || (young && !youngConfirmed)) return;
    const p: Record<string, string> = {};
    if (!name.trim()) p.name = '请填写姓名';
    if (!id.ok) p.idCardNo = id.text || '请填写身份证号';
    if (phone && !/^1\d{10}$/.test(phone)) p.phone = '手机号应为11位，以1开头';
    if (!address.trim()) p.address = '请填写住址';
    Object.assign(p, contactProblems(contacts));
    const notes = dietNotes(diet, dietOther);
    if (notes.some((n) => n.length > 20)) p.diet = '每项饮食要求不超过20个字';
    else if (notes.length > 20) p.diet = '饮食要求最多20项';
    setProblems(p);
    if (Object.keys(p).length) return;
    register.mutate({
      name: name.trim(),
      idCardNo: idCardNo.trim().toUpperCase(),
      ...(phone ? { phone } : {}),
      birthDate: id.birthDate!,
      gender: id.gender,
      address: address.trim(),
      communityId,
      groups,
      ...(notes.length ? { diet: notes } : {}),
      ...(contacts.length
        ? {
            emergencyContacts: contacts.map((c) => ({
              name: c.name.trim(),
              phone: c.phone.trim(),
              ...(c.relation.trim() ? { relation: c.relation.trim() } : {}),
            })),
          }
        : {}),
    });
  };

  const gate = profileGate({
    title: '登记长者',
    pageClass: 'register',
    leadClass: 'register__lead',
    signInLead: '请先登录。',
    token,
    me,
    notForYou: role === 'worker' && communityId ? null : '只有社区助老员可以登记本社区的长者。',
  });
  if (gate) return gate;

  if (register.data) {
    const e = register.data;
    return (
      <View className="page register">
        <PageTop />
        <Text className="title">登记长者</Text>
        <Text className="ok-box">
          已登记 {e.name}（身份证 {e.idCardNo}）。
        </Text>
        <Btn
          onClick={() => void Taro.navigateTo({ url: `/pages/meal-booking/meal-booking?elderId=${e.id}` })}
        >
          {`为 ${e.name} 代订餐`}
        </Btn>
        <Btn
          className="btn--secondary"
          onClick={() => void Taro.redirectTo({ url: '/packages/worker/elders/elders' })}
        >
          去长者名册
        </Btn>
        <HomeButton />
      </View>
    );
  }

  const idError = problems.idCardNo || (idCardNo.trim().length >= 18 && !id.ok ? id.text : '');
  return (
    <View className="page register">
      <PageTop />
      <Text className="title">登记长者</Text>
      <Field label="姓名" value={name} onInput={setName} error={problems.name} />
      <Field
        label="身份证号"
        type="idcard"
        maxlength={18}
        value={idCardNo}
        onInput={setIdCardNo}
        error={idError}
        hint={id.ok ? undefined : id.text}
      />
      {id.ok && <Text className="ok-box register__derived">{id.text}</Text>}
      {problems.birthDate && <Text className="error-box">{problems.birthDate}</Text>}
      {young && (
        <View className="register__young">
          <Text className="error-box">该老人未满60岁（{id.age}岁），确认仍要登记吗？</Text>
          <Choice
            wide
            selected={youngConfirmed}
            label="已核对身份证号，仍要登记"
            onClick={() => setYoungOk(youngConfirmed ? '' : id.birthDate!)}
          />
        </View>
      )}
      <Field
        label="手机号（可不填）"
        type="number"
        maxlength={11}
        value={phone}
        onInput={setPhone}
        placeholder="请输入手机号"
        error={problems.phone}
      />
      <Field label="住址" value={address} onInput={setAddress} error={problems.address} />
      <Section title="享受政策的类别（可多选）">
        <MultiChoice options={GROUP_LABELS} value={groups} onChange={setGroups} />
      </Section>
      <ContactsSection contacts={contacts} onChange={setContacts} problems={problems} />
      <DietSection
        chosen={diet}
        onChosen={setDiet}
        other={dietOther}
        onOther={setDietOther}
        error={problems.diet}
      />
      {register.isError && <Text className="error-box">{register.error.message}</Text>}
      {young && !youngConfirmed && (
        <Text className="hint">这位老人未满60岁：请先在上面确认仍要登记，才能登记。</Text>
      )}
      <Btn
        className={register.isPending ? 'btn--busy' : undefined}
        disabled={young && !youngConfirmed}
        onClick={submit}
      >
        {register.isPending ? '正在登记…' : '登记'}
      </Btn>
      <HomeButton />
    </View>
  );
}
