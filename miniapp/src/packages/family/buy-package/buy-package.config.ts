export default definePageConfig({ navigationBarTitleText: '购买服务套餐' });
