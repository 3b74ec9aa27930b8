export default defineAppConfig({
  pages: [
    'pages/index/index',
    'pages/login/login',
    'pages/meal-booking/meal-booking',
    'pages/canteen-counter/canteen-counter',
    'pages/my-orders/my-orders',
  ],
  // Role pages live in subpackages: the elder's main package (home, login, booking, orders)
  // stays small, and each role downloads only its own pages.
  subPackages: [
    { root: 'packages/family', pages: ['home/home'] },
    { root: 'packages/worker', pages: ['elders/elders', 'register/register', 'batch/batch'] },
    { root: 'packages/staff', pages: ['menu/menu'] },
    { root: 'packages/admin', pages: ['rules/rules', 'settlement/settlement', 'figures/figures'] },
  ],
  window: {
    navigationBarTitleText: '颐养通',
    navigationBarBackgroundColor: '#0b57d0',
    navigationBarTextStyle: 'white',
    backgroundColor: '#ffffff',
    backgroundTextStyle: 'dark',
  },
});
