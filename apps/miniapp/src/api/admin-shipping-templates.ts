// The console's 运费模板 calls (`/api/admin/shipping-templates`, owner only; docs/openapi.yaml). Money in fen,
// weights in grams, as the API takes them.
import type { ShippingTemplate, UpdateShippingTemplateInput } from '@xiaodian/shared';
import type { TemplateBody } from '@/utils/shipping-templates';
import { adminCall } from './admin';

const path = (id: string) => `/api/admin/shipping-templates/${encodeURIComponent(id)}`;

/** `GET /api/admin/shipping-templates` → every template, oldest first, `isDefault` on the store's default. */
export function listShippingTemplates(): Promise<ShippingTemplate[]> {
  return adminCall<ShippingTemplate[]>('/api/admin/shipping-templates');
}

/** `POST /api/admin/shipping-templates` → 201 the template (400 VALIDATION_FAILED for an unsound one). */
export function createShippingTemplate(input: TemplateBody): Promise<ShippingTemplate> {
  return adminCall<ShippingTemplate>('/api/admin/shipping-templates', { method: 'POST', data: input });
}

/** `PATCH /api/admin/shipping-templates/:id` → the template; 409 CONFLICT when it changed meanwhile. */
export function updateShippingTemplate(id: string, input: UpdateShippingTemplateInput): Promise<ShippingTemplate> {
  return adminCall<ShippingTemplate>(path(id), { method: 'PATCH', data: input });
}

/** `DELETE /api/admin/shipping-templates/:id` → 204; 409 SHIPPING_TEMPLATE_IN_USE while products use it. */
export function deleteShippingTemplate(id: string): Promise<unknown> {
  return adminCall(path(id), { method: 'DELETE' });
}
