export default definePageConfig({ navigationBarTitleText: '修改长者资料' });
