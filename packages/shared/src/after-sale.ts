// After-sale requests (售后): a shopper asks for money back on a paid order, the shop decides. The lists and the
// transition table are in after-sale-codes.ts (zod-free, for the mini program); this module adds the schemas.
import { z } from 'zod';
import { AFTER_SALE_REASONS, AFTER_SALE_STATUSES, AFTER_SALE_TYPES, MAX_AFTER_SALE_IMAGES, type AfterSaleReason, type AfterSaleStatus, type AfterSaleType } from './after-sale-codes';
import { plainText } from './schemas';

/** `POST /api/orders/:id/after-sales`. `images`: ids (or URLs) of the shopper's uploads (`POST /api/images`). */
export const createAfterSaleInput = z.object({
  type: z.enum(AFTER_SALE_TYPES),
  amountFen: z.number().int().min(1).max(100_000_000_00),
  reason: z.enum(AFTER_SALE_REASONS),
  /** The shopper's own words (optional; shown to the shop). */
  description: plainText({ max: 200, multiline: true }).optional(),
  images: z.array(z.string().trim().min(1).max(500)).max(MAX_AFTER_SALE_IMAGES).default([]),
});
export type CreateAfterSaleInput = z.infer<typeof createAfterSaleInput>;

/** `POST /api/after-sales/:id/return`. */
export const afterSaleReturnInput = z.object({
  expressCompany: plainText({ min: 1, max: 64 }),
  trackingNo: plainText({ min: 1, max: 128 }),
});
export type AfterSaleReturnInput = z.infer<typeof afterSaleReturnInput>;

/** `POST /api/admin/after-sales/:id/approve`. */
export const afterSaleApproveInput = z.object({ note: plainText({ max: 200, multiline: true }).optional() });
/** `POST /api/admin/after-sales/:id/reject`: the note is what the shopper reads. */
export const afterSaleRejectInput = z.object({ note: plainText({ min: 1, max: 200, multiline: true }) });

/** `GET /api/admin/after-sales?status=&page=`. */
export const afterSaleListQuery = z.object({
  status: z.enum(AFTER_SALE_STATUSES).optional(),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
});

export interface AfterSaleHistoryEntry {
  at: string;
  status: AfterSaleStatus;
  note?: string;
}

/** What the shopper and the console read (dates as ISO strings). */
export interface AfterSale {
  id: string;
  orderId: string;
  orderNo?: string;
  type: AfterSaleType;
  status: AfterSaleStatus;
  amountFen: number;
  reason: AfterSaleReason;
  description?: string;
  images: string[];
  adminNote?: string;
  returnShipment?: { expressCompany: string; trackingNo: string; at: string };
  outRefundNo?: string;
  /**
   * Why the refund is not on its way: WeChat ended it (`CLOSED`, `ABNORMAL`: the owner issues it again), or the
   * refund could not start yet (an error code; a job retries). Absent when all is well.
   */
  refundProblem?: string;
  history: AfterSaleHistoryEntry[];
  createdAt: string;
  updatedAt: string;
}
