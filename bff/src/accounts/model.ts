import mongoose, { Schema } from 'mongoose';
import type { Role, ServiceCategory } from '@yiyangtong/shared';
import { forgetSessions } from './session-cache';

export interface UserDoc {
  _id: mongoose.Types.ObjectId;
  role: Role;
  name: string;
  phone?: string;
  communityId?: string;
  canteenId?: string;
  providerId?: string;
  /** provider: what they do and where (dispatch suggestions) */
  serviceCategories?: ServiceCategory[];
  communityIds?: string[];
  elderId?: string;
  /** A disabled account's tokens are refused (401) and it cannot sign in. */
  disabled?: boolean;
  /** Raised when the account is disabled, its scope changes or its password is reset: older tokens are refused. */
  tokenVersion?: number;
  createdAt: Date;
}

const userSchema = new Schema<UserDoc>(
  {
    role: { type: String, required: true },
    name: { type: String, required: true },
    phone: String,
    communityId: String,
    canteenId: String,
    providerId: String,
    serviceCategories: { type: [String], default: undefined },
    communityIds: { type: [String], default: undefined },
    elderId: String,
    disabled: Boolean,
    tokenVersion: Number,
  },
  { timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);
// Queries: {communityId, role} (a community's workers), {role} (providers to dispatch to).
userSchema.index({ communityId: 1, role: 1 });
userSchema.index({ role: 1 });
// Any write to an account drops this process's cached session state (./session-cache.ts).
for (const op of [
  'updateOne',
  'updateMany',
  'findOneAndUpdate',
  'deleteOne',
  'deleteMany',
  'findOneAndDelete',
  'replaceOne',
] as const) {
  userSchema.pre(op, function () {
    forgetSessions(this.getFilter());
  });
  userSchema.post(op, function () {
    forgetSessions(this.getFilter());
  });
}
export const User = mongoose.model<UserDoc>('User', userSchema);

/**
 * How a user signs in, keyed by a deterministic `_id` so that uniqueness and the login
 * lookup are both `_id` operations (index-backed and unique everywhere):
 * `phone:<phone>` holds a password hash; `wechat:<openid>` a WeChat identity.
 */
export interface CredentialDoc {
  _id: string;
  userId: string;
  passwordHash?: string;
  createdAt: Date;
}
const credentialSchema = new Schema<CredentialDoc>(
  { _id: String, userId: { type: String, required: true }, passwordHash: String },
  { timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);
// Query: {userId} (a user's WeChat openid, for subscribe messages).
credentialSchema.index({ userId: 1 });
export const Credential = mongoose.model<CredentialDoc>('Credential', credentialSchema);

/** Failed attempts per key within a window (`_id`: a phone, `ip:…`, `invite:…`; see attempts.ts); over the limit → 429. */
export interface LoginFailureDoc {
  _id: string;
  count: number;
  windowStart: Date;
}
export const LoginFailure = mongoose.model<LoginFailureDoc>(
  'LoginFailure',
  new Schema<LoginFailureDoc>({ _id: String, count: Number, windowStart: Date }, { versionKey: false }),
);

export function publicUser(u: UserDoc, opts: { maskPhone?: (p: string) => string } = {}) {
  return {
    id: String(u._id),
    role: u.role,
    name: u.name,
    ...(u.phone ? { phone: opts.maskPhone ? opts.maskPhone(u.phone) : u.phone } : {}),
    ...(u.communityId ? { communityId: u.communityId } : {}),
    ...(u.canteenId ? { canteenId: u.canteenId } : {}),
    ...(u.providerId ? { providerId: u.providerId } : {}),
    ...(u.serviceCategories?.length ? { serviceCategories: u.serviceCategories } : {}),
    ...(u.communityIds?.length ? { communityIds: u.communityIds } : {}),
    ...(u.elderId ? { elderId: u.elderId } : {}),
    disabled: Boolean(u.disabled),
  };
}
