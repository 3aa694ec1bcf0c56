import type { AdminOrder, Order } from '@xiaodian/shared';
import { iso } from '../../iso-time';
import { closedReasonOf } from './closed-reason';
import type { OrderDoc } from './model';
import { skuOf } from './stock';

/** The shopper's view: shopper-facing fields only (the timeline without operators' notes and names). */
export function toOrder(doc: OrderDoc): Order {
  const a = doc.address;
  return {
    id: String(doc._id),
    outTradeNo: doc.outTradeNo,
    status: doc.status as Order['status'],
    totalFen: doc.totalFen,
    refundedFen: doc.refundedFen ?? 0,
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
    ...(doc.shipping?.trackingNo
      ? {
          shipping: {
            trackingNo: doc.shipping.trackingNo,
            expressCompany: doc.shipping.expressCompany ?? '',
            shippedAt: iso(doc.shipping.shippedAt) ?? '',
          },
        }
      : {}),
    events: (doc.events ?? []).map((e) => ({ at: iso(e.at)!, status: e.status as Order['status'] })),
  };
}

/** The console's view of an order: the shopper's, plus the openid and the money that may still be refunded. */
export function toAdminOrder(doc: OrderDoc): AdminOrder {
  const paidFen = doc.paidFen ?? 0;
  return {
    ...toOrder(doc),
    events: (doc.events ?? []).map((e) => ({ at: iso(e.at)!, status: e.status as Order['status'], ...(e.note ? { note: e.note } : {}) })),
    openid: doc.openid,
    paidFen,
    refundableFen: Math.max(0, paidFen - (doc.refundCommittedFen ?? 0)),
  };
}
