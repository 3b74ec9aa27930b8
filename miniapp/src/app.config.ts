export default defineAppConfig({
  pages: [
    'pages/index/index',
    'pages/login/login',
    'pages/meal-booking/meal-booking',
    'pages/canteen-counter/canteen-counter',
    'pages/my-orders/my-orders',
  ],
  window: {
    navigationBarTitleText: '颐养通',
    navigationBarBackgroundColor: '#0b57d0',
    navigationBarTextStyle: 'white',
    backgroundColor: '#ffffff',
    backgroundTextStyle: 'dark',
  },
});
