import mongoose, { Schema } from 'mongoose';
import type { DiscountRule } from '@yiyangtong/shared';
import { SingleFlight } from '../db/single-flight';

export interface DiscountRuleDoc extends Omit<DiscountRule, 'id'> {
  _id: mongoose.Types.ObjectId;
  createdBy: string;
  createdAt: Date;
  /** 1 when created, +1 on every change (rules from before versions count as 1) */
  version?: number;
  /** when and by whom the current version was made (the creation for version 1) */
  versionAt?: Date;
  versionBy?: string;
  versionReason?: string;
}

const BenefitSchema = new Schema({ type: { type: String }, value: Number }, { _id: false });

const ruleFields = {
  name: String,
  canteenId: String,
  district: String,
  minAge: Number,
  maxAge: Number,
  groups: { type: [String], default: undefined },
  careLevels: { type: [String], default: undefined },
  slots: { type: [String], default: undefined },
  benefit: BenefitSchema,
  fundedBy: String,
  perElderPerSlotPerDay: Number,
  priority: Number,
  stackable: Boolean,
  validFrom: String,
  validTo: String,
  active: { type: Boolean, default: true },
  appliesTo: String,
  serviceCategories: { type: [String], default: undefined },
};

export const DiscountRuleModel = mongoose.model<DiscountRuleDoc>(
  'DiscountRule',
  new Schema<DiscountRuleDoc>(
    {
      ...ruleFields,
      createdBy: String,
      version: { type: Number, default: 1 },
      versionAt: Date,
      versionBy: String,
      versionReason: String,
    },
    { timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
  ).index({ active: 1 }),
);

/**
 * A version of a rule that a change replaced, kept as it was: `_id` is `<ruleId>:<version>`, so
 * archiving it twice (a retried or concurrent change) is an E11000, never a second copy. The
 * current version lives on the rule itself.
 */
export interface DiscountRuleVersionDoc extends Omit<DiscountRule, 'id' | 'version'> {
  _id: string;
  ruleId: string;
  version: number;
  /** when and by whom this version was made, and why */
  at: Date;
  by?: string;
  reason?: string;
  /** when the next version replaced it */
  replacedAt: Date;
}

export const DiscountRuleVersion = mongoose.model<DiscountRuleVersionDoc>(
  'DiscountRuleVersion',
  new Schema<DiscountRuleVersionDoc>(
    {
      _id: String,
      ruleId: { type: String, required: true },
      version: Number,
      ...ruleFields,
      at: Date,
      by: String,
      reason: String,
      replacedAt: Date,
    },
    { versionKey: false },
  ).index({ ruleId: 1 }),
  'discount_rule_versions',
);

export function toRule(d: DiscountRuleDoc): DiscountRule {
  const {
    _id,
    createdBy: _c,
    createdAt: _a,
    version,
    versionAt: _va,
    versionBy: _vb,
    versionReason: _vr,
    ...rest
  } = d;
  return { id: String(_id), ...rest, version: version ?? 1 };
}

/**
 * Active rules change rarely and are read on every quote: cached briefly, dropped on change.
 * The placements waiting when the cache runs out share one read (every 2 s at the lunch rush,
 * each of them read the rules again).
 */
let cache: { rules: DiscountRule[]; at: number } | null = null;
const ruleReads = new SingleFlight<DiscountRule[]>();
export async function activeRules(): Promise<DiscountRule[]> {
  if (cache && Date.now() - cache.at < 2_000) return cache.rules;
  return ruleReads.run(
    'active',
    async () =>
      (await DiscountRuleModel.find({ active: true }).limit(1000).lean<DiscountRuleDoc[]>()).map(toRule),
    (rules) => {
      cache = { rules, at: Date.now() };
    },
  );
}
/** After a change: the next quote reads the rules afresh (a read already running is not kept). */
export function forgetRules(): void {
  cache = null;
  ruleReads.forget('active');
}
