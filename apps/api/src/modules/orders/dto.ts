import { refundRoomOf, type AdminOrder, type Order, type OrderEventCode, type OrderEventView, type OrderRefund } from '@xiaodian/shared';
import { iso } from '../../iso-time';
import { closedReasonOf } from './closed-reason';
import type { OrderDoc } from './model';
import { skuOf } from './stock';

/**
 * What the rooms above add to an order's view (the orders room cannot read them itself): its refunds and whether
 * confirming receipt goes through WeChat's own UI. Without them, an order no money has reached is described
 * truly (no refunds, nothing to confirm); reads of paid orders pass them (shipping/order-views.ts).
 */
export interface OrderViewExtras {
  refunds?: OrderRefund[];
  confirmInWechat?: boolean;
}

type StoredEvent = OrderDoc['events'][number];

/** A timeline entry for clients: the status after it, and its code and data when it has them (older entries have a note only). */
function eventView(e: StoredEvent): OrderEventView {
  return {
    at: iso(e.at)!,
    status: e.status as OrderEventView['status'],
    ...(e.code ? { code: e.code as OrderEventCode } : {}),
    ...(e.data ? { data: e.data as Record<string, unknown> } : {}),
  };
}

/** The shopper's view: shopper-facing fields only (the timeline without operators' notes and names). */
export function toOrder(doc: OrderDoc, extras: OrderViewExtras = {}): Order {
  const a = doc.address;
  const shipment = doc.shipping?.trackingNo
    ? { trackingNo: doc.shipping.trackingNo, expressCompany: doc.shipping.expressCompany ?? '', shippedAt: iso(doc.shipping.shippedAt) ?? '' }
    : undefined;
  return {
    id: String(doc._id),
    ...(doc.orderNo ? { orderNo: doc.orderNo } : {}),
    outTradeNo: doc.outTradeNo,
    status: doc.status as Order['status'],
    // Orders from before fees: everything they cost was items.
    itemsFen: doc.itemsFen ?? doc.totalFen,
    shippingFeeFen: doc.shippingFeeFen ?? 0,
    totalFen: doc.totalFen,
    ...(doc.buyerNote ? { buyerNote: doc.buyerNote } : {}),
    refundedFen: doc.refundedFen ?? 0,
    // What a refund or an after-sale request may take, whole and in part (clients use these, never compute them).
    ...refundRoomOf(doc),
    items: doc.items.map((i) => ({
      productId: String(i.productId),
      skuId: String(skuOf(i)),
      name: i.name ?? '',
      specs: (i.specs as Record<string, string> | undefined) ?? {},
      priceFen: i.priceFen ?? 0,
      quantity: i.quantity ?? 0,
      ...(i.imageUrl ? { imageUrl: i.imageUrl } : {}),
    })),
    ...(a && a.name
      ? {
          address: {
            name: a.name,
            phone: a.phone ?? '',
            province: a.province ?? '',
            city: a.city ?? '',
            district: a.district ?? '',
            detail: a.detail ?? '',
            ...(a.postalCode ? { postalCode: a.postalCode } : {}),
          },
        }
      : {}),
    createdAt: iso(doc.createdAt)!,
    expiresAt: iso(doc.expiresAt)!,
    ...(doc.paidAt ? { paidAt: iso(doc.paidAt) } : {}),
    ...(doc.transactionId ? { transactionId: doc.transactionId } : {}),
    ...(doc.status === 'CLOSED' && closedReasonOf(doc.closedReason) ? { closedReason: closedReasonOf(doc.closedReason) } : {}),
    ...(shipment ? { shipping: shipment, shipment } : {}),
    ...(doc.completedAt ? { completedAt: iso(doc.completedAt) } : {}),
    ...(extras.refunds ? { refunds: extras.refunds } : {}),
    ...(doc.openAfterSaleId ? { openAfterSaleId: String(doc.openAfterSaleId) } : {}),
    confirmInWechat: (extras.confirmInWechat ?? false) && Boolean(doc.transactionId),
    events: (doc.events ?? []).map(eventView),
  };
}

/** The console's view of an order: the shopper's, plus the openid and the money that may still be refunded. */
export function toAdminOrder(doc: OrderDoc, extras: OrderViewExtras = {}): AdminOrder {
  const paidFen = doc.paidFen ?? 0;
  return {
    ...toOrder(doc, extras),
    events: (doc.events ?? []).map((e) => ({ ...eventView(e), ...(e.note ? { note: e.note } : {}) })),
    ...(doc.shipBlocked ? { shipBlocked: true } : {}),
    ...(doc.shippingRemindedAt ? { shippingRemindedAt: iso(doc.shippingRemindedAt) } : {}),
    openid: doc.openid,
    paidFen,
    ...refundRoomOf(doc),
  };
}
