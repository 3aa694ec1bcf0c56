// Where image bytes live, behind a small interface so that another store (S3, a CDN's bucket) can replace GridFS
// without touching uploads, serving or the orphan job.
import mongoose, { type Connection } from 'mongoose';

export interface ImageStore {
  /** Stores `data` under `key`, replacing what was there. */
  put(key: string, data: Buffer, contentType: string): Promise<void>;
  /** The bytes stored under `key`, or undefined. */
  get(key: string): Promise<Buffer | undefined>;
  /** Removes `key`; a key that is not there is already removed. */
  delete(key: string): Promise<void>;
}

/** The GridFS bucket's name: its collections are imageFiles.files and imageFiles.chunks. */
export const GRIDFS_BUCKET = 'imageFiles';

/**
 * The default store: MongoDB's GridFS through the API's own connection, so images are backed up and replicated
 * with the rest of the shop's data and need no other service. The key is the GridFS file's `_id`.
 */
export function gridFsImageStore(db: Connection): ImageStore {
  const bucket = () => {
    if (!db.db) throw new Error('the database connection is not open');
    return new mongoose.mongo.GridFSBucket(db.db, { bucketName: GRIDFS_BUCKET });
  };
  const store: ImageStore = {
    async put(key, data, contentType) {
      // GridFS has no overwrite: a retried put first removes a half-written earlier attempt.
      await store.delete(key);
      await new Promise<void>((resolve, reject) => {
        const upload = bucket().openUploadStreamWithId(key as never, key, { metadata: { contentType } });
        upload.once('error', reject).once('finish', () => resolve());
        upload.end(data);
      });
    },
    async get(key) {
      const chunks: Buffer[] = [];
      try {
        for await (const chunk of bucket().openDownloadStream(key as never)) chunks.push(chunk as Buffer);
      } catch (err) {
        if (isFileNotFound(err)) return undefined;
        throw err;
      }
      return Buffer.concat(chunks);
    },
    async delete(key) {
      try {
        await bucket().delete(key as never);
      } catch (err) {
        if (!isFileNotFound(err)) throw err;
      }
    },
  };
  return store;
}

/** The driver's "no such file" (its code differs between driver versions; the message does not). */
function isFileNotFound(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | null;
  return e?.code === 'ENOENT' || /FileNotFound|File not found/i.test(e?.message ?? '');
}
