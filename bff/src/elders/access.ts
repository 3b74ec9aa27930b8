/**
 * Who may see and act for an elder. Every route that touches an elder's records goes
 * through `loadElderFor`: the elder themself, linked family, workers of the elder's
 * community, and admin. Anyone else gets 404 — not even the elder's existence.
 */
import type { Actor } from '../core/auth';
import { conflict, notFound } from '../core/errors';
import { Elder, elderReads, FamilyLink, familyLinkId, isRetired, type ElderDoc } from './model';
import { objectIdOrNull } from '../db/ids';

/** Nothing new is booked for an elder who left the programme (or is leaving it). */
export function assertBookable(elder: Pick<ElderDoc, 'name' | 'status'>): void {
  if (isRetired(elder))
    throw conflict('ELDER_RETIRED', `${elder.name}已退出服务，不能再为其订餐、预约或设置长期订餐`);
}

export async function mayActForElder(
  actor: Actor,
  elder: Pick<ElderDoc, '_id' | 'communityId'>,
): Promise<boolean> {
  const elderId = String(elder._id);
  switch (actor.role) {
    case 'admin':
      return true;
    case 'worker':
      return Boolean(actor.communityId) && actor.communityId === elder.communityId;
    case 'elder':
      return actor.elderId === elderId;
    case 'family':
      return Boolean(await FamilyLink.exists({ _id: familyLinkId(actor.id, elderId) }));
    default:
      return false;
  }
}

export async function loadElderFor(actor: Actor, elderId: string): Promise<ElderDoc> {
  const oid = objectIdOrNull(elderId);
  const elder = oid && (await Elder.findById(oid).lean());
  if (!elder || !(await mayActForElder(actor, elder))) throw notFound('长者');
  return elder;
}

/**
 * `loadElderFor` for the booking rush (meal placement): the elder read again only after an
 * elder was written. The document is shared between requests: read it, never change it.
 */
export async function loadElderForBooking(actor: Actor, elderId: string): Promise<Readonly<ElderDoc>> {
  const oid = objectIdOrNull(elderId);
  const elder =
    oid && (await elderReads.read(elderId, async () => (await Elder.findById(oid).lean()) ?? null));
  if (!elder || !(await mayActForElder(actor, elder))) throw notFound('长者');
  return elder;
}

/**
 * The elders a family member or an elder may see, by id: each is then read by `_id`
 * (an `$in` list is never index-backed on the embedded FerretDB).
 */
export async function visibleElderIds(actor: Actor): Promise<string[]> {
  switch (actor.role) {
    case 'elder':
      return actor.elderId ? [actor.elderId] : [];
    case 'family':
      return (await FamilyLink.find({ familyUserId: actor.id }).limit(50).lean()).map((l) => l.elderId);
    default:
      return [];
  }
}

/**
 * The elders a caller may see, optionally of one community: workers their community's,
 * admin all (bounded), family and elders by id.
 */
export async function listVisibleElders(
  actor: Actor,
  communityId?: string,
  limit = 1000,
): Promise<ElderDoc[]> {
  if (actor.role === 'family' || actor.role === 'elder') {
    const ids = (await visibleElderIds(actor)).map(objectIdOrNull).filter(Boolean);
    const elders = await Promise.all(ids.map((id) => Elder.findById(id).lean<ElderDoc>()));
    return elders.filter(
      (e): e is ElderDoc => Boolean(e) && (!communityId || e!.communityId === communityId),
    );
  }
  let filter: Record<string, unknown>;
  if (actor.role === 'admin') filter = communityId ? { communityId } : {};
  else if (
    actor.role === 'worker' &&
    actor.communityId &&
    (!communityId || communityId === actor.communityId)
  )
    filter = { communityId: actor.communityId };
  else return [];
  const elders = await Elder.find(filter).limit(limit).lean<ElderDoc[]>();
  return elders.sort((a, b) => String(a._id).localeCompare(String(b._id)));
}
