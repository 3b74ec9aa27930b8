/**
 * 修改资料 (community worker, admin): correct an elder's record — name, phone, address,
 * eligibility groups, diet, notes; admin also the ID number (birth date and gender follow it).
 * One 保存 button; what the server refuses is shown by the field. A change applies from now
 * on: meals already booked keep their price.
 */
import { useEffect, useState } from 'react';
import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { GROUP_LABELS } from '@yiyangtong/shared/src/labels';
import { ApiError } from '../../../api/client';
import { useProfile } from '../../../api/profile';
import { workerApi, type ElderRecord, type UpdateElderBody } from '../../../api/roles';
import { profileGate } from '../../../components/profile-gate';
import {
  Btn,
  Choice,
  ErrorBox,
  Field,
  HomeButton,
  Loading,
  MultiChoice,
  Section,
} from '../../../components/ui';
import { PageTop } from '../../../components/page-top';
import { qk } from '../../../api/query-keys';

type Group = keyof typeof GROUP_LABELS;

function EditForm({ elder, admin }: { elder: ElderRecord; admin: boolean }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState(elder.name);
  const [phone, setPhone] = useState('');
  const [address, setAddress] = useState(elder.address ?? '');
  const [groups, setGroups] = useState<Group[]>((elder.groups ?? []) as Group[]);
  const [diet, setDiet] = useState((elder.diet ?? []).join('、'));
  const [notes, setNotes] = useState(elder.notes ?? '');
  // 独居: suggested for 主动关怀 (proactive care calls); sent only once known.
  const [livesAlone, setLivesAlone] = useState<boolean | undefined>(elder.livesAlone);
  const [idCardNo, setIdCardNo] = useState('');
  const [problems, setProblems] = useState<Record<string, string>>({});
  const save = useMutation({
    mutationFn: (body: UpdateElderBody) => workerApi.update(elder.id, body),
    onSuccess: (saved) => {
      queryClient.setQueryData(qk('elder', elder.id), saved);
      void queryClient.invalidateQueries({ queryKey: qk('elders') });
      setPhone('');
      setIdCardNo('');
    },
    onError: (err) => {
      if (err instanceof ApiError && Object.keys(err.fields).length) setProblems(err.fields);
    },
  });

  const submit = () => {
    if (save.isPending) return;
    const p: Record<string, string> = {};
    if (!name.trim()) p.name = '请填写姓名';
    if (phone && !/^1\d{10}$/.test(phone)) p.phone = '手机号应为11位，以1开头';
    if (!address.trim()) p.address = '请填写住址';
    const dietList = diet
      .split(/[、,，\s]+/)
      .map((d) => d.trim())
      .filter(Boolean);
    if (dietList.some((d) => d.length > 20)) p.diet = '每项饮食要求不超过20个字';
    if (idCardNo && !/^\d{17}[\dXx]$/.test(idCardNo.trim())) p.idCardNo = '身份证号应为18位';
    setProblems(p);
    if (Object.keys(p).length) return;
    save.mutate({
      name: name.trim(),
      ...(phone ? { phone } : {}),
      address: address.trim(),
      groups,
      diet: dietList,
      notes: notes.trim(),
      ...(livesAlone !== undefined ? { livesAlone } : {}),
      ...(admin && idCardNo ? { idCardNo: idCardNo.trim().toUpperCase() } : {}),
    });
  };

  return (
    <View>
      {save.isSuccess && (
        <Text className="ok-box">
          已保存 {save.data.name} 的资料。以后的订餐按新资料计价，已经订好的餐价格不变。
        </Text>
      )}
      <Field label="姓名" value={name} onInput={setName} error={problems.name} />
      <Field
        label="新手机号（不改就不填）"
        type="number"
        maxlength={11}
        value={phone}
        onInput={setPhone}
        hint={elder.phone ? `现在登记的是 ${elder.phone}` : '现在没有登记电话'}
        error={problems.phone}
      />
      <Field label="住址" value={address} onInput={setAddress} error={problems.address} />
      <Section title="享受政策的类别（可多选）">
        <MultiChoice options={GROUP_LABELS} value={groups} onChange={setGroups} />
        {problems.groups && <Text className="error-box">{problems.groups}</Text>}
      </Section>
      <Section title="居住情况">
        <Choice selected={livesAlone === true} label="独居" onClick={() => setLivesAlone(true)} />
        <Choice selected={livesAlone === false} label="与家人同住" onClick={() => setLivesAlone(false)} />
      </Section>
      <Field
        label="饮食要求（用顿号隔开）"
        value={diet}
        onInput={setDiet}
        placeholder="如：低盐、软食"
        error={problems.diet}
      />
      <Field
        label="备注"
        value={notes}
        onInput={setNotes}
        placeholder="如：女儿每周三来"
        error={problems.notes}
      />
      {admin && (
        <Field
          label="新身份证号（仅管理员，不改就不填）"
          type="idcard"
          maxlength={18}
          value={idCardNo}
          onInput={setIdCardNo}
          hint={`现在是 ${elder.idCardNo ?? ''}；改后出生日期和性别随之更正`}
          error={problems.idCardNo}
        />
      )}
      {save.isError && <Text className="error-box">{save.error.message}</Text>}
      <Btn
        className={save.isPending ? 'btn--busy' : undefined}
        label={`保存 ${elder.name} 的资料`}
        onClick={submit}
      >
        {save.isPending ? '正在保存…' : '保存'}
      </Btn>
    </View>
  );
}

export default function ElderEditPage() {
  const { token, me } = useProfile();
  const role = me.data?.role;
  const [elderId, setElderId] = useState('');
  useEffect(() => setElderId(Taro.getCurrentInstance().router?.params?.elderId ?? ''), []);
  const elder = useQuery({
    queryKey: qk('elder', elderId),
    queryFn: () => workerApi.elder(elderId),
    enabled: Boolean(elderId) && (role === 'worker' || role === 'admin'),
  });
  const gate = profileGate({
    title: '修改长者资料',
    pageClass: 'elder-edit',
    leadClass: 'elder-edit__lead',
    signInLead: '请先登录。',
    token,
    me,
    notForYou: role === 'worker' || role === 'admin' ? null : '只有社区助老员和管理员可以修改长者资料。',
  });
  if (gate) return gate;
  return (
    <View className="page elder-edit">
      <PageTop />
      <Text className="title">{elder.data ? `修改资料：${elder.data.name}` : '修改长者资料'}</Text>
      {!elderId && <Text className="error-box">没有指定长者，请从长者名册进入。</Text>}
      {elder.isPending && elderId && <Loading what="长者资料" />}
      {elder.isError && <ErrorBox message={elder.error.message} onRetry={() => elder.refetch()} />}
      {elder.data && <EditForm key={elder.data.id} elder={elder.data} admin={role === 'admin'} />}
      <HomeButton />
    </View>
  );
}
