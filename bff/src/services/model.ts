import mongoose, { Schema } from 'mongoose';
import type {
  Pricing,
  ReviewState,
  Role,
  ServiceAction,
  ServiceCategory,
  ServiceStatus,
  ServiceUnit,
} from '@yiyangtong/shared';

export interface ServiceItemDoc {
  _id: mongoose.Types.ObjectId;
  category: ServiceCategory;
  name: string;
  price: number;
  unit: ServiceUnit;
  durationMin: number;
  description?: string;
  /** 停用: no longer bookable nor listed for booking; visits placed keep their price */
  retired?: boolean;
  createdAt: Date;
}
export const ServiceItem = mongoose.model<ServiceItemDoc>(
  'ServiceItem',
  new Schema<ServiceItemDoc>(
    {
      category: String,
      name: String,
      price: Number,
      unit: String,
      durationMin: Number,
      description: String,
      retired: Boolean,
    },
    { timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
  ),
  'service_items',
);

export interface Who {
  userId: string;
  role: Role;
  name: string;
}

export interface TimelineEntry {
  status: ServiceStatus;
  action: ServiceAction | 'request' | 'review';
  at: Date;
  by: Who;
  note?: string;
}

export interface ServiceOrderDoc {
  _id: mongoose.Types.ObjectId;
  elderId: string;
  elderName: string;
  communityId: string;
  item: {
    id: string;
    category: ServiceCategory;
    name: string;
    price: number;
    unit: ServiceUnit;
    durationMin: number;
  };
  units: number;
  scheduledAt: Date;
  /** China date of the visit (providers' day lists, suggestions) */
  day: string;
  /** China date the visit was requested (figures: orders by status) */
  createdDay: string;
  address: string;
  notes?: string;
  pricing: Pricing;
  /** booked 用套餐: the elder's package (`elderId:packageId:month`) it drew a visit from */
  elderPackageId?: string;
  /** cancelled, its package visit not yet given back (set with the cancel; the recovery sweep finishes it) */
  packageGiveBack?: true;
  status: ServiceStatus;
  provider?: { userId: string; name: string };
  /** provider.userId at the top level: FerretDB pushes no dotted path down to an index. */
  providerUserId?: string;
  bookedBy: Who;
  timeline: TimelineEntry[];
  checkIn?: { at: Date; location?: { lng: number; lat: number }; distanceM?: number; farFromHome: boolean };
  checkOut?: { at: Date; notes?: string; durationMin: number };
  checkOutDay?: string;
  rating?: { score: number; comment?: string; at: Date; by: Who };
  ratedDay?: string;
  followUp?: { satisfied: boolean; notes?: string; at: Date; by: Who };
  followUpDay?: string;
  /** an exceptional visit (far check-in, too short): not served nor billed until approved */
  review?: { state: ReviewState; reasons: string[]; by?: Who; at?: Date; notes?: string };
  /** the community while the review is pending (the desk's queue; unset once decided) */
  reviewCommunity?: string;
  createdAt: Date;
}

const who = new Schema<Who>({ userId: String, role: String, name: String }, { _id: false });
const point = new Schema({ lng: Number, lat: Number }, { _id: false });
const schema = new Schema<ServiceOrderDoc>(
  {
    elderId: String,
    elderName: String,
    communityId: String,
    item: new Schema(
      { id: String, category: String, name: String, price: Number, unit: String, durationMin: Number },
      { _id: false },
    ),
    units: Number,
    scheduledAt: Date,
    day: String,
    createdDay: String,
    address: String,
    notes: String,
    pricing: Schema.Types.Mixed,
    elderPackageId: String,
    packageGiveBack: Boolean,
    status: String,
    provider: new Schema({ userId: String, name: String }, { _id: false }),
    providerUserId: String,
    bookedBy: who,
    timeline: [
      new Schema<TimelineEntry>(
        { status: String, action: String, at: Date, by: who, note: String },
        { _id: false },
      ),
    ],
    checkIn: new Schema(
      { at: Date, location: point, distanceM: Number, farFromHome: Boolean },
      { _id: false },
    ),
    checkOut: new Schema({ at: Date, notes: String, durationMin: Number }, { _id: false }),
    checkOutDay: String,
    rating: new Schema({ score: Number, comment: String, at: Date, by: who }, { _id: false }),
    ratedDay: String,
    followUp: new Schema({ satisfied: Boolean, notes: String, at: Date, by: who }, { _id: false }),
    followUpDay: String,
    review: new Schema(
      { state: String, reasons: [String], by: who, at: Date, notes: String },
      { _id: false },
    ),
    reviewCommunity: String,
  },
  { timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);
// Equality queries only, each on an index:
schema.index({ elderId: 1, status: 1 }); // an elder's visits (by status)
schema.index({ elderId: 1 });
schema.index({ communityId: 1, status: 1 }); // a community's visits to dispatch / follow up
schema.index({ communityId: 1 });
schema.index({ communityId: 1, day: 1 }); // a community's visits, a day at a time
schema.index({ status: 1 }); // admin, by status
schema.index({ providerUserId: 1, day: 1 }); // a provider's visits of a day
schema.index({ providerUserId: 1 });
schema.index({ day: 1 }); // suggestions: open visits per provider that day
schema.index({ createdDay: 1 }); // recount
schema.index({ checkOutDay: 1 });
schema.index({ ratedDay: 1 });
schema.index({ followUpDay: 1 });
schema.index({ reviewCommunity: 1 }); // the desk's review queue
schema.index({ packageGiveBack: 1 }); // the recovery sweep: a cancelled visit's package visit to give back
export const ServiceOrder = mongoose.model<ServiceOrderDoc>('ServiceOrder', schema, 'service_orders');
