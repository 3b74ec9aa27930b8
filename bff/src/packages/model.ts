import mongoose, { Schema } from 'mongoose';
import type { Pricing, ServiceCategory } from '@yiyangtong/shared';
import type { Who } from '../services/model';

/** A monthly service package (套餐) the admin offers: `visitsPerMonth` visits of one item for `price` fen. */
export interface ServicePackageDoc {
  _id: mongoose.Types.ObjectId;
  itemId: string;
  itemName: string;
  category: ServiceCategory;
  name: string;
  visitsPerMonth: number;
  price: number;
  /** false once retired (停售): listed, but not sold any more; packages bought keep working */
  active: boolean;
  createdAt: Date;
}
export const ServicePackage = mongoose.model<ServicePackageDoc>(
  'ServicePackage',
  new Schema<ServicePackageDoc>(
    {
      itemId: String,
      itemName: String,
      category: String,
      name: String,
      visitsPerMonth: Number,
      price: Number,
      active: Boolean,
    },
    { timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
  ),
  'service_packages',
);

/**
 * One package an elder bought for one China month. `_id` = `elderId:packageId:YYYY-MM`, so
 * the same package cannot be bought twice for a month (E11000), in any number of processes.
 *
 * `remaining` only changes through `conditionalUpdate` (./service.ts): a draw is
 * `remaining > 0` → `$inc -1` and `$push` the visit id onto `draws` and `pending`; the visit
 * is then created and its id pulled from `pending`. A give-back (cancel, or a booking that
 * failed after drawing) is `draws` holds the id → `$inc +1`, `$pull` it: once per visit.
 * Crash recovery: an id left in `pending` past the grace period whose visit does not exist
 * is given back (`recoverDraws`, run when the elder's packages are read); one whose visit
 * exists is just pulled from `pending`.
 */
export interface ElderPackageDoc {
  _id: string;
  elderId: string;
  /** `elderId:YYYY-MM`: the elder's packages of a month (equality, index-backed) */
  elderMonth: string;
  communityId: string;
  packageId: string;
  name: string;
  itemId: string;
  itemName: string;
  category: ServiceCategory;
  month: string;
  visitsPerMonth: number;
  remaining: number;
  /** visits drawn from the package and not given back */
  draws: string[];
  /** visits drawn whose booking has not finished yet */
  pending: string[];
  pricing: Pricing;
  payment: {
    method: 'card' | 'counter';
    amount: number;
    status: 'paid' | 'unpaid';
    paidAt?: Date;
    /** 到社区服务站付: who took the money */
    collectedBy?: Who;
  };
  /** the attempt that bought it (Idempotency-Key replays look it up; the card entry names it) */
  purchaseId: string;
  boughtBy: Who;
  createdAt: Date;
}
const who = new Schema<Who>({ userId: String, role: String, name: String }, { _id: false });
const elderPackageSchema = new Schema<ElderPackageDoc>(
  {
    _id: String,
    elderId: String,
    elderMonth: String,
    communityId: String,
    packageId: String,
    name: String,
    itemId: String,
    itemName: String,
    category: String,
    month: String,
    visitsPerMonth: Number,
    remaining: Number,
    draws: [String],
    pending: [String],
    pricing: Schema.Types.Mixed,
    payment: new Schema(
      { method: String, amount: Number, status: String, paidAt: Date, collectedBy: who },
      { _id: false },
    ),
    purchaseId: String,
    boughtBy: who,
  },
  { timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);
elderPackageSchema.index({ elderMonth: 1 }); // an elder's packages of a month
elderPackageSchema.index({ purchaseId: 1 }); // crash recovery: did this attempt buy it
export const ElderPackage = mongoose.model<ElderPackageDoc>(
  'ElderPackage',
  elderPackageSchema,
  'elder_packages',
);

export const elderPackageId = (elderId: string, packageId: string, month: string) =>
  `${elderId}:${packageId}:${month}`;
