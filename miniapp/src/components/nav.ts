import Taro from '@tarojs/taro';

export function goHome(): void {
  if (Taro.getCurrentPages().length > 1) void Taro.navigateBack();
  else void Taro.reLaunch({ url: '/pages/index/index' });
}

export function goLogin(): void {
  void Taro.navigateTo({ url: '/pages/login/login' });
}
