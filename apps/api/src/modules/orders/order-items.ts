import { Types } from 'mongoose';
import type { CreateOrderInput } from '@xiaodian/shared';
import type { Models } from '../../collections';
import { AppError, badRequest } from '../../errors';
import { itemImageOf } from '../catalog/dto';
import type { ProductDoc, SkuDoc } from '../catalog/model';
import type { FeeLine } from '../freight/order-shipping-fee';
import { driverCollection } from '../../infra/driver-collection';
import { gatherReads, gatherReadsById } from '../../infra/gathered-reads';
import { perModels } from '../../infra/per-models';

/**
 * The products and SKUs orders and quotes read, through the driver's collections (the filters hold ObjectIds
 * already, and lean documents need no hydration, so mongoose's casting and query building would only cost time),
 * each gathered with the concurrent requests' reads: one query per round trip for all of them.
 */
const catalogReadsOf = perModels((models: Models) => {
  const skus = driverCollection<SkuDoc>(models.Sku);
  return {
    productOf: gatherReadsById(driverCollection<ProductDoc>(models.Product), { reservations: 0 }),
    skusOf: gatherReads(async (productIds) => {
      const found = await skus.find({ productId: { $in: productIds.map((id) => new Types.ObjectId(id)) } }, { projection: { reservations: 0 } }).toArray();
      const byProduct = new Map<string, SkuDoc[]>();
      for (const sku of found) {
        const key = String(sku.productId);
        byProduct.set(key, [...(byProduct.get(key) ?? []), sku]);
      }
      return byProduct;
    }),
  };
});

/** An order line as stored: the SKU it reserves, and a snapshot of what the shopper saw. */
export interface OrderItemDraft {
  productId: Types.ObjectId;
  skuId: Types.ObjectId;
  name: string;
  specs?: Record<string, string>;
  priceFen: number;
  quantity: number;
  imageUrl?: string;
}

/**
 * An order's lines as resolved: `items` to store, and `feeLines` (one per item, in the same order) with what the
 * shipping fee needs from the same product and SKU documents, so the fee reads them no second time.
 */
export interface OrderLines {
  items: OrderItemDraft[];
  feeLines: FeeLine[];
}

/**
 * Resolves each line to its SKU and snapshots it (name, specs, price, thumbnail), refusing what cannot be ordered:
 * a product not for sale (409), a product with several SKUs and no `skuId`, or a `skuId` of another product
 * (400), more than `maxPerOrder` of a product over its SKUs together, or a SKU short of stock as read (409; the
 * reservation is what decides).
 */
export async function orderItemsOf(models: Models, input: CreateOrderInput): Promise<OrderLines> {
  const productIds = [...new Set(input.items.map((i) => String(new Types.ObjectId(i.productId))))];
  // Every order and quote reads these, so concurrent ones share the queries (gathered-reads.ts).
  const { productOf, skusOf } = catalogReadsOf(models);
  const [products, skus] = await Promise.all([
    Promise.all(productIds.map((id) => productOf(id))).then((found) => found.filter((p): p is ProductDoc => p !== undefined)),
    Promise.all(productIds.map((id) => skusOf(id))).then((found) => found.flatMap((own) => own ?? [])),
  ]);
  const productById = new Map(products.map((p) => [String(p._id), p]));
  const feeLines: FeeLine[] = [];
  const items = input.items.map((line): OrderItemDraft => {
    const product = productById.get(line.productId);
    const own = skus.filter((s) => String(s.productId) === line.productId);
    if (!product || product.onShelf === false || own.length === 0) {
      throw new AppError('PRODUCT_UNAVAILABLE', { status: 409, message: `Product ${line.productId} is not for sale` });
    }
    let sku: SkuDoc | undefined;
    if (line.skuId) {
      sku = own.find((s) => String(s._id) === line.skuId);
      if (!sku) throw badRequest(`skuId: ${line.skuId} is not a SKU of product ${line.productId}`);
    } else {
      if (own.length > 1) throw badRequest(`skuId: required for “${product.name}”, which has ${own.length} SKUs`);
      sku = own[0]!;
    }
    const specs = sku.specs ?? {};
    const image = itemImageOf(product, sku);
    feeLines.push({
      ...(product.shippingTemplateId ? { shippingTemplateId: product.shippingTemplateId } : {}),
      weightGrams: sku.weightGrams ?? 0,
      priceFen: sku.priceFen,
      quantity: line.quantity,
    });
    return {
      productId: product._id,
      skuId: sku._id,
      name: product.name,
      ...(Object.keys(specs).length > 0 ? { specs } : {}),
      priceFen: sku.priceFen,
      quantity: line.quantity,
      ...(image ? { imageUrl: image } : {}),
    };
  });
  // Without skuId, a line names the product's one SKU: the same SKU twice would be two reservations of one order.
  if (new Set(items.map((i) => String(i.skuId))).size !== items.length) throw badRequest('items: each SKU at most once');
  for (const product of products) {
    const units = items.filter((i) => i.productId.equals(product._id)).reduce((sum, i) => sum + i.quantity, 0);
    if (product.maxPerOrder && units > product.maxPerOrder) {
      throw new AppError('LIMIT_PER_ORDER_EXCEEDED', {
        status: 409,
        message: `At most ${product.maxPerOrder} of “${product.name}” per order`,
        details: { productId: String(product._id), name: product.name, maxPerOrder: product.maxPerOrder, quantity: units },
      });
    }
  }
  const skuById = new Map(skus.map((s) => [String(s._id), s]));
  for (const item of items) {
    const sku = skuById.get(String(item.skuId))!;
    if (sku.stock < item.quantity) throw outOfStock(item, sku.stock);
  }
  return { items, feeLines };
}

/**
 * 409 OUT_OF_STOCK with what the client needs to say it in Chinese (the English message is for logs): the
 * product, the SKU, its name and specs, and how many are left (`available`, never below 0).
 */
export function outOfStock(item: { productId: Types.ObjectId; skuId: Types.ObjectId; name: string; specs?: Record<string, string> }, available: number): AppError {
  return new AppError('OUT_OF_STOCK', {
    status: 409,
    message: `Only ${Math.max(0, available)} of “${item.name}” left`,
    details: { productId: String(item.productId), skuId: String(item.skuId), name: item.name, ...(item.specs ? { specs: item.specs } : {}), available: Math.max(0, available) },
  });
}
