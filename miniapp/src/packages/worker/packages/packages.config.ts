export default definePageConfig({ navigationBarTitleText: '服务套餐' });
