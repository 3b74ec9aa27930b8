/**
 * 「邀请家人」 on the elder's home: the family page asks for a code the elder makes, so the
 * elder gets a button that makes one and shows it large, with what the family does with it.
 */
import { Text, View } from '@tarojs/components';
import { useMutation } from '@tanstack/react-query';
import { elderSelfApi } from '../../api/roles';
import { Btn } from '../../components/ui';

export function InviteFamily({ elderId }: { elderId: string }) {
  const invite = useMutation({ mutationFn: () => elderSelfApi.inviteFamily(elderId) });
  if (invite.data)
    return (
      <View className="card" aria-label="家人邀请码">
        <Text className="text">请把邀请码告诉家人：</Text>
        <Text className="pickup-code index__invite-code">{invite.data.code}</Text>
        <Text className="text">
          家人在颐养通「我的家人」里填写这个邀请码，就能为您订餐、看到您的呼叫。一个邀请码只能用一次，7天内有效。
        </Text>
      </View>
    );
  return (
    <View>
      {invite.isError && <Text className="error-box">{invite.error.message}</Text>}
      <Btn className="btn--secondary" onClick={() => !invite.isPending && invite.mutate()}>
        邀请家人
      </Btn>
    </View>
  );
}
