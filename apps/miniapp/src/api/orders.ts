import type { CreateOrderInput, Order, PayParams } from '@xiaodian/shared';
import { http } from './http';

const path = (id: string) => `/api/orders/${encodeURIComponent(id)}`;

/** `POST /api/orders` → 201 Order (PENDING_PAYMENT, stock reserved); 409 OUT_OF_STOCK reserves nothing. */
export function createOrder(input: CreateOrderInput): Promise<Order> {
  return http.post<Order>('/api/orders', input);
}

/** `GET /api/orders` — own orders, newest first. */
export async function listOrders(toast = true): Promise<Order[]> {
  const res = await http.get<{ items: Order[] }>('/api/orders', { toast });
  return res.items;
}

/**
 * `GET /api/orders/:id` — the authoritative status. `sync` asks the API to check a pending order with
 * WeChat first (`?sync=1`, rate-limited by the API).
 */
export function getOrder(id: string, opts: { sync?: boolean; toast?: boolean } = {}): Promise<Order> {
  return http.get<Order>(path(id), { query: { sync: opts.sync ? 1 : undefined }, toast: opts.toast ?? true });
}

/** `POST /api/orders/:id/pay` → the arguments of wx.requestPayment, signed by the API. */
export function payOrder(id: string): Promise<PayParams> {
  return http.post<PayParams>(`${path(id)}/pay`);
}

/** `POST /api/orders/:id/cancel` → the CLOSED order (stock released). */
export function cancelOrder(id: string): Promise<Order> {
  return http.post<Order>(`${path(id)}/cancel`);
}
