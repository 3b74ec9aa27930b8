export default definePageConfig({ navigationBarTitleText: '助餐卡' });
