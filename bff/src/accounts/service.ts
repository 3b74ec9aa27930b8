import mongoose from 'mongoose';
import type { Role, ServiceCategory } from '@yiyangtong/shared';
import { isDuplicateKeyError } from '../db';
import { AppError, conflict, unauthorized } from '../core/errors';
import { assertNotLocked, clearFailures, minutesOf, recordFailure, type AttemptKey } from './attempts';
import { Credential, User, type UserDoc } from './model';
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
  serviceCategories?: ServiceCategory[];
  communityIds?: string[];
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
  maxFailuresPerIp: number;
}

/**
 * Checks a phone + password. Too many failures for one phone, or from one IP (many phones
 * tried), within the window → 429 with Retry-After, even for the right password.
 */
export async function loginWithPassword(
  phone: string,
  password: string,
  policy: LoginPolicy,
  ip: string,
): Promise<UserDoc> {
  const byPhone: AttemptKey = { key: phone, limit: policy };
  const byIp: AttemptKey = { key: `ip:${ip}`, limit: { ...policy, maxFailures: policy.maxFailuresPerIp } };
  const counted = await assertNotLocked(
    [byPhone, byIp],
    `密码错误次数过多，请 ${minutesOf(policy)} 分钟后再试`,
  );
  const credential = await Credential.findById(`phone:${phone}`).lean();
  const ok = credential?.passwordHash
    ? await verifyPassword(password, credential.passwordHash)
    : (await verifyPassword(password, await DUMMY_HASH_PROMISE), false);
  const user = ok && credential ? await User.findById(credential.userId).lean() : null;
  if (!user) {
    await Promise.all([recordFailure(byPhone), recordFailure(byIp)]);
    throw unauthorized('手机号或密码不正确');
  }
  // The phone's count starts again; the IP's does not (it may be trying many phones).
  if (counted.has(phone)) await clearFailures(phone);
  assertEnabled(user);
  return user;
}

export async function findOrCreateWechatUser(openid: string): Promise<UserDoc> {
  const find = async () => {
    const credential = await Credential.findById(`wechat:${openid}`).lean();
    return credential ? User.findById(credential.userId).lean() : null;
  };
  const existing = await find();
  if (existing) return assertEnabled(existing);
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

/** A disabled account signs in no more (the right password included). */
export function assertEnabled(user: UserDoc): UserDoc {
  if (user.disabled) throw new AppError(403, 'ACCOUNT_DISABLED', '该账号已停用，请联系社区或区民政办');
  return user;
}
