import type { ShippingTemplate } from '@xiaodian/shared';
import type { ShippingTemplateDoc } from './model';

/** A stored template as the console reads it; `isDefault` comes from the store's one default pointer. */
export function toShippingTemplate(doc: ShippingTemplateDoc, defaultId: string | undefined): ShippingTemplate {
  return {
    id: String(doc._id),
    name: doc.name,
    isDefault: String(doc._id) === defaultId,
    mode: doc.mode as ShippingTemplate['mode'],
    rules: doc.rules.map((r) => ({
      provinces: [...r.provinces],
      firstFen: r.firstFen,
      ...(r.first != null ? { first: r.first } : {}),
      ...(r.nextFen != null ? { nextFen: r.nextFen } : {}),
      ...(r.next != null ? { next: r.next } : {}),
    })),
    ...(doc.freeAboveFen != null ? { freeAboveFen: doc.freeAboveFen } : {}),
    undeliverable: [...doc.undeliverable],
  };
}

/** The stored template as the fee rule reads it. */
export function toFeeTemplate(doc: ShippingTemplateDoc) {
  const t = toShippingTemplate(doc, undefined);
  return { mode: t.mode, rules: t.rules, undeliverable: t.undeliverable, ...(t.freeAboveFen !== undefined ? { freeAboveFen: t.freeAboveFen } : {}) };
}
