/**
 * Words people read for the codes the API uses (roles, eligibility groups, meal slots…).
 * Pure and dependency-free: bundled into the mini-program as well as used by the BFF.
 */
export type SlotCode = 'breakfast' | 'lunch' | 'dinner';

/** 早餐 / 午餐 / 晚餐: the one list of meal-slot words (pages, notices, files). */
export const SLOT_LABELS: Record<SlotCode, string> = { breakfast: '早餐', lunch: '午餐', dinner: '晚餐' };

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
