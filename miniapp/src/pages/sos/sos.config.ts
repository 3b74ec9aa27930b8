export default definePageConfig({ navigationBarTitleText: '紧急呼叫' });
