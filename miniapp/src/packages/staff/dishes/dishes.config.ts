export default definePageConfig({ navigationBarTitleText: '菜品' });
