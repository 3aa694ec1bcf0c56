import type { CreateOrderInput, Order, OrderGroup, OrderQuote, PayParams, QuoteOrderInput } from '@xiaodian/shared';
import { http } from './http';

/**
 * The shopper's order (`GET /api/orders/:id`) with what issue 13 adds: the short `orderNo`, the refunds, the
 * shipment, completion, the open after-sale request and whether WeChat's own confirm-receipt UI applies.
 */
export type ShopperOrder = Order;
export type { OrderEventView as OrderEvent, OrderRefund } from '@xiaodian/shared';

const path = (id: string) => `/api/orders/${encodeURIComponent(id)}`;

/** `POST /api/orders` → 201 Order (PENDING_PAYMENT, stock reserved); 409 OUT_OF_STOCK reserves nothing. */
export function createOrder(input: CreateOrderInput, toast = true): Promise<ShopperOrder> {
  return http.post<ShopperOrder>('/api/orders', input, { toast });
}

/**
 * `POST /api/orders/quote` → what these items to this address cost, shipping fee included (nothing reserved);
 * 409 NOT_DELIVERABLE (`details.province`) when the shop does not deliver there. The fee is the API's alone.
 */
export function quoteOrder(input: QuoteOrderInput): Promise<OrderQuote> {
  return http.post<OrderQuote>('/api/orders/quote', input, { toast: false });
}

/** A page of own orders: `group` is one tab (absent: every order); `total` counts the group's orders. */
export interface OrdersQuery {
  group?: OrderGroup;
  page?: number;
  pageSize?: number;
}

/** `GET /api/orders?group=&page=&pageSize=` — own orders of one tab, newest first, a page at a time. */
export function listOrders(query: OrdersQuery = {}, toast = true): Promise<{ items: ShopperOrder[]; total: number }> {
  return http.get<{ items: ShopperOrder[]; total: number }>('/api/orders', { query: { ...query }, toast });
}

/**
 * `GET /api/orders/:id` — the authoritative status. `sync` asks the API to check a pending order with
 * WeChat first (`?sync=1`, rate-limited by the API).
 */
export function getOrder(id: string, opts: { sync?: boolean; toast?: boolean } = {}): Promise<ShopperOrder> {
  return http.get<ShopperOrder>(path(id), { query: { sync: opts.sync ? 1 : undefined }, toast: opts.toast ?? true });
}

/** `POST /api/orders/:id/pay` → the arguments of wx.requestPayment, signed by the API. */
export function payOrder(id: string): Promise<PayParams> {
  return http.post<PayParams>(`${path(id)}/pay`);
}

/** `POST /api/orders/:id/cancel` → the CLOSED order (stock released). */
export function cancelOrder(id: string): Promise<ShopperOrder> {
  return http.post<ShopperOrder>(`${path(id)}/cancel`);
}

/** `POST /api/orders/:id/confirm-receipt` → the COMPLETED order; 409 ORDER_STATE when it is not SHIPPED. */
export function confirmReceipt(id: string): Promise<ShopperOrder> {
  return http.post<ShopperOrder>(`${path(id)}/confirm-receipt`);
}
