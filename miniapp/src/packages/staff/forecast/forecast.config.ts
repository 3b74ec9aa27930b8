export default definePageConfig({ navigationBarTitleText: '备餐预估' });
