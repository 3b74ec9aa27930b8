export * from './mask';
export * from './idcard';
export * from './china-time';
export * from './geo';
export * from './schemas';
export * from './pricing';
export * from './services';
export * from './labels';
