export default defineAppConfig({
  pages: [
    'pages/index/index',
    'pages/login/login',
    'pages/meal-booking/meal-booking',
    'pages/canteen-counter/canteen-counter',
    'pages/my-orders/my-orders',
    'pages/meal-card/meal-card',
    // The elder's other tasks stay in the main package too: a visit, SOS, the notices.
    'pages/home-services/home-services',
    'pages/sos/sos',
    'pages/notifications/notifications',
    'pages/standing-orders/standing-orders',
  ],
  // Role pages live in subpackages: the elder's main package (home, login, booking, orders)
  // stays small, and each role downloads only its own pages.
  subPackages: [
    { root: 'packages/family', pages: ['home/home', 'standing/standing', 'buy-package/buy-package'] },
    {
      root: 'packages/worker',
      pages: [
        'elders/elders',
        'register/register',
        'batch/batch',
        'desk/desk',
        'standing/standing',
        'elder-edit/elder-edit',
        'retire/retire',
        'assess/assess',
        'packages/packages',
        'care/care',
      ],
    },
    {
      root: 'packages/staff',
      pages: ['menu/menu', 'forecast/forecast', 'dishes/dishes', 'delivery/delivery'],
    },
    {
      root: 'packages/admin',
      pages: [
        'rules/rules',
        'settlement/settlement',
        'figures/figures',
        'accounts/accounts',
        'audit/audit',
        'canteens/canteens',
        'services/services',
        'quality/quality',
      ],
    },
    { root: 'packages/provider', pages: ['visits/visits'] },
  ],
  window: {
    navigationBarTitleText: '颐养通',
    navigationBarBackgroundColor: '#0b57d0',
    navigationBarTextStyle: 'white',
    backgroundColor: '#ffffff',
    backgroundTextStyle: 'dark',
  },
});
