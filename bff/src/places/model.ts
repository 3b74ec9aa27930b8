import mongoose, { Schema } from 'mongoose';

export interface LngLat {
  lng: number;
  lat: number;
}

export interface CommunityDoc {
  _id: mongoose.Types.ObjectId;
  name: string;
  district: string;
  location: LngLat;
}

const LocationSchema = new Schema<LngLat>({ lng: Number, lat: Number }, { _id: false });

export const Community = mongoose.model<CommunityDoc>(
  'Community',
  new Schema<CommunityDoc>(
    {
      name: { type: String, required: true },
      district: { type: String, required: true },
      location: LocationSchema,
    },
    { versionKey: false },
  ),
);

export interface SlotConfig {
  slot: 'breakfast' | 'lunch' | 'dinner';
  cutoff: string; // HH:mm China time
  cutoffDayBefore?: boolean;
}

export interface CanteenDoc {
  _id: mongoose.Types.ObjectId;
  name: string;
  communityId: string;
  district: string; // copied from the community: discount rules may be scoped to a district
  address: string;
  location: LngLat;
  slots: SlotConfig[];
  fulfilment: ('dine_in' | 'take_away' | 'delivery')[];
  deliveryFee: number; // fen
  /** 暂停营业: takes no new orders (409 CANTEEN_CLOSED) until opened again */
  closed?: boolean;
}

export const Canteen = mongoose.model<CanteenDoc>(
  'Canteen',
  new Schema<CanteenDoc>(
    {
      name: { type: String, required: true },
      communityId: { type: String, required: true },
      district: String,
      address: String,
      location: LocationSchema,
      slots: [
        new Schema<SlotConfig>({ slot: String, cutoff: String, cutoffDayBefore: Boolean }, { _id: false }),
      ],
      fulfilment: [String],
      deliveryFee: { type: Number, required: true },
      closed: Boolean,
    },
    { versionKey: false },
  ).index({ communityId: 1 }),
);

export const publicCommunity = (c: CommunityDoc) => ({
  id: String(c._id),
  name: c.name,
  district: c.district,
  location: c.location,
});

export const publicCanteen = (c: CanteenDoc) => ({
  id: String(c._id),
  name: c.name,
  communityId: c.communityId,
  district: c.district,
  address: c.address,
  location: c.location,
  slots: c.slots.map((s) => ({
    slot: s.slot,
    cutoff: s.cutoff,
    cutoffDayBefore: Boolean(s.cutoffDayBefore),
  })),
  fulfilment: c.fulfilment,
  deliveryFee: c.deliveryFee,
  closed: Boolean(c.closed),
});
