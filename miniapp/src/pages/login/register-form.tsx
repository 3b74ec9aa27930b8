/**
 * 注册（家属）on the login page: name, phone, password (POST /api/auth/register, which
 * creates a family account and signs it in), then on to 我的家人 to bind an elder. Elders
 * and staff are given their accounts by the community worker or the office.
 */
import { useState } from 'react';
import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ApiError, api, setToken } from '../../api/client';
import { Btn, Field } from '../../components/ui';
import { qk } from '../../api/query-keys';

export function RegisterForm({ onCancel }: { onCancel: () => void }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [phone, setPhone] = useState('');
  const [password, setPassword] = useState('');
  const [problems, setProblems] = useState<Record<string, string>>({});

  const register = useMutation({
    mutationFn: () => api.register({ name: name.trim(), phone: phone.trim(), password }),
    onSuccess: (res) => {
      setToken(res.token);
      queryClient.setQueryData(qk('me', res.token), res.user);
      // A new family member's next step is binding an elder: 我的家人 (返回 leads home).
      void Taro.reLaunch({ url: '/packages/family/home/home' });
    },
    onError: (err) => {
      if (err instanceof ApiError && Object.keys(err.fields).length) setProblems(err.fields);
    },
  });

  const submit = () => {
    if (register.isPending) return;
    const p: Record<string, string> = {};
    if (!name.trim()) p.name = '请填写您的姓名';
    if (!/^1[3-9]\d{9}$/.test(phone.trim())) p.phone = '请输入11位手机号';
    if (password.length < 6) p.password = '密码至少 6 位';
    setProblems(p);
    if (Object.keys(p).length === 0) register.mutate();
  };

  const taken = register.error instanceof ApiError && register.error.status === 409;
  return (
    <View className="login__register">
      <Text className="section__title" {...{ role: 'heading', 'aria-level': 2 }}>
        家属注册
      </Text>
      <Text className="hint">注册后，用老人给您的邀请码绑定老人，就能为老人订餐、充值。</Text>
      <Field label="您的姓名" value={name} onInput={setName} error={problems.name} />
      <Field
        label="手机号"
        type="number"
        maxlength={11}
        value={phone}
        onInput={setPhone}
        placeholder="请输入您的手机号"
        error={problems.phone}
      />
      <Field
        label="设置密码"
        password
        value={password}
        onInput={setPassword}
        placeholder="至少 6 位"
        error={problems.password}
        onConfirm={submit}
      />
      {register.isError && (
        <Text className="error-box">
          {taken ? '这个手机号已经注册过了，请直接登录（忘记密码见下方）。' : register.error.message}
        </Text>
      )}
      <Btn className={register.isPending ? 'btn--busy' : undefined} onClick={submit}>
        {register.isPending ? '正在注册…' : '注册并登录'}
      </Btn>
      <Btn className="btn--secondary" onClick={onCancel}>
        已有账号，去登录
      </Btn>
    </View>
  );
}
