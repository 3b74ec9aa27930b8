export * from './catalogue';
export * from './state';
