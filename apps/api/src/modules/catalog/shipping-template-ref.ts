import { Types } from 'mongoose';
import type { Models } from '../../collections';
import { badRequest } from '../../errors';

/**
 * A product's `shippingTemplateId`, refused (400) when no such template exists. The freight room above owns the
 * templates; the catalog only reads whether one exists, through the shared collections, and imports nothing of it.
 */
export async function knownShippingTemplate(models: Models, id: string): Promise<Types.ObjectId> {
  if (!(await models.ShippingTemplate.exists({ _id: id }))) throw badRequest('shippingTemplateId: no such shipping template', { shippingTemplateId: id });
  return new Types.ObjectId(id);
}
