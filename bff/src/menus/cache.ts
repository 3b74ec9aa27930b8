/**
 * Menu reads for the lunch rush: an in-process cache of menu documents by `_id`.
 * Writes made by this process replace the cached copy at once (with what the database
 * returned); the short TTL bounds how stale another process's changes can look. The
 * shown `remaining` is advisory: the conditional stock update is what decides.
 */
import { SingleFlight } from '../db/single-flight';
import { Menu, type MenuDoc } from './model';

const TTL_MS = 1_000;
const entries = new Map<string, { doc: MenuDoc | null; at: number }>();
const reads = new SingleFlight<MenuDoc | null>();

export async function getMenu(id: string): Promise<MenuDoc | null> {
  const hit = entries.get(id);
  if (hit && Date.now() - hit.at < TTL_MS) return hit.doc;
  const doc = await reads.run(
    id,
    async () => (await Menu.findById(id).lean<MenuDoc>()) ?? null,
    (read) => remember(id, read),
  );
  // A stock update may have cached a newer copy while the read was on its way.
  return entries.get(id)?.doc ?? doc;
}

export function remember(id: string, doc: MenuDoc | null): void {
  if (entries.size > 5_000) entries.clear(); // bound memory; a cold cache only costs reads
  // Two stock updates at once may answer in either order: an older copy never replaces a newer.
  const cached = entries.get(id)?.doc;
  if (doc && cached && (doc.rev ?? 0) < (cached.rev ?? 0) && doc.updatedAt <= cached.updatedAt) return;
  entries.set(id, { doc, at: Date.now() });
}

export function forget(id: string): void {
  entries.delete(id);
  reads.forget(id);
}
