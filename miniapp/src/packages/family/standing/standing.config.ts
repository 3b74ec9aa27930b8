export default definePageConfig({ navigationBarTitleText: '长期订餐' });
