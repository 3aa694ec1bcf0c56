// Uploaded images: one record per upload, naming the files its variants are stored under (image-store.ts).
import { Schema, type Connection, type InferSchemaType, type Types } from 'mongoose';

/** The sizes served: the original capped at 1600 px, ~750 px for a product page, ~300 px for lists. */
export const IMAGE_SIZES = ['original', 'medium', 'thumb'] as const;
export type ImageSize = (typeof IMAGE_SIZES)[number];

/** Every size is stored twice: in the fallback format (JPEG, or PNG when it has transparency) and as WebP. */
const variantSchema = new Schema(
  {
    /** `<size>` (fallback format) or `<size>.webp`. */
    name: { type: String, required: true },
    /** The ImageStore key. */
    key: { type: String, required: true },
    contentType: { type: String, required: true },
    /** Strong ETag: a hash of the stored bytes (quoted). */
    etag: { type: String, required: true },
    bytes: { type: Number, required: true },
  },
  { _id: false },
);

const imageSchema = new Schema({
  /** Who uploaded it: an admin (product photos) or a shopper (after-sale photos). */
  uploadedBy: {
    type: new Schema({ kind: { type: String, enum: ['admin', 'shopper'], required: true }, id: { type: String, required: true } }, { _id: false }),
    required: true,
  },
  /** The original's size after re-encoding (capped at 1600 px). */
  width: { type: Number, required: true },
  height: { type: Number, required: true },
  /** Its stored files: every size in the fallback format and as WebP. */
  variants: { type: [variantSchema], required: true },
  /**
   * What uses it, by kind ('product', later 'after-sale'): set by attachImages. An image nothing ever attached is
   * deleted by the orphan job after a day; one attached once is kept (products keep old versions in orders).
   */
  attachedTo: { type: [String], default: undefined },
  attachedAt: { type: Date },
  /** Set by the orphan job when it claims the image for deletion: attaching it is refused from then on. */
  deletingAt: { type: Date },
  createdAt: { type: Date, required: true },
});

// The orphan job's search: never attached, old enough.
imageSchema.index({ attachedAt: 1, createdAt: 1 });

export function imageModels(db: Connection) {
  return { Image: db.model('Image', imageSchema) };
}

export type ImageDoc = InferSchemaType<typeof imageSchema> & { _id: Types.ObjectId };
