import Taro from '@tarojs/taro';
import type { Role } from '../roles';

/**
 * Base URL of the BFF.
 * - H5: `TARO_APP_API_BASE` is '' (miniapp/.env), so requests go to the same origin as the
 *   page: `/api/...`. The BFF serves the built H5 app and the API on one port.
 * - weapp: a mini-program has no origin, so relative URLs do not work. Build with an absolute
 *   https URL whose domain is whitelisted in the mini-program admin console (request 合法域名),
 *   e.g. `TARO_APP_API_BASE=https://yiyangtong.example.cn npm run build:weapp -w miniapp`.
 * Only `TARO_APP_*` variables are inlined at build time; any other `process.env.X` would throw
 * "process is not defined" in the H5 page.
 */
export const API_BASE: string = (process.env.TARO_APP_API_BASE || '').replace(/\/+$/, '');

export const TOKEN_KEY = 'yyt_token';

export interface User {
  id: string;
  role: Role;
  name: string;
  [key: string]: unknown;
}

export interface LoginResponse {
  token: string;
  user: User;
}

/** Error thrown for any non-2xx answer; `message` is the server's Chinese message. */
export class ApiError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: string,
    message: string,
    /** VALIDATION_FAILED: the server's words per field (e.g. {"benefit.value": "…"}). */
    public readonly fields: Record<string, string> = {},
    /** Other fields of `error`, e.g. `orderId` on ALREADY_BOOKED (the meal the elder has). */
    public readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function getToken(): string {
  try {
    return (Taro.getStorageSync(TOKEN_KEY) as string) || '';
  } catch {
    return '';
  }
}

export function setToken(token: string): void {
  Taro.setStorageSync(TOKEN_KEY, token);
}

export function clearToken(): void {
  Taro.removeStorageSync(TOKEN_KEY);
}

function fallbackMessage(status: number): string {
  if (status === 401) return '登录已失效，请重新登录';
  if (status === 429) return '尝试次数过多，请稍后再试';
  if (status >= 500) return '服务暂时不可用，请稍后再试';
  return '请求失败，请稍后再试';
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export async function request<T>(
  method: Method,
  path: string,
  data?: unknown,
  extraHeaders: Record<string, string> = {},
): Promise<T> {
  const token = getToken();
  const header: Record<string, string> = { 'Content-Type': 'application/json', ...extraHeaders };
  if (token) header.Authorization = `Bearer ${token}`;
  let res: Awaited<ReturnType<typeof Taro.request>>;
  try {
    res = await Taro.request({
      url: `${API_BASE}${path}`,
      method,
      data: data as Taro.request.Option['data'],
      header,
      dataType: 'json',
    });
  } catch {
    throw new ApiError(0, 'NETWORK_ERROR', '网络连接失败，请检查网络后再试');
  }
  const status = res.statusCode;
  let body: unknown = res.data;
  if (typeof body === 'string' && body) {
    try {
      body = JSON.parse(body);
    } catch {
      /* keep as text */
    }
  }
  if (status >= 200 && status < 300) return body as T;
  const err = (
    body as { error?: { code?: string; message?: string; fields?: Record<string, string> } } | null
  )?.error;
  throw new ApiError(
    status,
    err?.code || `HTTP_${status}`,
    err?.message || fallbackMessage(status),
    err?.fields ?? {},
    (err as Record<string, unknown> | undefined) ?? {},
  );
}

export const api = {
  login: (phone: string, password: string) =>
    request<LoginResponse>('POST', '/api/auth/login', { phone, password }),
  /** A family member signs up (POST /api/auth/register): the answer signs them in. */
  register: (body: { phone: string; password: string; name: string }) =>
    request<LoginResponse>('POST', '/api/auth/register', body),
  me: () => request<User>('GET', '/api/me'),
  health: () => request<{ ok: boolean }>('GET', '/api/health'),
};

/**
 * What to tell a person when a booking-type request fails: the plain next step first, the
 * server's detail (which dish, which state) after it.
 */
export function plainError(err: Error): string {
  if (!(err instanceof ApiError)) return err.message || '出了点问题，请再试一次';
  switch (err.code) {
    case 'SOLD_OUT':
      return `这道菜已经订完了，换一道吧（${err.message}）`;
    case 'PAST_CUTOFF':
      return '这一餐已经过了订餐截止时间，换一餐或换一天吧';
    case 'MENU_NOT_PUBLISHED':
      return '这一餐的菜单还没有发布，换一餐或换一天吧';
    case 'ORDER_CANCELLED':
      return '这餐已经取消过了';
    case 'ALREADY_SERVED':
      return '这餐已经取过了，不能再取消';
    case 'INSUFFICIENT_BALANCE':
      return `助餐卡的钱不够这餐，请先充值，或改选到店付（${err.message}）`;
    case 'ALREADY_BOOKED':
      return '这位长者已经订了这一餐，没有重复下单';
    case 'PAYMENT_UNAVAILABLE':
      return `现在不能用微信充值，请到社区服务站交现金（${err.message}）`;
    default:
      return err.message;
  }
}
