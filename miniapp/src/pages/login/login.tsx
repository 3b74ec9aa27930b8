import { useState } from 'react';
import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, setToken } from '../../api/client';
import './login.scss';
import { Btn, Field } from '../../components/ui';

export default function LoginPage() {
  const queryClient = useQueryClient();
  const [phone, setPhone] = useState('');
  const [password, setPassword] = useState('');
  const [formError, setFormError] = useState('');

  const login = useMutation({
    mutationFn: () => api.login(phone.trim(), password),
    onSuccess: (res) => {
      setToken(res.token);
      queryClient.setQueryData(['me', res.token], res.user);
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

  return (
    <View className="page login">
      <Text className="title">登录颐养通</Text>

      <Field label="手机号" type="number" maxlength={11} value={phone} onInput={setPhone} />
      <Field label="密码" password value={password} onInput={setPassword} onConfirm={submit} />

      {error && <Text className="error-box login__error">{error}</Text>}

      <Btn className={login.isPending ? 'btn--busy login__submit' : 'login__submit'} onClick={submit}>
        {login.isPending ? '正在登录…' : '登录'}
      </Btn>
    </View>
  );
}
