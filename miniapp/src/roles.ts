export type Role = 'admin' | 'worker' | 'canteen_staff' | 'provider' | 'family' | 'elder';

export const ROLE_LABELS: Record<Role, string> = {
  admin: '管理员',
  worker: '社区助老员',
  canteen_staff: '食堂工作人员',
  provider: '服务人员',
  family: '家属',
  elder: '长者',
};

export function roleLabel(role: string): string {
  return (ROLE_LABELS as Record<string, string>)[role] ?? role;
}
