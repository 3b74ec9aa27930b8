import Taro from '@tarojs/taro';

export function goHome(): void {
  if (Taro.getCurrentPages().length > 1) void Taro.navigateBack();
  else void Taro.reLaunch({ url: '/pages/index/index' });
}

export function goLogin(): void {
  void Taro.navigateTo({ url: '/pages/login/login' });
}

/** One step back; to the home page (each role's tasks are there) when opened by URL with no history. */
export function goBack(): void {
  if (Taro.getCurrentPages().length > 1) void Taro.navigateBack();
  else void Taro.reLaunch({ url: '/pages/index/index' });
}
