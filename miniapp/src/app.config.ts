export default defineAppConfig({
  pages: [
    'pages/index/index',
    'pages/login/login',
    'pages/meal-booking/meal-booking',
    'pages/canteen-counter/canteen-counter',
    'pages/home-services/home-services',
    'pages/sos/sos',
    'pages/provider-visits/provider-visits',
    'pages/worker-desk/worker-desk',
    'pages/figures/figures',
    'pages/notifications/notifications',
  ],
  window: {
    navigationBarTitleText: '颐养通',
    navigationBarBackgroundColor: '#0b57d0',
    navigationBarTextStyle: 'white',
    backgroundColor: '#ffffff',
    backgroundTextStyle: 'dark',
  },
});
