export default definePageConfig({ navigationBarTitleText: '批量订餐' });
