export default definePageConfig({ navigationBarTitleText: '退出服务' });
