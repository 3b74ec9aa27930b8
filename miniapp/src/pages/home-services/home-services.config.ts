export default definePageConfig({ navigationBarTitleText: '上门服务' });
