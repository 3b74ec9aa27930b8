import mongoose, { Schema } from 'mongoose';
import type { DiscountRule } from '@yiyangtong/shared';

export interface DiscountRuleDoc extends Omit<DiscountRule, 'id'> {
  _id: mongoose.Types.ObjectId;
  createdBy: string;
  createdAt: Date;
}

export const DiscountRuleModel = mongoose.model<DiscountRuleDoc>(
  'DiscountRule',
  new Schema<DiscountRuleDoc>(
    {
      name: String,
      canteenId: String,
      district: String,
      minAge: Number,
      maxAge: Number,
      groups: { type: [String], default: undefined },
      careLevels: { type: [String], default: undefined },
      slots: { type: [String], default: undefined },
      benefit: new Schema({ type: { type: String }, value: Number }, { _id: false }),
      fundedBy: String,
      perElderPerSlotPerDay: Number,
      priority: Number,
      stackable: Boolean,
      validFrom: String,
      validTo: String,
      active: { type: Boolean, default: true },
      appliesTo: String,
      serviceCategories: { type: [String], default: undefined },
      createdBy: String,
    },
    { timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
  ).index({ active: 1 }),
);

export function toRule(d: DiscountRuleDoc): DiscountRule {
  const { _id, createdBy: _c, createdAt: _a, ...rest } = d;
  return { id: String(_id), ...rest };
}

/** Active rules change rarely and are read on every quote: cached briefly, dropped on change. */
let cache: { rules: DiscountRule[]; at: number } | null = null;
export async function activeRules(): Promise<DiscountRule[]> {
  if (cache && Date.now() - cache.at < 2_000) return cache.rules;
  const docs = await DiscountRuleModel.find({ active: true }).limit(1000).lean<DiscountRuleDoc[]>();
  cache = { rules: docs.map(toRule), at: Date.now() };
  return cache.rules;
}
export function forgetRules(): void {
  cache = null;
}
