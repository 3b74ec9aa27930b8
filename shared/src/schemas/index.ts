export * from './common';
export * from './accounts';
export * from './places';
export * from './elders';
export * from './meals';
export * from './services';
export * from './standing-orders';
export * from './cards';
