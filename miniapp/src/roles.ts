// Role words live in shared/ (bundled into the mini-program): one list for BFF and app.
export { ROLE_LABELS, roleLabel, type RoleCode as Role } from '@yiyangtong/shared/src/labels';
