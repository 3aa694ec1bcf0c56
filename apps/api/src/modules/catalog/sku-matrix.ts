import { Types } from 'mongoose';
import { specCombinations, specsKey, type SkuInput, type SpecDimension } from '@xiaodian/shared';
import type { Models } from '../../collections';
import { attachImages, imageIdOf } from '../images/attach-images';

/** The input's images and SKU images as stored ids; marks them in use (400 naming the first that is not an upload). */
export async function attachedImageIds(models: Models, refs: readonly string[]): Promise<string[]> {
  await attachImages(models, [...refs]);
  return refs.map((ref) => imageIdOf(ref)!);
}

/**
 * The SKU documents of a product's matrix (already validated by the shared schema), in matrix order. The one SKU
 * of a product without specs takes the product's id, like those migrated from before SKUs.
 */
export async function newSkuDocs(models: Models, productId: Types.ObjectId, specs: SpecDimension[], rows: SkuInput[], now: Date, onShelf: boolean) {
  const order = new Map(specCombinations(specs).map((choice, i) => [specsKey(specs, choice), i]));
  const images = await attachedImageIds(models, rows.flatMap((r) => (r.image ? [r.image] : [])));
  let nextImage = 0;
  return rows
    .map((row) => ({
      _id: specs.length === 0 ? productId : new Types.ObjectId(),
      productId,
      specs: row.specs,
      position: order.get(specsKey(specs, row.specs)) ?? 0,
      priceFen: row.priceFen,
      stock: row.stock,
      ...(row.image ? { imageId: images[nextImage++] } : {}),
      ...(row.weightGrams !== undefined ? { weightGrams: row.weightGrams } : {}),
      onShelf,
      reservations: [],
      createdAt: now,
      updatedAt: now,
    }))
    .sort((a, b) => a.position - b.position);
}
