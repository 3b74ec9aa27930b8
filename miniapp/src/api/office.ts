/** The district office's records: accounts and the audit log. */
import { request } from './client';
import type { Role } from '../roles';

export interface Account {
  id: string;
  role: Role;
  name: string;
  phone?: string;
  communityId?: string;
  canteenId?: string;
  disabled: boolean;
}

export interface AuditEntry {
  id: string;
  at: string;
  actor: { userId: string; role: Role | 'system'; name: string };
  action: string;
  targetType: string;
  targetId: string;
  communityId?: string;
  changes?: { field: string; before?: unknown; after?: unknown }[];
  reason?: string;
}

export interface AuditFilters {
  targetType?: string;
  targetId?: string;
  actorId?: string;
  from?: string;
  to?: string;
}

const enc = encodeURIComponent;
export const auditQuery = (f: AuditFilters) =>
  Object.entries(f)
    .filter(([, v]) => v)
    .map(([k, v]) => `${k}=${enc(v as string)}`)
    .join('&');

export const officeApi = {
  accounts: (role: Role | '', q: string) =>
    request<{ items: Account[]; truncated?: boolean }>(
      'GET',
      `/api/users?${[role && `role=${role}`, q && `q=${enc(q)}`].filter(Boolean).join('&')}`,
    ),
  setDisabled: (id: string, disabled: boolean, reason?: string) =>
    request<Account>('PATCH', `/api/users/${enc(id)}`, { disabled, ...(reason ? { reason } : {}) }),
  resetPassword: (id: string, password: string) =>
    request<{ ok: true }>('POST', `/api/users/${enc(id)}/password`, { password }),
  audit: (f: AuditFilters, before?: string) =>
    request<{ items: AuditEntry[]; nextBefore?: string }>(
      'GET',
      `/api/audit?${[auditQuery(f), before && `before=${before}`].filter(Boolean).join('&')}`,
    ),
};
