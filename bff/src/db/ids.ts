import mongoose from 'mongoose';

/** A valid ObjectId string or null (so a malformed id is a 404, never a CastError). */
export function objectIdOrNull(id: string): mongoose.Types.ObjectId | null {
  return /^[0-9a-f]{24}$/.test(id) ? new mongoose.Types.ObjectId(id) : null;
}
