/**
 * Who may see and act for an elder. Every route that touches an elder's records goes
 * through `loadElderFor`: the elder themself, linked family, workers of the elder's
 * community, and admin. Anyone else gets 404 — not even the elder's existence.
 */
import type { Actor } from '../core/auth';
import { notFound } from '../core/errors';
import { objectIdOrNull } from '../places/model';
import { Elder, FamilyLink, familyLinkId, type ElderDoc } from './model';

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

/** The filter for listing the elders a caller may see (bounded by the caller's scope). */
export async function visibleEldersFilter(actor: Actor): Promise<Record<string, unknown> | null> {
  switch (actor.role) {
    case 'admin':
      return {};
    case 'worker':
      return actor.communityId ? { communityId: actor.communityId } : null;
    case 'elder':
      return actor.elderId ? { _id: objectIdOrNull(actor.elderId) } : null;
    case 'family': {
      const links = await FamilyLink.find({ familyUserId: actor.id }).limit(50).lean();
      return links.length ? { _id: { $in: links.map((l) => objectIdOrNull(l.elderId)) } } : null;
    }
    default:
      return null;
  }
}
