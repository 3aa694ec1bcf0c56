import { Types } from 'mongoose';
import type { CreateProductInput, Product } from '@xiaodian/shared';
import type { Models } from '../../collections';
import { writeAudit } from '../staff/audit';
import { fileUnderCategory, leaveCategory } from './categories';
import { knownShippingTemplate } from './shipping-template-ref';
import { toProduct } from './dto';
import type { ProductDoc, SkuDoc } from './model';
import { attachedImageIds, newSkuDocs } from './sku-matrix';

/**
 * Writes a product and its SKUs. The SKUs go first: a product is visible only once they exist, so a crash leaves
 * at worst SKUs nothing shows (never a product that cannot be sold). Bad input (an unknown category or image) is
 * refused before anything is written.
 */
export async function createProduct(models: Models, actor: string, input: CreateProductInput): Promise<Product> {
  const now = new Date();
  const productId = new Types.ObjectId();
  const specs = input.specs ?? [];
  const rows = input.skus ?? [{ specs: {}, priceFen: input.priceFen!, stock: input.stock!, ...(input.weightGrams !== undefined ? { weightGrams: input.weightGrams } : {}) }];
  const images = await attachedImageIds(models, input.images ?? []);
  const skus = await newSkuDocs(models, productId, specs, rows, now, input.onShelf);
  const shippingTemplateId = input.shippingTemplateId ? await knownShippingTemplate(models, input.shippingTemplateId) : undefined;
  if (input.categoryId) await fileUnderCategory(models, input.categoryId);
  let product: ProductDoc;
  try {
    await models.Sku.insertMany(skus);
    const created = await models.Product.create({
      _id: productId,
      name: input.name,
      description: input.description,
      priceFen: Math.min(...skus.map((s) => s.priceFen)),
      summarySeq: 0,
      summaryTicket: 0,
      images,
      ...(input.imageUrl ? { imageUrl: input.imageUrl } : {}),
      ...(input.categoryId ? { categoryId: new Types.ObjectId(input.categoryId) } : {}),
      specs,
      onShelf: input.onShelf,
      ...(input.maxPerOrder ? { maxPerOrder: input.maxPerOrder } : {}),
      ...(shippingTemplateId ? { shippingTemplateId } : {}),
      reservations: [],
      createdAt: now,
      updatedAt: now,
    });
    product = created.toObject() as ProductDoc;
  } catch (err) {
    await models.Sku.deleteMany({ productId });
    if (input.categoryId) await leaveCategory(models, input.categoryId);
    throw err;
  }
  const stock = skus.reduce((sum, s) => sum + s.stock, 0);
  await writeAudit(models, {
    at: now,
    actor,
    action: 'product.create',
    productId,
    detail: `created “${input.name}” with ${skus.length} SKU${skus.length > 1 ? 's' : ''} from ${product.priceFen} fen, stock ${stock}`,
    stockBefore: 0,
    stockAfter: stock,
  });
  return toProduct(product, skus as unknown as SkuDoc[], { admin: true });
}
