// Uploads nothing ever used (the console's form abandoned, a shopper who never sent the request) are deleted after
// a day, record and files, so that uploads cannot fill the database.
import type { Services } from '../../context';
import type { ImageDoc } from './model';

/** How long an upload may wait to be attached. */
export const ORPHAN_AFTER_MS = 24 * 3600_000;
/** A claim older than this belongs to an instance that died while deleting: another run takes it over. */
const CLAIM_STALE_MS = 10 * 60_000;

/** Deletes up to `limit` orphaned images; returns how many. */
export async function runOrphanImages(s: Services, now = new Date(), limit = 50): Promise<number> {
  const never = { attachedAt: { $exists: false }, createdAt: { $lte: new Date(now.getTime() - ORPHAN_AFTER_MS) } };
  const candidates = await s.models.Image.find({
    ...never,
    $or: [{ deletingAt: { $exists: false } }, { deletingAt: { $lte: new Date(now.getTime() - CLAIM_STALE_MS) } }],
  })
    .limit(limit)
    .lean<ImageDoc[]>();
  let deleted = 0;
  for (const image of candidates) {
    // Claimed with a compare-and-set on what was read: an attachImages in between (which sets attachedAt and
    // requires no deletingAt) and this claim exclude each other, so an attached image is never deleted.
    const claimed = await s.models.Image.updateOne(
      { _id: image._id, ...never, deletingAt: image.deletingAt ?? { $exists: false } },
      { $set: { deletingAt: now } },
    );
    if (claimed.modifiedCount !== 1) continue;
    // Files first, then the record: should this stop half-way, the record still leads a later run to them.
    for (const variant of image.variants) await s.imageStore.delete(variant.key);
    await s.models.Image.deleteOne({ _id: image._id, deletingAt: now });
    deleted++;
  }
  if (deleted > 0) s.logger.info({ deleted }, 'deleted images never attached');
  return deleted;
}
