/**
 * Words people read for the codes the API uses (roles, eligibility groups, meal slots…).
 * Pure and dependency-free: bundled into the mini-program as well as used by the BFF.
 */
export type RoleCode = 'admin' | 'worker' | 'canteen_staff' | 'provider' | 'family' | 'elder';

export const ROLE_LABELS: Record<RoleCode, string> = {
  admin: '管理员',
  worker: '社区助老员',
  canteen_staff: '食堂工作人员',
  provider: '服务人员',
  family: '家属',
  elder: '长者',
};

export const GROUP_LABELS: Record<'dibao' | 'tekun' | 'jiandang' | 'youfu' | 'jisheng' | 'disabled', string> =
  {
    dibao: '低保',
    tekun: '特困供养',
    jiandang: '建档立卡',
    youfu: '重点优抚',
    jisheng: '计生特殊家庭',
    disabled: '重度残疾',
  };

export const CARE_LEVEL_LABELS: Record<string, string> = {
  intact: '能力完好',
  mild: '轻度失能',
  moderate: '中度失能',
  severe: '重度失能',
};

export const BENEFIT_LABELS: Record<string, string> = {
  amount_off: '减免金额',
  percent_off: '按比例减免',
  fixed_price: '固定价格',
};

export function roleLabel(role: string): string {
  return (ROLE_LABELS as Record<string, string>)[role] ?? role;
}

/** How an SOS ended (codes: SOS_OUTCOMES in schemas/services.ts). */
export const SOS_OUTCOME_LABELS: Record<'false_alarm' | 'helped_at_home' | 'hospital' | 'other', string> = {
  false_alarm: '误报',
  helped_at_home: '上门处置',
  hospital: '送医',
  other: '其他',
};

/** Why a visit is on the follow-up list. */
export const FOLLOW_UP_REASON_LABELS: Record<'low_rating' | 'sampled', string> = {
  low_rating: '评分较低',
  sampled: '随机抽查',
};

/** Where an alarm came from (the worker desk, notices, figures). */
export const ALARM_SOURCE_LABELS: Record<'elder' | 'care_call' | 'delivery', string> = {
  elder: '长者呼叫',
  care_call: '主动关怀',
  delivery: '送餐',
};

/** What an audit entry is about (the audit viewer and CSV). */
export const AUDIT_TARGET_LABELS: Record<string, string> = {
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
  setting: '系统设置',
  service_package: '服务套餐',
  elder_package: '长者套餐',
  care_plan: '主动关怀计划',
  care_call: '关怀电话',
};

/** What each action is called on the audit viewer and in the CSV (unknown ones show as they are). */
export const AUDIT_ACTION_LABELS: Record<string, string> = {
  'elder.create': '登记长者',
  'setting.follow_up_share': '修改回访抽查比例',
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
  'meal_order.delivery': '登记送餐结果',
  'service_order.cancel': '取消上门服务',
  'service_package.create': '新建服务套餐',
  'service_package.update': '停售或恢复服务套餐',
  'elder_package.buy': '购买服务套餐',
  'elder_package.collect': '套餐到站收款',
  'care_plan.create': '加入主动关怀',
  'care_plan.update': '修改关怀计划',
  'care_plan.end': '结束主动关怀',
  'care_call.record': '记录关怀电话',
};

/** Field names on audit entries, as people read them (unknown ones show as they are). */
export const AUDIT_FIELD_LABELS: Record<string, string> = {
  name: '姓名',
  phone: '手机号',
  idCardNo: '身份证号',
  address: '地址',
  location: '位置',
  groups: '特殊群体',
  diet: '饮食',
  emergencyContacts: '紧急联系人',
  notes: '备注',
  status: '状态',
  disabled: '停用',
  role: '角色',
  communityId: '所属社区',
  canteenId: '所属食堂',
  providerId: '服务机构',
  balance: '余额（分）',
  price: '价格（分）',
  retired: '停用',
  validTo: '结束日期',
  validFrom: '开始日期',
  careLevel: '照护等级',
  package: '套餐',
  payment: '付款',
  active: '在售',
  livesAlone: '独居',
  weekdays: '关怀日',
};
