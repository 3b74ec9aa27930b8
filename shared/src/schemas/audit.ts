import { z } from 'zod';
import { DateSchema, IdSchema, RoleSchema } from './common';

/** What an audit entry is about. */
export const AUDIT_TARGET_TYPES = [
  'elder',
  'user',
  'discount_rule',
  'canteen',
  'dish',
  'service_item',
  'meal_card',
  'meal_order',
  'service_order',
  'standing_order',
  'assessment',
] as const;
export const AuditTargetTypeSchema = z.enum(AUDIT_TARGET_TYPES);
export type AuditTargetType = z.infer<typeof AuditTargetTypeSchema>;

export const AUDIT_TARGET_LABELS: Record<AuditTargetType, string> = {
  elder: '长者',
  user: '账号',
  discount_rule: '优惠规则',
  canteen: '食堂',
  dish: '菜品',
  service_item: '服务项目',
  meal_card: '助餐卡',
  meal_order: '餐单',
  service_order: '上门服务',
  standing_order: '长期订餐',
  assessment: '能力评估',
};

/** Without a target or a person to follow, one query may span this many days at most. */
export const AUDIT_UNFILTERED_MAX_DAYS = 31;
export const AUDIT_MAX_DAYS = 366;

const auditFilters = {
  targetType: AuditTargetTypeSchema.optional(),
  targetId: z
    .string()
    .regex(/^[0-9A-Za-z_:-]{1,80}$/, '对象编号格式不正确')
    .optional(),
  actorId: IdSchema.optional(),
  /** admin only: entries about one community's records (a worker always sees only their own) */
  communityId: IdSchema.optional(),
  from: DateSchema.optional(),
  to: DateSchema.optional(),
};

/** GET /api/audit and /api/audit.csv; `from`/`to` are China dates, newest first. */
export const AuditQuerySchema = z.object({
  ...auditFilters,
  /** the `nextBefore` of the previous page */
  before: IdSchema.optional(),
});
export type AuditQuery = z.infer<typeof AuditQuerySchema>;
export const AuditCsvQuerySchema = z.object(auditFilters);

export const AuditChangeSchema = z.object({
  field: z.string(),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
});
export type AuditChange = z.infer<typeof AuditChangeSchema>;

export const AuditEntrySchema = z.object({
  id: z.string(),
  at: z.string(),
  actor: z.object({ userId: z.string(), role: z.union([RoleSchema, z.literal('system')]), name: z.string() }),
  action: z.string(),
  targetType: AuditTargetTypeSchema,
  targetId: z.string(),
  communityId: z.string().optional(),
  changes: z.array(AuditChangeSchema).optional(),
  reason: z.string().optional(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

export const AuditPageSchema = z.object({
  items: z.array(AuditEntrySchema),
  nextBefore: z.string().optional(),
});

/** What each action is called on the audit viewer and in the CSV (unknown ones show as they are). */
export const AUDIT_ACTION_LABELS: Record<string, string> = {
  'elder.create': '登记长者',
  'elder.update': '修改长者资料',
  'elder.retire': '长者退出',
  'elder.reinstate': '恢复长者',
  'elder.transfer': '转移社区',
  'elder.account': '开通长者账号',
  'assessment.create': '能力评估',
  'user.create': '新建账号',
  'user.update': '修改账号',
  'user.disable': '停用账号',
  'user.enable': '启用账号',
  'user.password_reset': '重置密码',
  'discount_rule.create': '新建优惠规则',
  'discount_rule.update': '修改优惠规则',
  'canteen.create': '新建食堂',
  'canteen.update': '修改食堂设置',
  'dish.create': '新建菜品',
  'dish.update': '修改菜品',
  'service_item.create': '新建服务项目',
  'service_item.update': '修改服务项目',
  'meal_card.topup': '现金充值',
  'meal_card.topup_reversed': '撤销现金充值',
  'meal_card.payout': '余额退还',
  'meal_order.cancel': '取消餐单',
  'service_order.cancel': '取消上门服务',
};
