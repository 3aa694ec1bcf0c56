import { Types } from 'mongoose';
import { shippingFeeOf, type ShippingGroup } from '@xiaodian/shared';
import type { Models } from '../../collections';
import { AppError, badRequest } from '../../errors';
import type { ProductDoc, SkuDoc } from '../catalog/model';
import { defaultTemplateId } from './default-template';
import { toFeeTemplate } from './dto';
import type { ShippingTemplateDoc } from './model';

/** An order line as the fee needs it: the SKU gives the weight (WEIGHT templates). */
export interface FeeLine {
  productId: Types.ObjectId;
  skuId: Types.ObjectId;
  priceFen: number;
  quantity: number;
}

/**
 * The shipping fee of these lines to this province, by the rule of packages/shared (shipping-fee.ts). Each
 * product ships under its own template, else the store's default (a template id that no longer exists counts as
 * none of its own); lines with neither ship free. A group weighs its SKUs' weights times their quantities (a SKU
 * without a weight weighs nothing). 400 VALIDATION_FAILED when some line has a template and there
 * is no address; 409 NOT_DELIVERABLE (`details.province`) when a template does not deliver there.
 */
export async function orderShippingFee(models: Models, lines: FeeLine[], address: { province: string } | undefined): Promise<number> {
  const productIds = [...new Set(lines.map((l) => String(l.productId)))].map((id) => new Types.ObjectId(id));
  const skuIds = [...new Set(lines.map((l) => String(l.skuId)))].map((id) => new Types.ObjectId(id));
  const [products, skus, defaultId] = await Promise.all([
    models.Product.find({ _id: { $in: productIds } }, { shippingTemplateId: 1 }).lean<Pick<ProductDoc, '_id' | 'shippingTemplateId'>[]>(),
    models.Sku.find({ _id: { $in: skuIds } }, { weightGrams: 1 }).lean<Pick<SkuDoc, '_id' | 'weightGrams'>[]>(),
    defaultTemplateId(models),
  ]);
  const weightOfSku = new Map(skus.map((s) => [String(s._id), s.weightGrams ?? 0]));
  const ownIds = products.flatMap((p) => (p.shippingTemplateId ? [p.shippingTemplateId] : []));
  const templates = await models.ShippingTemplate.find({ _id: { $in: [...ownIds, ...(defaultId ? [new Types.ObjectId(defaultId)] : [])] } }).lean<ShippingTemplateDoc[]>();
  const templateById = new Map(templates.map((t) => [String(t._id), t]));
  const templateOfProduct = new Map(
    products.map((p) => [String(p._id), templateById.get(String(p.shippingTemplateId ?? '')) ?? (defaultId ? templateById.get(defaultId) : undefined)]),
  );

  const groups = new Map<string, ShippingGroup>();
  for (const line of lines) {
    const template = templateOfProduct.get(String(line.productId));
    if (!template) continue;
    const key = String(template._id);
    const group = groups.get(key) ?? { template: toFeeTemplate(template), pieces: 0, weightGrams: 0, itemsFen: 0 };
    group.pieces += line.quantity;
    group.weightGrams += line.quantity * (weightOfSku.get(String(line.skuId)) ?? 0);
    group.itemsFen += line.priceFen * line.quantity;
    groups.set(key, group);
  }
  if (groups.size === 0) return 0;
  if (!address) throw badRequest('address: required to compute the shipping fee', { path: ['address'] });
  const fee = shippingFeeOf([...groups.values()], address.province);
  if (!fee.deliverable) {
    throw new AppError('NOT_DELIVERABLE', { status: 409, message: `${fee.province} is not delivered to`, details: { province: fee.province } });
  }
  return fee.feeFen;
}
