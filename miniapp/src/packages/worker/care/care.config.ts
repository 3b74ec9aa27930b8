export default definePageConfig({ navigationBarTitleText: '主动关怀' });
