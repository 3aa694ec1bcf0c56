// The shopper's after-sale calls (contract: "After the payment"). One typed function per endpoint.
import type { AfterSale, AfterSaleReturnInput, CreateAfterSaleInput } from '@xiaodian/shared';
import { http } from './http';

export type { AfterSale } from '@xiaodian/shared';

const orderPath = (orderId: string) => `/api/orders/${encodeURIComponent(orderId)}/after-sales`;
const path = (id: string) => `/api/after-sales/${encodeURIComponent(id)}`;

/**
 * `POST /api/orders/:id/after-sales` → 201 AfterSale; 409 REFUND_EXCEEDS_PAID, AFTER_SALE_OPEN,
 * AFTER_SALE_EXPIRED, ORDER_NOT_REFUNDABLE. The form shows the refusal itself (no toast).
 */
export function createAfterSale(orderId: string, input: CreateAfterSaleInput): Promise<AfterSale> {
  return http.post<AfterSale>(orderPath(orderId), input, { toast: false });
}

/** `GET /api/orders/:id/after-sales` → every request of the order, newest first as the API lists them. */
export async function listAfterSales(orderId: string): Promise<AfterSale[]> {
  const res = await http.get<{ items: AfterSale[] }>(orderPath(orderId), { toast: false });
  return res.items;
}

/** `POST /api/after-sales/:id/cancel` → CANCELLED (only before the refund starts). */
export function cancelAfterSale(id: string): Promise<AfterSale> {
  return http.post<AfterSale>(`${path(id)}/cancel`);
}

/** `POST /api/after-sales/:id/return {expressCompany, trackingNo}` → RETURNING. */
export function sendReturn(id: string, shipment: AfterSaleReturnInput): Promise<AfterSale> {
  return http.post<AfterSale>(`${path(id)}/return`, shipment, { toast: false });
}
