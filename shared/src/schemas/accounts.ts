import { z } from 'zod';
import { SERVICE_CATEGORIES } from '../services/catalogue';
import {
  chars,
  distinctItems,
  IdSchema,
  NameSchema,
  PasswordSchema,
  PhoneSchema,
  RoleSchema,
  text,
} from './common';

export const LoginBodySchema = z.strictObject({
  phone: PhoneSchema,
  password: chars(1, 128, '请输入密码（最多 128 位）'),
});

export const RegisterBodySchema = z.strictObject({
  phone: PhoneSchema,
  password: PasswordSchema,
  name: NameSchema,
});

export const WechatLoginBodySchema = z.strictObject({ code: chars(1, 128) });

export const CreateUserBodySchema = z.strictObject({
  phone: PhoneSchema,
  password: PasswordSchema,
  name: NameSchema,
  role: RoleSchema,
  communityId: IdSchema.optional(),
  canteenId: IdSchema.optional(),
  providerId: text(64).optional(),
  /** provider: the service categories they do and the communities they serve (dispatch) */
  serviceCategories: z
    .array(z.enum(SERVICE_CATEGORIES))
    .max(SERVICE_CATEGORIES.length)
    .refine(distinctItems, '服务类别不能重复')
    .meta({ uniqueItems: true })
    .optional(),
  communityIds: z
    .array(IdSchema)
    .max(50)
    .refine(distinctItems, '社区不能重复')
    .meta({ uniqueItems: true })
    .optional(),
});

export const UserSchema = z.object({
  id: z.string(),
  role: RoleSchema,
  name: z.string(),
  phone: z.string().optional(),
  communityId: z.string().optional(),
  canteenId: z.string().optional(),
  providerId: z.string().optional(),
  serviceCategories: z.array(z.string()).optional(),
  communityIds: z.array(z.string()).optional(),
  elderId: z.string().optional(),
  disabled: z.boolean().optional(),
});
export type User = z.infer<typeof UserSchema>;

export const TokenResponseSchema = z.object({
  token: z.string(),
  user: z.object({ id: z.string(), role: RoleSchema, name: z.string() }),
});

/** GET /api/users: by role, and by words in the name or the phone's digits. */
export const UserListQuerySchema = z.object({
  role: RoleSchema.optional(),
  q: text(40, { min: 0 }).optional(),
});

/** PATCH /api/users/:id (admin): disable or re-enable, rename, move to another community or canteen. */
export const UpdateUserBodySchema = z.strictObject({
  disabled: z.boolean().optional(),
  name: NameSchema.optional(),
  communityId: IdSchema.optional(),
  canteenId: IdSchema.optional(),
  reason: text(200).optional(),
});

/** POST /api/users/:id/password (admin): a new password the person is told in person. */
export const ResetPasswordBodySchema = z.strictObject({ password: PasswordSchema });
