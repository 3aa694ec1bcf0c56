// The store's own card for shoppers (issue 15, mini program review): its name, service phone and after-sale
// policy. The shopper page only imports the type; the schema is the API's and the console's.
import { z } from 'zod';
import { hasControlCharacters } from './text';

/** `GET /api/store`: what a shopper reads on the store-info page. */
export interface StoreInfo {
  name: string;
  /** Absent until the owner sets one. */
  servicePhone?: string;
  afterSalePolicy: string;
}

export const STORE_NAME_MAX = 30;
export const SERVICE_PHONE_MAX = 20;
export const AFTER_SALE_POLICY_MAX = 2000;

/**
 * Digits and dashes only, so that a hotline (400-800-1234) or an extension (0755-1234567-8) fits; the phone
 * dialer gets exactly this text. An empty string removes the phone.
 */
const servicePhone = z
  .string()
  .trim()
  .max(SERVICE_PHONE_MAX)
  .refine((v) => v === '' || (/^[0-9-]+$/.test(v) && /[0-9]/.test(v)), 'must be digits and dashes');

/** `PATCH /api/admin/store`: any of the three fields; at least one. */
export const storeInfoPatchInput = z
  .object({
    name: z
      .string()
      .trim()
      .min(1)
      .max(STORE_NAME_MAX)
      .refine((v) => !hasControlCharacters(v), 'must not contain control characters'),
    servicePhone,
    afterSalePolicy: z
      .string()
      .trim()
      .max(AFTER_SALE_POLICY_MAX)
      .refine((v) => !hasControlCharacters(v, { multiline: true }), 'must not contain control characters'),
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, 'name, servicePhone or afterSalePolicy is required');
export type StoreInfoPatchInput = z.input<typeof storeInfoPatchInput>;
