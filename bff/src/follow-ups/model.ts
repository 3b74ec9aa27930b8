import mongoose, { Schema } from 'mongoose';
import type { FollowUpReason } from '@yiyangtong/shared';
import type { Who } from '../services/model';

/**
 * 回访任务: one per visit (`_id` = the service order's id, so a visit sampled and then rated
 * low is still one task). Open until a worker records the follow-up on the visit.
 */
export interface FollowUpTaskDoc {
  _id: string;
  communityId: string;
  elderId: string;
  elderName: string;
  itemName: string;
  providerName?: string;
  reasons: FollowUpReason[];
  ratingScore?: number;
  status: 'open' | 'done';
  createdAt: Date;
  /** China date created / done (figures, recount) */
  createdDay: string;
  done?: { at: Date; by: Who; satisfied: boolean; notes?: string };
  doneDay?: string;
}

const who = new Schema<Who>({ userId: String, role: String, name: String }, { _id: false });
const schema = new Schema<FollowUpTaskDoc>(
  {
    _id: String,
    communityId: String,
    elderId: String,
    elderName: String,
    itemName: String,
    providerName: String,
    reasons: [String],
    ratingScore: Number,
    status: String,
    createdAt: Date,
    createdDay: String,
    done: new Schema({ at: Date, by: who, satisfied: Boolean, notes: String }, { _id: false }),
    doneDay: String,
  },
  { versionKey: false },
);
// Queries: {communityId, status} (a worker's open tasks), {status} (admin), {createdDay} and
// {doneDay} (the recount).
schema.index({ communityId: 1, status: 1 });
schema.index({ status: 1 });
schema.index({ createdDay: 1 });
schema.index({ doneDay: 1 });
export const FollowUpTask = mongoose.model<FollowUpTaskDoc>('FollowUpTask', schema, 'follow_up_tasks');

/** The district's sampling setting, one document `_id: 'sampling'`. */
export interface FollowUpSettingsDoc {
  _id: string;
  sampleShare: number;
  updatedAt?: Date;
  updatedBy?: Who;
}
export const FollowUpSettings = mongoose.model<FollowUpSettingsDoc>(
  'FollowUpSettings',
  new Schema<FollowUpSettingsDoc>(
    { _id: String, sampleShare: Number, updatedAt: Date, updatedBy: who },
    { versionKey: false },
  ),
  'follow_up_settings',
);
