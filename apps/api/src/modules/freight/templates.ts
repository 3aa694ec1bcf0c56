// The console's shipping templates: list, create, change, delete. Each change is audited.
import { Types } from 'mongoose';
import { shippingTemplateInput, type ShippingTemplate, type ShippingTemplateInput, type UpdateShippingTemplateInput } from '@xiaodian/shared';
import type { Models } from '../../collections';
import { AppError, badRequest, conflict, notFound } from '../../errors';
import { writeAudit } from '../staff/audit';
import { clearDefault, defaultTemplateId, makeDefault } from './default-template';
import { toShippingTemplate } from './dto';
import type { ShippingTemplateDoc } from './model';

/** The stored fields of a template (everything but `isDefault`, which is the default pointer's). */
function storedFields(input: ShippingTemplateInput) {
  return {
    name: input.name,
    mode: input.mode,
    rules: input.rules,
    undeliverable: input.undeliverable,
    ...(input.freeAboveFen !== undefined ? { freeAboveFen: input.freeAboveFen } : {}),
  };
}

export async function listShippingTemplates(models: Models): Promise<ShippingTemplate[]> {
  const [docs, defaultId] = await Promise.all([models.ShippingTemplate.find().sort({ createdAt: 1, _id: 1 }).lean<ShippingTemplateDoc[]>(), defaultTemplateId(models)]);
  return docs.map((doc) => toShippingTemplate(doc, defaultId));
}

export async function createShippingTemplate(models: Models, actor: string, input: ShippingTemplateInput): Promise<ShippingTemplate> {
  const now = new Date();
  const created = await models.ShippingTemplate.create({ _id: new Types.ObjectId(), ...storedFields(input), createdAt: now, updatedAt: now });
  if (input.isDefault) await makeDefault(models, created._id);
  await writeAudit(models, { actor, action: 'shipping-template.create', detail: `created shipping template “${input.name}”${input.isDefault ? ' as the default' : ''}` });
  return toShippingTemplate(created.toObject() as ShippingTemplateDoc, await defaultTemplateId(models));
}

/**
 * Changes a template: the given fields over the stored ones, validated whole (so a change cannot make it
 * overlap or contradict itself), written only over the version that was read — a concurrent change answers 409
 * CONFLICT rather than being silently merged.
 */
export async function updateShippingTemplate(models: Models, actor: string, id: string, input: UpdateShippingTemplateInput): Promise<ShippingTemplate> {
  const stored = await models.ShippingTemplate.findById(id).lean<ShippingTemplateDoc>();
  if (!stored) throw notFound('Shipping template');
  // isDefault only feeds the validation here (the pointer moves below, from the input): no read of the pointer.
  const { freeAboveFen: storedFreeAbove, ...current } = toShippingTemplate(stored, undefined);
  const { freeAboveFen, ...changes } = input;
  // null removes 满额包邮; absent keeps the stored one.
  const freeAbove = freeAboveFen === null ? undefined : (freeAboveFen ?? storedFreeAbove);
  const merged = shippingTemplateInput.safeParse({ ...current, ...changes, ...(freeAbove !== undefined ? { freeAboveFen: freeAbove } : {}) });
  if (!merged.success) {
    throw badRequest(merged.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '), { issues: merged.error.issues });
  }
  const updated = await models.ShippingTemplate.findOneAndUpdate(
    { _id: stored._id, updatedAt: stored.updatedAt },
    { $set: { ...storedFields(merged.data), updatedAt: new Date(Math.max(Date.now(), stored.updatedAt.getTime() + 1)) }, ...(merged.data.freeAboveFen === undefined ? { $unset: { freeAboveFen: 1 } } : {}) },
    { returnDocument: 'after' },
  ).lean<ShippingTemplateDoc>();
  if (!updated) throw conflict('CONFLICT', 'The shipping template was changed meanwhile; reload it and try again');
  if (input.isDefault === true) await makeDefault(models, updated._id);
  if (input.isDefault === false) await clearDefault(models, updated._id);
  await writeAudit(models, { actor, action: 'shipping-template.update', detail: `changed ${Object.keys(input).join(', ')} of shipping template “${updated.name}”` });
  return toShippingTemplate(updated, await defaultTemplateId(models));
}

/**
 * Deletes a template no product uses (409 SHIPPING_TEMPLATE_IN_USE otherwise). A product given this template in
 * the same instant keeps a dangling id, which the fee treats as "no template of its own": the default's.
 */
export async function deleteShippingTemplate(models: Models, actor: string, id: string): Promise<void> {
  if (!(await models.ShippingTemplate.exists({ _id: id }))) throw notFound('Shipping template');
  const users = await models.Product.countDocuments({ shippingTemplateId: new Types.ObjectId(id) });
  if (users > 0) {
    throw new AppError('SHIPPING_TEMPLATE_IN_USE', { status: 409, message: `${users} products still use this shipping template`, details: { products: users } });
  }
  const deleted = await models.ShippingTemplate.findOneAndDelete({ _id: id }).lean<ShippingTemplateDoc>();
  if (!deleted) throw notFound('Shipping template');
  await clearDefault(models, deleted._id);
  await writeAudit(models, { actor, action: 'shipping-template.delete', detail: `deleted shipping template “${deleted.name}”` });
}
