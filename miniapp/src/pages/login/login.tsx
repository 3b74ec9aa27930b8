import { useState } from 'react';
import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, setToken } from '../../api/client';
import './login.scss';
import { Btn, Field } from '../../components/ui';
import { PageTop } from '../../components/page-top';
import { RegisterForm } from './register-form';
import { qk } from '../../api/query-keys';

export default function LoginPage() {
  const queryClient = useQueryClient();
  const [phone, setPhone] = useState('');
  const [password, setPassword] = useState('');
  const [formError, setFormError] = useState('');
  // Everything stays on this page: the family sign-up form, or who resets a password.
  const [more, setMore] = useState<'' | 'register' | 'forgot'>('');

  const login = useMutation({
    mutationFn: () => api.login(phone.trim(), password),
    onSuccess: (res) => {
      setToken(res.token);
      queryClient.setQueryData(qk('me', res.token), res.user);
      Taro.reLaunch({ url: '/pages/index/index' });
    },
  });

  const submit = () => {
    if (login.isPending) return;
    if (!phone.trim() || !password) {
      setFormError('请输入手机号和密码');
      return;
    }
    setFormError('');
    login.mutate();
  };

  const error = formError || (login.isError ? login.error.message : '');

  if (more === 'register') {
    return (
      <View className="page login">
        <PageTop />
        <Text className="title">注册颐养通</Text>
        <RegisterForm onCancel={() => setMore('')} />
      </View>
    );
  }

  return (
    <View className="page login">
      <PageTop />
      <Text className="title">登录颐养通</Text>

      <Field label="手机号" type="number" maxlength={11} value={phone} onInput={setPhone} />
      <Field label="密码" password value={password} onInput={setPassword} onConfirm={submit} />

      {error && <Text className="error-box login__error">{error}</Text>}

      <Btn className={login.isPending ? 'btn--busy login__submit' : 'login__submit'} onClick={submit}>
        {login.isPending ? '正在登录…' : '登录'}
      </Btn>

      <Btn
        className="btn--secondary"
        pressed={more === 'forgot'}
        onClick={() => setMore(more ? '' : 'forgot')}
      >
        忘记密码
      </Btn>
      {more === 'forgot' && (
        <View className="card login__forgot">
          <Text className="text">密码不能在手机上自己找回，请找人帮您重设：</Text>
          <Text className="text">· 老人和家属：请联系您所在社区的助老员。</Text>
          <Text className="text">· 工作人员（助老员、食堂、服务人员）：请联系区民政办。</Text>
          <Text className="hint">重设后，用新密码在这里登录。</Text>
        </View>
      )}
      <Btn className="btn--secondary" onClick={() => setMore('register')}>
        注册（家属）
      </Btn>
      <Text className="hint">老人和工作人员的账号由社区助老员或区民政办开通，不用注册。</Text>
    </View>
  );
}
