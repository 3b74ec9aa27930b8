export default definePageConfig({ navigationBarTitleText: '送餐上门' });
