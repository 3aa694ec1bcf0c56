// An upload becomes an Image record and its stored files; nothing uses it until attachImages marks it.
import { createHash } from 'node:crypto';
import { Types } from 'mongoose';
import type { Models } from '../../collections';
import { imageUrl } from './attach-images';
import type { ImageStore } from './image-store';
import { processImage } from './process-image';

export interface Uploader {
  kind: 'admin' | 'shopper';
  id: string;
}

/** The answer to an upload: what the client keeps (the url, or the id) to put on a product or a request. */
export interface UploadedImage {
  id: string;
  url: string;
  width: number;
  height: number;
}

/** A strong ETag: the stored bytes' hash, so equal bytes are equal tags on every instance. */
function etagOf(data: Buffer): string {
  return `"${createHash('sha256').update(data).digest('base64url').slice(0, 32)}"`;
}

export async function uploadImage(deps: { models: Models; store: ImageStore }, uploader: Uploader, bytes: Buffer): Promise<UploadedImage> {
  const processed = await processImage(bytes);
  const id = new Types.ObjectId();
  const files = processed.files.map((file) => ({ ...file, key: `${id.toHexString()}/${file.name}` }));
  // The record first: should this process die while storing, the record (never attached) leads the orphan job to
  // the files already stored. A client learns the id only from this answer, so nothing can use it half-stored.
  await deps.models.Image.create({
    _id: id,
    uploadedBy: uploader,
    width: processed.width,
    height: processed.height,
    variants: files.map((f) => ({ name: f.name, key: f.key, contentType: f.contentType, etag: etagOf(f.data), bytes: f.data.length })),
    createdAt: new Date(),
  });
  try {
    await Promise.all(files.map((f) => deps.store.put(f.key, f.data, f.contentType)));
  } catch (err) {
    await Promise.allSettled(files.map((f) => deps.store.delete(f.key)));
    await deps.models.Image.deleteOne({ _id: id });
    throw err;
  }
  return { id: id.toHexString(), url: imageUrl(id.toHexString()), width: processed.width, height: processed.height };
}
