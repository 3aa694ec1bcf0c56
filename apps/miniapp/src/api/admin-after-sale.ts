// The console's calls for life after the payment (issue 13): after-sale requests, the order's subscribe
// messages, re-issuing a failed refund, and binding the admin's own WeChat for the shop's notifications.
// Shapes as the API answers them; fields newer than some API builds are optional and read defensively.
import { adminCall } from './admin';
import { isApiError } from './request';

export const AFTER_SALE_STATUSES = ['REQUESTED', 'APPROVED', 'RETURNING', 'REFUNDING', 'REFUNDED', 'REJECTED', 'CANCELLED'] as const;
export type AfterSaleStatus = (typeof AFTER_SALE_STATUSES)[number];
export type AfterSaleType = 'REFUND_ONLY' | 'RETURN_REFUND';

/** One step of a request, as the API records it (`history`). */
export interface AfterSaleStep {
  at: string;
  status: AfterSaleStatus | string;
  note?: string;
}

/** The contract's AfterSale, plus what the console may get besides (`orderNo`, `history`, the reason's text). */
export interface AfterSale {
  id: string;
  orderId: string;
  /** The order's short number, when the API lists it with the request. */
  orderNo?: string;
  type: AfterSaleType;
  status: AfterSaleStatus;
  amountFen: number;
  /** A reason code of the shared list (or, from older requests, the text itself). */
  reason: string;
  /** The shopper's own words beside the reason code. */
  description?: string;
  /** Image ids or urls (`/api/images/<id>`). */
  images: string[];
  adminNote?: string;
  returnShipment?: { expressCompany: string; trackingNo: string; at?: string; shippedAt?: string };
  outRefundNo?: string;
  history?: AfterSaleStep[];
  createdAt: string;
  updatedAt: string;
}

/** The API's page size for the queue. */
export const AFTER_SALES_PAGE_SIZE = 20;

/** `GET /api/admin/after-sales?status=&page=` → a page of 20, newest first, and how many in all. */
export function listAfterSales(query: { status?: AfterSaleStatus; page?: number }): Promise<{ items: AfterSale[]; total: number }> {
  return adminCall('/api/admin/after-sales', { query: { status: query.status, page: query.page } });
}

/** How many requests wait for the shop (REQUESTED): the nav's 新售后 count (`GET /api/admin/after-sales/summary`). */
export async function countRequestedAfterSales(): Promise<number> {
  return (await adminCall<{ requested: number }>('/api/admin/after-sales/summary')).requested;
}

/** `GET /api/admin/after-sales/:id` (with the order's number); undefined when there is no such request. */
export async function getAfterSale(id: string): Promise<AfterSale | undefined> {
  try {
    return await adminCall<AfterSale>(`/api/admin/after-sales/${encodeURIComponent(id)}`);
  } catch (err) {
    if (isApiError(err) && err.status === 404) return undefined;
    throw err;
  }
}

/** `POST /api/admin/after-sales/:id/approve {note?}`: REFUND_ONLY → REFUNDING (the refund starts), RETURN_REFUND → APPROVED. */
export function approveAfterSale(id: string, note?: string): Promise<AfterSale> {
  return adminCall(`/api/admin/after-sales/${encodeURIComponent(id)}/approve`, { method: 'POST', data: note ? { note } : {}, timeoutMs: 30_000 });
}

/** `POST /api/admin/after-sales/:id/reject {note}` → REJECTED; the note is shown to the shopper. */
export function rejectAfterSale(id: string, note: string): Promise<AfterSale> {
  return adminCall(`/api/admin/after-sales/${encodeURIComponent(id)}/reject`, { method: 'POST', data: { note } });
}

/** `POST /api/admin/after-sales/:id/receive`: the returned goods arrived → REFUNDING (the refund starts). */
export function receiveAfterSale(id: string): Promise<AfterSale> {
  return adminCall(`/api/admin/after-sales/${encodeURIComponent(id)}/receive`, { method: 'POST', data: {}, timeoutMs: 30_000 });
}

/** A subscribe message of an order (`GET /api/admin/orders/:id/messages`). */
export interface OrderMessage {
  id: string;
  event: string;
  openid?: string;
  templateId?: string;
  status: 'PENDING' | 'SENT' | 'FAILED' | 'SKIPPED' | string;
  errcode?: number;
  attempts: number;
  sentAt?: string;
  lastError?: string;
}

export async function listOrderMessages(orderId: string): Promise<OrderMessage[]> {
  return (await adminCall<{ items: OrderMessage[] }>(`/api/admin/orders/${encodeURIComponent(orderId)}/messages`)).items;
}

/** `POST /api/admin/refunds/:outRefundNo/reissue` (owner) → 201 the new refund; twice → the same new refund. */
export function reissueRefund(outRefundNo: string): Promise<{ outRefundNo: string; status: string; amountFen?: number }> {
  return adminCall(`/api/admin/refunds/${encodeURIComponent(outRefundNo)}/reissue`, { method: 'POST', data: {}, timeoutMs: 30_000 });
}

/** `GET /api/admin/me` with the binding: whether this admin's WeChat receives the shop's notifications. */
export interface AdminMe {
  id: string;
  username: string;
  role: 'owner' | 'staff';
  wechatBound?: boolean;
  notify?: boolean;
}

export function getAdminMe(): Promise<AdminMe> {
  return adminCall<AdminMe>('/api/admin/me');
}

/** `POST /api/admin/me/wechat-binding` → a one-time 6-digit code, valid 10 minutes. */
export function createBindingCode(): Promise<{ code: string; expiresAt: string }> {
  return adminCall('/api/admin/me/wechat-binding', { method: 'POST', data: {} });
}

/** `PATCH /api/admin/me {notify}`. */
export function setNotify(notify: boolean): Promise<AdminMe> {
  return adminCall<AdminMe>('/api/admin/me', { method: 'PATCH', data: { notify } });
}

/** What issue 13 adds to an order as the console reads it (optional: orders from before have none of it). */
export interface OrderExtras {
  /** The short number a person reads and types, e.g. `2611300042`. */
  orderNo?: string;
  completedAt?: string;
  shipment?: { expressCompany: string; trackingNo: string; shippedAt?: string };
  /** WeChat told the shop the shopper asked for the parcel (trade_manage_remind_shipping). */
  shippingRemindedAt?: string;
  /** The after-sale request open on this order. */
  openAfterSaleId?: string;
  /** A refund-only request was approved before shipping: the order must not be shipped. */
  shipBlocked?: boolean;
  /** The timeline: event codes with their data (older entries: a status and maybe a note). */
  events?: { at: string; status?: string; code?: string; data?: Record<string, unknown> | null; note?: string }[];
}

export const extrasOf = (order: object): OrderExtras => order as OrderExtras;
