// Serving an image: the size asked for, as WebP to clients that say they take it, with a strong ETag so that
// browsers and the mini program's cache revalidate for free (304) and a year's immutable caching (the bytes under
// a URL never change: a new picture is a new upload with a new id).
import { isValidObjectId } from 'mongoose';
import type { Models } from '../../collections';
import { notFound } from '../../errors';
import type { ImageStore } from './image-store';
import type { ImageDoc, ImageSize } from './model';

export const IMAGE_CACHE_CONTROL = 'public, max-age=31536000, immutable';

export interface ImageVariant {
  name: string;
  key: string;
  contentType: string;
  etag: string;
  bytes: number;
}

/** Whether an Accept header lists image/webp with a non-zero quality (image/* or *\/* alone is not enough: old clients send those). */
export function acceptsWebp(accept: string | undefined): boolean {
  return (accept ?? '').split(',').some((range) => {
    const [type = '', ...params] = range.split(';').map((p) => p.trim().toLowerCase());
    if (type !== 'image/webp') return false;
    const q = params.find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

/** Whether If-None-Match names this ETag (weak comparison, as RFC 9110 asks for If-None-Match). */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

/** The variant to serve for `size`, or 404 when the id names no image. */
export async function findImageVariant(models: Models, id: string, size: ImageSize, webp: boolean): Promise<ImageVariant> {
  if (!isValidObjectId(id) || !/^[0-9a-f]{24}$/i.test(id)) throw notFound('Image');
  const image = await models.Image.findOne({ _id: id }, { variants: 1 }).lean<Pick<ImageDoc, 'variants'>>();
  const named = (name: string) => image?.variants.find((v) => v.name === name);
  const variant = (webp ? named(`${size}.webp`) : undefined) ?? named(size);
  if (!variant) throw notFound('Image');
  return variant;
}

/** The stored bytes of a variant; 404 when they are gone (the orphan job deleted the image meanwhile). */
export async function readImageVariant(store: ImageStore, variant: ImageVariant): Promise<Buffer> {
  const data = await store.get(variant.key);
  if (!data) throw notFound('Image');
  return data;
}
