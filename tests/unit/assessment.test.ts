/**
 * The pure capability-assessment scoring (shared/src/assessment.ts) the BFF and the worker's page
 * share: the standard's shape (4 indicators, 26 items, 90 points), the level thresholds and the
 * care level each maps to, the problems named per field, and 需复评 on calendar months.
 */
import {
  abilityLevelOf,
  addMonths,
  ASSESSMENT_ITEMS,
  ASSESSMENT_MAX,
  assessmentProblems,
  INDICATORS,
  reassessmentDue,
  scoreAssessment,
} from '../../shared/src/assessment';

const best = () =>
  ASSESSMENT_ITEMS.map((i) => ({ code: i.code, score: Math.max(...i.options.map((o) => o.score)) }));

test('4 indicators with 8, 4, 9 and 5 items: 26 items, 90 points', () => {
  expect(INDICATORS.map((i) => [i.name, i.items.length, i.max])).toEqual([
    ['自理能力', 8, 32],
    ['基础运动能力', 4, 15],
    ['精神状态', 9, 28],
    ['感知觉与社会参与', 5, 15],
  ]);
  expect(ASSESSMENT_ITEMS).toHaveLength(26);
  expect(new Set(ASSESSMENT_ITEMS.map((i) => i.code)).size).toBe(26);
  expect(ASSESSMENT_MAX).toBe(90);
  // Every item's scores run from its best down to 0, one step at a time.
  for (const item of ASSESSMENT_ITEMS) {
    const scores = item.options.map((o) => o.score);
    expect(scores).toEqual(Array.from({ length: scores.length }, (_, k) => scores.length - 1 - k));
  }
});

test.each([
  [90, 'intact', 'intact'],
  [89, 'mild', 'mild'],
  [66, 'mild', 'mild'],
  [65, 'moderate', 'moderate'],
  [46, 'moderate', 'moderate'],
  [45, 'severe', 'severe'],
  [30, 'severe', 'severe'],
  [29, 'lost', 'severe'],
  [0, 'lost', 'severe'],
])('a total of %i is level %s, care level %s', (total, level, careLevel) => {
  expect(abilityLevelOf(total)).toMatchObject({ level, careLevel });
});

test('totals per indicator and overall; items not given count 0 (the running total)', () => {
  expect(scoreAssessment(best())).toMatchObject({ total: 90, level: 'intact', levelName: '能力完好' });
  const some = best().map((i) => (i.code.startsWith('B3') ? { ...i, score: 0 } : i));
  const r = scoreAssessment(some);
  expect(r.indicators.map((i) => i.score)).toEqual([32, 15, 0, 15]);
  expect(r).toMatchObject({ total: 62, level: 'moderate', careLevel: 'moderate' });
  expect(scoreAssessment([{ code: 'B1.1', score: 4 }]).total).toBe(4);
});

test('problems are named by field: missing and repeated under items, a bad score by its place', () => {
  expect(assessmentProblems(best())).toEqual({});
  const items = best();
  expect(assessmentProblems(items.slice(1)).items).toBe('还有 1 项未评：进食');
  expect(assessmentProblems([...items, items[3]]).items).toBe('重复填写：穿/脱上衣');
  const bad = items.map((i, n) => (n === 11 ? { ...i, score: 4 } : i));
  expect(assessmentProblems(bad)).toEqual({ 'items.11.score': '「上下楼梯」的分值只能是 3、2、1、0' });
  expect(assessmentProblems([{ code: 'X', score: 1 }, ...items])['items.0.code']).toBe('没有这个评估项目');
});

test('需复评: none, or 12 calendar months since the latest (month ends kept)', () => {
  expect(reassessmentDue(undefined, '2026-12-01')).toBe(true);
  expect(reassessmentDue('2025-12-02', '2026-12-01')).toBe(false);
  expect(reassessmentDue('2025-12-01', '2026-12-01')).toBe(true);
  expect(addMonths('2024-02-29', 12)).toBe('2025-02-28');
  expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
  expect(addMonths('2026-11-15', 2)).toBe('2027-01-15');
  expect(reassessmentDue('2024-02-29', '2025-02-27')).toBe(false);
  expect(reassessmentDue('2024-02-29', '2025-02-28')).toBe(true);
});
