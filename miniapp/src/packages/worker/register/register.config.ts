export default definePageConfig({ navigationBarTitleText: '登记长者' });
