import { z } from 'zod';
import { ASSESSMENT_ITEMS } from '../assessment';
import { DateSchema, text } from './common';

/**
 * One item's score: published per item (`oneOf` on `code`, the item's allowed scores as `enum`),
 * so a wrong score is refused by the schema itself, naming `items.<n>.score`.
 */
const ItemScoreSchema = z.discriminatedUnion(
  'code',
  ASSESSMENT_ITEMS.map((item) =>
    z.strictObject({
      code: z.literal(item.code),
      score: z.literal(
        item.options.map((o) => o.score),
        `「${item.name}」的分值只能是 ${item.options.map((o) => o.score).join('、')}`,
      ),
    }),
  ) as unknown as [z.ZodObject, ...z.ZodObject[]],
  { error: '没有这个评估项目' },
);

export const CreateAssessmentBodySchema = z.strictObject({
  /** Every one of the 26 items exactly once (a rule: `items`). */
  items: z.array(ItemScoreSchema).min(ASSESSMENT_ITEMS.length).max(ASSESSMENT_ITEMS.length),
  /** The day of the assessment (China date); today when left out; never in the future. */
  assessedAt: DateSchema.optional(),
  notes: text(500, { min: 0 }).optional(),
});
export type CreateAssessmentBody = z.input<typeof CreateAssessmentBodySchema>;
