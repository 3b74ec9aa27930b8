import { User } from '../accounts/model';
import { Elder, FamilyLink } from '../elders/model';

/** The elder's own login (if any) and every linked family user. Queries: Elder by _id; FamilyLink {elderId}. */
export async function elderAndFamily(elderId: string): Promise<string[]> {
  const [elder, links] = await Promise.all([
    Elder.findById(elderId).lean(),
    FamilyLink.find({ elderId }).limit(50).lean(),
  ]);
  return [...(elder?.userId ? [elder.userId] : []), ...links.map((l) => l.familyUserId)];
}

/** The workers of a community. Query: User {communityId, role}. */
export async function communityWorkers(communityId: string): Promise<string[]> {
  const users = await User.find({ communityId, role: 'worker' }).limit(100).lean();
  return users.map((u) => String(u._id));
}

/** The workers of a community with their work phones (whole: the family dials them). Query: User {communityId, role}. */
export async function communityWorkerContacts(
  communityId: string,
): Promise<{ userId: string; name: string; phone?: string }[]> {
  const users = await User.find({ communityId, role: 'worker' }).limit(100).lean();
  return users.map((u) => ({ userId: String(u._id), name: u.name, ...(u.phone ? { phone: u.phone } : {}) }));
}
