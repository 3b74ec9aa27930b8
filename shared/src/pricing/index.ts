export * from './types';
export * from './age';
export * from './engine';
export * from './service';
