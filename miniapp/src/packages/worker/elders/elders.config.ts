export default definePageConfig({ navigationBarTitleText: '长者名册' });
