/** A small real-HTTP client for API tests: `api.post('/api/x', body, {token})` → {status, body}. */
import { recordPersonalData } from './personal-data';

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface CallOptions {
  token?: string;
  headers?: Record<string, string>;
  raw?: string; // a body sent as is (malformed JSON tests)
}

export class ApiClient {
  constructor(readonly baseUrl: string) {}

  async call<T = any>(
    method: string,
    path: string,
    body?: unknown,
    opts: CallOptions = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let payload: string | undefined = opts.raw;
    if (body !== undefined && payload === undefined) payload = JSON.stringify(body);
    if (payload !== undefined) headers['content-type'] ??= 'application/json';
    recordPersonalData(`${path}\n${payload ?? ''}`); // for the log scan after the suite
    const res = await fetch(this.baseUrl + path, { method, headers, body: payload });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON: keep the text */
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  get<T = any>(path: string, opts?: CallOptions) {
    return this.call<T>('GET', path, undefined, opts);
  }
  post<T = any>(path: string, body?: unknown, opts?: CallOptions) {
    return this.call<T>('POST', path, body ?? {}, opts);
  }
  put<T = any>(path: string, body?: unknown, opts?: CallOptions) {
    return this.call<T>('PUT', path, body ?? {}, opts);
  }
  patch<T = any>(path: string, body?: unknown, opts?: CallOptions) {
    return this.call<T>('PATCH', path, body ?? {}, opts);
  }

  async login(phone: string, password: string): Promise<string> {
    const res = await this.post('/api/auth/login', { phone, password });
    if (res.status !== 200)
      throw new Error(`login ${phone} failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.token as string;
  }
}
