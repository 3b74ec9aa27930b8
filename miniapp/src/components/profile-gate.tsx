import { Text, View } from '@tarojs/components';
import type { UseQueryResult } from '@tanstack/react-query';
import { ApiError, type User } from '../api/client';
import { goHome, goLogin } from './nav';
import { Btn } from './ui';
import { PageTop } from './page-top';

// Kept here for the pages that import them from this module.
export { goHome, goLogin };

interface GateProps {
  title: string;
  pageClass: string;
  leadClass: string;
  signInLead: string;
  token: string;
  me: UseQueryResult<User, Error>;
  /** Set once the profile is known: why this page is not for this user (null: it is). */
  notForYou: string | null;
}

/**
 * What a task page shows before its task — sign in, loading, a failed load with 重试, or why
 * the page is not for this user — all inline, one clear next step each; null when ready.
 */
export function profileGate({ title, pageClass, leadClass, signInLead, token, me, notForYou }: GateProps) {
  const page = (children: JSX.Element | JSX.Element[]) => (
    <View className={`page ${pageClass}`}>
      <PageTop />
      <Text className="title">{title}</Text>
      {children}
    </View>
  );
  if (!token || (me.error instanceof ApiError && me.error.status === 401)) {
    return page([
      <Text key="lead" className={`text ${leadClass}`}>
        {signInLead}
      </Text>,
      <Btn key="go" onClick={goLogin}>
        去登录
      </Btn>,
    ]);
  }
  if (me.isPending) return page(<Text className="text">正在加载…</Text>);
  if (me.isError) {
    return page([
      <Text key="err" className="error-box">
        {me.error.message}
      </Text>,
      <Btn key="retry" className="btn--secondary" onClick={() => me.refetch()}>
        重试
      </Btn>,
    ]);
  }
  if (notForYou) {
    return page([
      <Text key="lead" className={`text ${leadClass}`}>
        {notForYou}
      </Text>,
      <Btn key="home" className="btn--secondary" onClick={goHome}>
        返回首页
      </Btn>,
    ]);
  }
  return null;
}
