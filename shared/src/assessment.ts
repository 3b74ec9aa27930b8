/**
 * 老年人能力评估 after GB/T 42195-2022 (老年人能力评估规范): 4 first-level indicators, 26
 * second-level items, each scored on a fixed scale (higher = more able), a total of 0–90 and one
 * of five ability levels. Pure and dependency-free: the BFF scores with it and the worker's page
 * shows the running total and level with the same code (bundled into the mini-program).
 *
 * Sources and what could not be confirmed (see also README, 「能力评估」):
 * - The standard's own text was not available here. Items, their order and score ranges follow
 *   public implementations of the standard's appendix B (B.1 自理能力 8 items 0–4; B.2 基础运动能力
 *   4 items, 上下楼梯 0–3; B.3 精神状态 9 items, 攻击行为/抑郁症状 0–1, 意识水平 0–2; B.4 感知觉与社会参与
 *   5 items, 视力/听力 0–2, 使用交通工具外出 0–3), which add up to the 90 points the standard names.
 * - The level thresholds 90 / 66–89 / 46–65 / 30–45 / 0–29 are the figures used before in this
 *   project and in those public implementations; not confirmed from the standard's text.
 * - The standard's adjustments of the preliminary level (昏迷 → 完全丧失; a diagnosed dementia or
 *   mental disorder, or two or more care-risk events in 30 days → one level worse) are NOT applied:
 *   we collect neither diagnoses nor risk events, and 意识水平 0 does not tell 昏睡 from 昏迷.
 * The option words below are short paraphrases for the screen, not the standard's wording.
 */
import type { CareLevel } from './pricing/types';

export type IndicatorId = 'selfCare' | 'motor' | 'mental' | 'perception';

export interface AssessmentItemDef {
  /** Stable code: B<indicator>.<item>, as the standard's appendix B numbers them. */
  code: string;
  indicator: IndicatorId;
  name: string;
  /** Allowed scores, best first, with what each means. */
  options: readonly { score: number; label: string }[];
}

export interface IndicatorDef {
  id: IndicatorId;
  name: string;
  items: readonly AssessmentItemDef[];
  max: number;
}

const HELP_5 = [
  { score: 4, label: '独立完成' },
  { score: 3, label: '需提示或指导' },
  { score: 2, label: '需少量帮助' },
  { score: 1, label: '需大量帮助' },
  { score: 0, label: '完全依赖他人' },
] as const;

const GRADE_5 = (best: string, worst: string) =>
  [
    { score: 4, label: best },
    { score: 3, label: '轻度受损' },
    { score: 2, label: '中度受损' },
    { score: 1, label: '重度受损' },
    { score: 0, label: worst },
  ] as const;

type Row = [code: string, name: string, options: readonly { score: number; label: string }[]];

const ROWS: Record<IndicatorId, { name: string; rows: Row[] }> = {
  selfCare: {
    name: '自理能力',
    rows: [
      ['B1.1', '进食', HELP_5],
      ['B1.2', '修饰', HELP_5],
      ['B1.3', '洗澡', HELP_5],
      ['B1.4', '穿/脱上衣', HELP_5],
      ['B1.5', '穿/脱裤子和鞋袜', HELP_5],
      [
        'B1.6',
        '小便控制',
        [
          { score: 4, label: '能自行控制' },
          { score: 3, label: '夜间偶有失控' },
          { score: 2, label: '偶有失禁' },
          { score: 1, label: '大部分不能控制' },
          { score: 0, label: '完全失禁或导尿' },
        ],
      ],
      [
        'B1.7',
        '大便控制',
        [
          { score: 4, label: '能自行控制' },
          { score: 3, label: '有时便秘或失禁' },
          { score: 2, label: '经常便秘或失禁' },
          { score: 1, label: '大部分时间失控' },
          { score: 0, label: '完全失禁' },
        ],
      ],
      ['B1.8', '如厕', HELP_5],
    ],
  },
  motor: {
    name: '基础运动能力',
    rows: [
      ['B2.1', '床上体位转移', HELP_5],
      ['B2.2', '床椅转移', HELP_5],
      [
        'B2.3',
        '平地行走',
        [
          { score: 4, label: '独立走50米' },
          { score: 3, label: '需监护或助行器' },
          { score: 2, label: '需少量扶持' },
          { score: 1, label: '需大量扶持' },
          { score: 0, label: '不能行走' },
        ],
      ],
      [
        'B2.4',
        '上下楼梯',
        [
          { score: 3, label: '独立上下' },
          { score: 2, label: '需提示或指导' },
          { score: 1, label: '需帮助，自身为主' },
          { score: 0, label: '依赖他人' },
        ],
      ],
    ],
  },
  mental: {
    name: '精神状态',
    rows: [
      ['B3.1', '时间定向', GRADE_5('年月日清楚', '无时间观念')],
      ['B3.2', '空间定向', GRADE_5('能单独外出', '无空间观念')],
      ['B3.3', '人物定向', GRADE_5('认识家人并知关系', '谁也不认识')],
      ['B3.4', '记忆', GRADE_5('记忆正常', '完全不能回忆')],
      ['B3.5', '理解能力', GRADE_5('理解正常', '完全不能理解')],
      ['B3.6', '表达能力', GRADE_5('表达正常', '完全不能表达')],
      [
        'B3.7',
        '攻击行为',
        [
          { score: 1, label: '近一月未出现' },
          { score: 0, label: '近一月出现过' },
        ],
      ],
      [
        'B3.8',
        '抑郁症状',
        [
          { score: 1, label: '近一月未出现' },
          { score: 0, label: '近一月出现过' },
        ],
      ],
      [
        'B3.9',
        '意识水平',
        [
          { score: 2, label: '神志清醒' },
          { score: 1, label: '嗜睡或模糊' },
          { score: 0, label: '昏睡或昏迷' },
        ],
      ],
    ],
  },
  perception: {
    name: '感知觉与社会参与',
    rows: [
      [
        'B4.1',
        '视力',
        [
          { score: 2, label: '视力正常' },
          { score: 1, label: '只看清大字' },
          { score: 0, label: '近乎失明' },
        ],
      ],
      [
        'B4.2',
        '听力',
        [
          { score: 2, label: '听力正常' },
          { score: 1, label: '需大声或安静' },
          { score: 0, label: '近乎失聪' },
        ],
      ],
      ['B4.3', '执行日常事务', HELP_5],
      [
        'B4.4',
        '使用交通工具外出',
        [
          { score: 3, label: '自己乘公交或骑车' },
          { score: 2, label: '只会打车' },
          { score: 1, label: '有人陪同可乘公交' },
          { score: 0, label: '需全程协助或不能外出' },
        ],
      ],
      ['B4.5', '社会交往能力', GRADE_5('交往恰当', '不能与人交往')],
    ],
  },
};

export const INDICATORS: readonly IndicatorDef[] = (Object.keys(ROWS) as IndicatorId[]).map((id) => {
  const items = ROWS[id].rows.map(([code, name, options]) => ({ code, indicator: id, name, options }));
  return {
    id,
    name: ROWS[id].name,
    items,
    max: items.reduce((sum, i) => sum + Math.max(...i.options.map((o) => o.score)), 0),
  };
});

export const ASSESSMENT_ITEMS: readonly AssessmentItemDef[] = INDICATORS.flatMap((i) => i.items);
export const ASSESSMENT_CODES = ASSESSMENT_ITEMS.map((i) => i.code);
export const ASSESSMENT_MAX = INDICATORS.reduce((sum, i) => sum + i.max, 0);
const ITEM_BY_CODE = new Map(ASSESSMENT_ITEMS.map((i) => [i.code, i]));

export function assessmentItem(code: string): AssessmentItemDef | undefined {
  return ITEM_BY_CODE.get(code);
}

export type AbilityLevel = 'intact' | 'mild' | 'moderate' | 'severe' | 'lost';

/** Lowest total of each level (thresholds: see the top of this file). */
export const ABILITY_LEVELS: readonly {
  level: AbilityLevel;
  name: string;
  min: number;
  max: number;
  careLevel: CareLevel;
}[] = [
  { level: 'intact', name: '能力完好', min: 90, max: 90, careLevel: 'intact' },
  { level: 'mild', name: '能力轻度受损（轻度失能）', min: 66, max: 89, careLevel: 'mild' },
  { level: 'moderate', name: '能力中度受损（中度失能）', min: 46, max: 65, careLevel: 'moderate' },
  { level: 'severe', name: '能力重度受损（重度失能）', min: 30, max: 45, careLevel: 'severe' },
  // The discount rules know four care levels: 完全失能 is the most severe of them.
  { level: 'lost', name: '能力完全丧失（完全失能）', min: 0, max: 29, careLevel: 'severe' },
];

export function abilityLevelOf(total: number) {
  return ABILITY_LEVELS.find((l) => total >= l.min) ?? ABILITY_LEVELS[ABILITY_LEVELS.length - 1];
}

export interface ItemScore {
  code: string;
  score: number;
}

export interface AssessmentResult {
  total: number;
  level: AbilityLevel;
  levelName: string;
  careLevel: CareLevel;
  indicators: { id: IndicatorId; name: string; score: number; max: number }[];
}

/**
 * What is wrong with a set of item scores, keyed like the API's `error.fields`: `items` for
 * items missing or given twice (the rule the schema cannot say), `items.<n>.code` /
 * `items.<n>.score` for an unknown item or a score it does not allow (the published schema
 * refuses those already). Empty when every item is there once with an allowed score.
 */
export function assessmentProblems(items: readonly ItemScore[]): Record<string, string> {
  const problems: Record<string, string> = {};
  const seen = new Set<string>();
  const twice = new Set<string>();
  items.forEach((it, n) => {
    const def = ITEM_BY_CODE.get(it.code);
    if (!def) {
      problems[`items.${n}.code`] = '没有这个评估项目';
      return;
    }
    if (seen.has(it.code)) twice.add(def.name);
    seen.add(it.code);
    if (!def.options.some((o) => o.score === it.score))
      problems[`items.${n}.score`] =
        `「${def.name}」的分值只能是 ${def.options.map((o) => o.score).join('、')}`;
  });
  const missing = ASSESSMENT_ITEMS.filter((i) => !seen.has(i.code));
  const words = [
    ...(twice.size ? [`重复填写：${[...twice].join('、')}`] : []),
    ...(missing.length ? [`还有 ${missing.length} 项未评：${missing.map((i) => i.name).join('、')}`] : []),
  ];
  if (words.length) problems.items = words.join('；');
  return problems;
}

/**
 * Totals per indicator, the total, the level and the care level the discount rules target.
 * Items not given count 0 (the page's running total); `assessmentProblems` says whether all are there.
 */
export function scoreAssessment(items: readonly ItemScore[]): AssessmentResult {
  const byCode = new Map(items.map((i) => [i.code, i.score]));
  const indicators = INDICATORS.map((ind) => ({
    id: ind.id,
    name: ind.name,
    score: ind.items.reduce((sum, i) => sum + (byCode.get(i.code) ?? 0), 0),
    max: ind.max,
  }));
  const total = indicators.reduce((sum, i) => sum + i.score, 0);
  const l = abilityLevelOf(total);
  return { total, level: l.level, levelName: l.name, careLevel: l.careLevel, indicators };
}

/** Months between assessments before 需复评 (a reassessment is due). */
export const REASSESS_AFTER_MONTHS = 12;

/** The same day `months` later (the month's last day when it has fewer days), `YYYY-MM-DD`. */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

/** 需复评: never assessed, or the latest assessment (a China date) is 12 months old or more on `today`. */
export function reassessmentDue(lastAssessedAt: string | null | undefined, today: string): boolean {
  return !lastAssessedAt || addMonths(lastAssessedAt, REASSESS_AFTER_MONTHS) <= today;
}
