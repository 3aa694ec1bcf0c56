import type { Types } from 'mongoose';
import { shippingFeeOf, type ShippingGroup } from '@xiaodian/shared';
import type { Models } from '../../collections';
import { AppError, badRequest } from '../../errors';
import { defaultTemplateId } from './default-template';
import { toFeeTemplate } from './dto';
import type { ShippingTemplateDoc } from './model';
import { driverCollection } from '../../infra/driver-collection';
import { gatherReadsById } from '../../infra/gathered-reads';
import { perModels } from '../../infra/per-models';

/** The templates orders and quotes name, one query per round trip for all of them at once (gathered-reads.ts). */
const templateReadsOf = perModels((models: Models) => gatherReadsById(driverCollection<ShippingTemplateDoc>(models.ShippingTemplate), {}));

/**
 * An order line as the fee needs it, from the product and SKU documents the order has already read: the product's
 * own template (if any) and the SKU's weight (WEIGHT templates; a SKU without a weight weighs nothing).
 */
export interface FeeLine {
  shippingTemplateId?: Types.ObjectId;
  weightGrams: number;
  priceFen: number;
  quantity: number;
}

/**
 * The shipping fee of these lines to this province, by the rule of packages/shared (shipping-fee.ts). Each
 * product ships under its own template, else the store's default (a template id that no longer exists counts as
 * none of its own); lines with neither ship free. A group weighs its lines' weights times their quantities.
 * 400 VALIDATION_FAILED when some line has a template and there is no address; 409 NOT_DELIVERABLE
 * (`details.province`) when a template does not deliver there. Reads the default pointer, then the templates
 * named (none when no line has a template and there is no default).
 */
export async function orderShippingFee(
  models: Models,
  lines: FeeLine[],
  address: { province: string } | undefined,
  /** The default pointer, when the caller started reading it already (alongside the lines' products). */
  defaultIdRead: Promise<string | undefined> = defaultTemplateId(models),
): Promise<number> {
  const defaultId = await defaultIdRead;
  const wantedIds = [...new Set([...lines.flatMap((l) => (l.shippingTemplateId ? [String(l.shippingTemplateId)] : [])), ...(defaultId ? [defaultId] : [])])];
  const templateOf = templateReadsOf(models);
  const templates = (await Promise.all(wantedIds.map((id) => templateOf(id)))).filter((t): t is ShippingTemplateDoc => t !== undefined);
  const templateById = new Map(templates.map((t) => [String(t._id), t]));
  const defaultTemplate = defaultId ? templateById.get(defaultId) : undefined;

  const groups = new Map<string, ShippingGroup>();
  for (const line of lines) {
    const template = templateById.get(String(line.shippingTemplateId ?? '')) ?? defaultTemplate;
    if (!template) continue;
    const key = String(template._id);
    const group = groups.get(key) ?? { template: toFeeTemplate(template), pieces: 0, weightGrams: 0, itemsFen: 0 };
    group.pieces += line.quantity;
    group.weightGrams += line.quantity * line.weightGrams;
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
