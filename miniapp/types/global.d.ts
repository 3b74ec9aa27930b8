/// <reference types="@tarojs/taro" />

declare module '*.scss';
declare module '*.css';

declare namespace NodeJS {
  interface ProcessEnv {
    TARO_ENV: 'weapp' | 'h5';
    /** BFF base URL; '' on H5 (same origin), absolute https URL on weapp. */
    TARO_APP_API_BASE?: string;
  }
}
declare const process: { env: NodeJS.ProcessEnv };
