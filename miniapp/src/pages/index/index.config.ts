export default definePageConfig({ navigationBarTitleText: '颐养通' });
