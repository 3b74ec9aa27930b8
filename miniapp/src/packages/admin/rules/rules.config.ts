export default definePageConfig({ navigationBarTitleText: '优惠规则' });
