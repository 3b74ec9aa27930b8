export default definePageConfig({ navigationBarTitleText: '食堂柜台' });
