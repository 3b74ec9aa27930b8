/**
 * 返回 at the top of every page but home, in H5 only (WeChat draws its own back arrow):
 * without it the only way back was 返回首页 at the bottom of a long page. One line per page:
 * `<PageTop />` as the first child of the page's root view.
 */
import { View } from '@tarojs/components';
import { goBack } from './nav';
import { Btn } from './ui';
import './page-top.scss';

export function PageTop() {
  if (process.env.TARO_ENV !== 'h5') return null;
  return (
    <View className="page-top">
      <Btn className="btn--secondary page-top__back" label="返回" onClick={goBack}>
        ‹ 返回
      </Btn>
    </View>
  );
}
