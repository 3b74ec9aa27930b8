import mongoose from 'mongoose';
import type { Role } from '@yiyangtong/shared';
import { isDuplicateKeyError } from '../db';
import { writeLock } from '../db/write-lock';
import { conflict, tooManyRequests, unauthorized } from '../core/errors';
import { Credential, LoginFailure, User, type UserDoc } from './model';
import { DUMMY_HASH_PROMISE, hashPassword, verifyPassword } from './passwords';

export interface NewUser {
  role: Role;
  name: string;
  phone?: string;
  password?: string;
  wechatOpenId?: string;
  communityId?: string;
  canteenId?: string;
  providerId?: string;
  elderId?: string;
}

/**
 * Creates the sign-in credential first (its `_id` is unique: E11000 → 409), then the
 * user; if the user cannot be written the credential is removed again.
 */
export async function createUser(input: NewUser): Promise<UserDoc> {
  const userId = new mongoose.Types.ObjectId();
  const credentialId = input.phone ? `phone:${input.phone}` : `wechat:${input.wechatOpenId}`;
  try {
    await Credential.create({
      _id: credentialId,
      userId: String(userId),
      ...(input.password ? { passwordHash: await hashPassword(input.password) } : {}),
    });
  } catch (err) {
    if (isDuplicateKeyError(err)) throw conflict('PHONE_TAKEN', '该手机号已注册');
    throw err;
  }
  try {
    const { password: _p, wechatOpenId: _w, ...profile } = input;
    return (await User.create({ _id: userId, ...profile })).toObject();
  } catch (err) {
    await Credential.deleteOne({ _id: credentialId });
    throw err;
  }
}

/** Undoes `createUser` (a step after it failed). */
export async function deleteUser(user: Pick<UserDoc, '_id' | 'phone'>): Promise<void> {
  await User.deleteOne({ _id: user._id });
  if (user.phone) await Credential.deleteOne({ _id: `phone:${user.phone}`, userId: String(user._id) });
}

export interface LoginPolicy {
  maxFailures: number;
  windowMs: number;
}

/** Checks a phone + password; too many failures for one phone within the window → 429. */
export async function loginWithPassword(
  phone: string,
  password: string,
  policy: LoginPolicy,
): Promise<UserDoc> {
  const failures = await LoginFailure.findById(phone).lean();
  const windowOpen = failures && Date.now() - failures.windowStart.getTime() < policy.windowMs;
  if (windowOpen && failures.count >= policy.maxFailures) {
    throw tooManyRequests('密码错误次数过多，请15分钟后再试');
  }
  const credential = await Credential.findById(`phone:${phone}`).lean();
  const ok = credential?.passwordHash
    ? await verifyPassword(password, credential.passwordHash)
    : (await verifyPassword(password, await DUMMY_HASH_PROMISE), false);
  const user = ok && credential ? await User.findById(credential.userId).lean() : null;
  if (!user) {
    await recordFailure(phone, policy);
    throw unauthorized('手机号或密码不正确');
  }
  if (failures) await LoginFailure.deleteOne({ _id: phone });
  return user;
}

async function recordFailure(phone: string, policy: LoginPolicy): Promise<void> {
  // Read-modify-write of one document: serialised like every conditional write.
  await writeLock.run(`loginfailures:${phone}`, async () => {
    const current = await LoginFailure.findById(phone).lean();
    const fresh = !current || Date.now() - current.windowStart.getTime() >= policy.windowMs;
    await LoginFailure.updateOne(
      { _id: phone },
      fresh ? { $set: { count: 1, windowStart: new Date() } } : { $inc: { count: 1 } },
      { upsert: true },
    );
  });
}

export async function findOrCreateWechatUser(openid: string): Promise<UserDoc> {
  const find = async () => {
    const credential = await Credential.findById(`wechat:${openid}`).lean();
    return credential ? User.findById(credential.userId).lean() : null;
  };
  const existing = await find();
  if (existing) return existing;
  try {
    return await createUser({ role: 'family', name: '微信用户', wechatOpenId: openid });
  } catch (err) {
    // Several first logins at once: another request holds the credential and is writing the user.
    for (let i = 0; i < 40; i++) {
      const user = await find();
      if (user) return user;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw err;
  }
}
