import { Types } from 'mongoose';
import type { Product, SkuInput, SpecDimension, UpdateProductInput, UpdateSkuInput } from '@xiaodian/shared';
import type { Models } from '../../collections';
import { badRequest, conflict, notFound } from '../../errors';
import { writeAudit } from '../staff/audit';
import { fileUnderCategory, leaveCategory } from './categories';
import { reservedOf, toProduct } from './dto';
import { skusByProduct } from './load-skus';
import type { ProductDoc, SkuDoc } from './model';
import { knownShippingTemplate } from './shipping-template-ref';
import { attachedImageIds, newSkuDocs } from './sku-matrix';
import { refreshProductSummary } from './sku-summary';
import { updateSku } from './update-sku';

async function productView(models: Models, productId: Types.ObjectId): Promise<Product> {
  const product = await models.Product.findById(productId).lean<ProductDoc>();
  if (!product) throw notFound('Product');
  const skus = await skusByProduct(models, [productId], { reservations: true });
  return toProduct(product, skus.get(String(productId)) ?? [], { admin: true });
}

/**
 * Replaces the SKU matrix. Only SKUs nothing holds can go: each is deleted by a compare-and-set on the stock and
 * the empty reservations read, so an order reserving meanwhile keeps its SKU; then the whole change is undone
 * (the deleted SKUs come back exactly as read) and answered 409.
 */
async function replaceSkus(models: Models, actor: string, productId: Types.ObjectId, specs: SpecDimension[], rows: SkuInput[], reason: string | undefined, now: Date) {
  const current = await models.Sku.find({ productId }).lean<SkuDoc[]>();
  const product = await models.Product.findById(productId, { onShelf: 1 }).lean<ProductDoc>();
  const held = () => conflict('CONFLICT', 'Unpaid orders hold SKUs of this product: change its specs once they are paid or closed');
  if (current.some((s) => reservedOf(s) > 0)) throw held();
  const fresh = await newSkuDocs(models, productId, specs, rows, now, product?.onShelf ?? true);
  const deleted: SkuDoc[] = [];
  for (const sku of current) {
    const res = await models.Sku.deleteOne({ _id: sku._id, stock: sku.stock, reservations: { $size: 0 } });
    if (res.deletedCount === 1) {
      deleted.push(sku);
      continue;
    }
    if (deleted.length > 0) await models.Sku.insertMany(deleted);
    throw held();
  }
  // A product without specs keeps its SKU's id (the product's): it was deleted just above.
  await models.Sku.insertMany(fresh);
  await models.Product.updateOne({ _id: productId }, { $set: { specs, updatedAt: now } });
  await refreshProductSummary(models, productId);
  const before = current.reduce((sum, s) => sum + s.stock, 0);
  const after = fresh.reduce((sum, s) => sum + s.stock, 0);
  await writeAudit(models, {
    at: now,
    actor,
    action: 'product.stock',
    productId,
    detail: `${reason ?? 'specs changed'} [${fresh.length} SKUs]`,
    stockBefore: before,
    stockAfter: after,
  });
}

/**
 * `PATCH /api/admin/products/:id`: the product's own fields in one write (the category by a compare-and-set on
 * the one read, counted into the new one first); `priceFen`/`stock` edit the one SKU of a product without specs;
 * `specs` with `skus` replace the matrix.
 */
export async function updateProduct(models: Models, actor: string, id: string, input: UpdateProductInput): Promise<Product> {
  const { stock, stockReason, priceFen, weightGrams, imageUrl, maxPerOrder, images, categoryId, specs, skus, shippingTemplateId, ...fields } = input;
  if (stock !== undefined && !stockReason) throw badRequest('stockReason: required when changing stock');
  const now = new Date();
  const current = await models.Product.findById(id, { categoryId: 1, specs: 1 }).lean<ProductDoc>();
  if (!current) throw notFound('Product');
  const productId = current._id;

  let soleSku: SkuDoc | undefined;
  if (priceFen !== undefined || stock !== undefined || weightGrams !== undefined) {
    const all = await models.Sku.find({ productId }, { _id: 1 }).lean<SkuDoc[]>();
    if (all.length !== 1) throw badRequest('priceFen, stock, weightGrams: this product has several SKUs; set them per SKU');
    soleSku = all[0];
  }

  const set: Record<string, unknown> = { ...fields, updatedAt: now };
  const unset: Record<string, 1> = {};
  if (imageUrl === null) unset.imageUrl = 1;
  else if (imageUrl !== undefined) set.imageUrl = imageUrl;
  if (maxPerOrder === null) unset.maxPerOrder = 1;
  else if (maxPerOrder !== undefined) set.maxPerOrder = maxPerOrder;
  if (images !== undefined) set.images = await attachedImageIds(models, images);
  if (shippingTemplateId === null) unset.shippingTemplateId = 1;
  else if (shippingTemplateId !== undefined) set.shippingTemplateId = await knownShippingTemplate(models, shippingTemplateId);

  const oldCategory = current.categoryId ? String(current.categoryId) : undefined;
  const newCategory = categoryId === undefined ? oldCategory : (categoryId ?? undefined);
  const moving = newCategory !== oldCategory;
  if (moving) {
    if (newCategory) {
      await fileUnderCategory(models, newCategory);
      set.categoryId = new Types.ObjectId(newCategory);
    } else unset.categoryId = 1;
  }
  const res = await models.Product.updateOne(
    { _id: productId, categoryId: current.categoryId ?? { $exists: false } },
    { $set: set, ...(Object.keys(unset).length > 0 ? { $unset: unset } : {}) },
  );
  if (res.matchedCount !== 1) {
    if (moving && newCategory) await leaveCategory(models, newCategory);
    throw conflict('CONFLICT', 'The product changed meanwhile; try again');
  }
  if (moving && oldCategory) await leaveCategory(models, oldCategory);
  // Orders check the copy on each SKU in the update that reserves (an order already reserving may still win).
  if (fields.onShelf !== undefined) await models.Sku.updateMany({ productId }, { $set: { onShelf: fields.onShelf } });

  if (soleSku) await updateSku(models, actor, productId, soleSku._id, { priceFen, stock, stockReason, weightGrams }, now);
  if (specs && skus) await replaceSkus(models, actor, productId, specs, skus, stockReason, now);

  const changed = [
    ...Object.keys(fields),
    ...(priceFen !== undefined ? ['priceFen'] : []),
    ...(weightGrams !== undefined ? ['weightGrams'] : []),
    ...(imageUrl !== undefined ? ['imageUrl'] : []),
    ...(maxPerOrder !== undefined ? ['maxPerOrder'] : []),
    ...(images !== undefined ? ['images'] : []),
    ...(categoryId !== undefined ? ['categoryId'] : []),
    ...(shippingTemplateId !== undefined ? ['shippingTemplateId'] : []),
    ...(specs !== undefined ? ['specs'] : []),
  ];
  if (changed.length > 0) await writeAudit(models, { at: now, actor, action: 'product.update', productId, detail: `changed ${changed.join(', ')}` });
  return productView(models, productId);
}

/** `PATCH /api/admin/products/:id/skus/:skuId`. */
export async function updateProductSku(models: Models, actor: string, id: string, skuId: string, input: UpdateSkuInput): Promise<Product> {
  const product = await models.Product.exists({ _id: id });
  if (!product) throw notFound('Product');
  await updateSku(models, actor, product._id, skuId, input);
  if (input.priceFen !== undefined || input.image !== undefined || input.weightGrams !== undefined) {
    const changed = [
      ...(input.priceFen !== undefined ? ['priceFen'] : []),
      ...(input.image !== undefined ? ['image'] : []),
      ...(input.weightGrams !== undefined ? ['weightGrams'] : []),
    ];
    await writeAudit(models, { actor, action: 'product.update', productId: product._id, detail: `changed ${changed.join(', ')} of SKU ${skuId}` });
  }
  return productView(models, product._id);
}
