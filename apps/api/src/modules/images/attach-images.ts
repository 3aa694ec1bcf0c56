// What other rooms use of the images room: the URLs images are served under, and marking images as in use.
import { Types } from 'mongoose';
import type { Models } from '../../collections';
import { badRequest } from '../../errors';

/** Served variants below the original (which has no suffix). */
export type ImageVariantSize = 'thumb' | 'medium';

/**
 * Where an image is served: `/api/images/<id>` (the original, at most 1600 px), `…/medium` (~750 px wide),
 * `…/thumb` (~300 px). Absolute paths, so the same value works behind any host.
 */
export function imageUrl(id: string, size?: ImageVariantSize): string {
  return size ? `/api/images/${id}/${size}` : `/api/images/${id}`;
}

const URL_PATTERN = /^(?:https?:\/\/[^/]+)?\/api\/images\/([0-9a-f]{24})(?:\/(?:medium|thumb))?$/i;

/**
 * The image id in what a client sent back: an id, or a URL the API gave out (imageUrl, with or without a host).
 * Undefined for anything else.
 */
export function imageIdOf(idOrUrl: string): string | undefined {
  const value = idOrUrl.trim();
  if (Types.ObjectId.isValid(value) && /^[0-9a-f]{24}$/i.test(value)) return value.toLowerCase();
  return URL_PATTERN.exec(value)?.[1]?.toLowerCase();
}

/**
 * Marks uploaded images as in use by `kind` (default 'product'), so the orphan job keeps them. Takes ids or the
 * URLs the API gave out. Throws 400 VALIDATION_FAILED naming the first one that is not an uploaded image (or one
 * the orphan job is deleting). One atomic update per image: the orphan job's claim and this update exclude each
 * other on `deletingAt`/`attachedAt`, so an image is either attached and kept, or refused here.
 */
export async function attachImages(models: Models, ids: string[], kind = 'product'): Promise<void> {
  const now = new Date();
  for (const given of ids) {
    const id = imageIdOf(given);
    const attached = id
      ? await models.Image.updateOne(
          { _id: id, deletingAt: { $exists: false } },
          { $addToSet: { attachedTo: kind }, $min: { attachedAt: now } },
        )
      : undefined;
    if (!attached || attached.matchedCount !== 1) throw badRequest(`${given} is not an uploaded image`, { image: given });
  }
}
