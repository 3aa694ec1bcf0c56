// How after-sale requests read to a shopper: whether an order may have one, what it may still refund, each
// step of a request with its time, and the refund's status. Pure and unit-tested; words from the codes.
import { AFTER_SALE_REASON_LABELS, AFTER_SALE_STATUS_LABELS, AFTER_SALE_TYPE_LABELS, type AfterSale, type AfterSaleStatus, type AfterSaleType } from '@xiaodian/shared';
import type { ShopperOrder } from '@/api/orders';
import { formatPrice } from './money';

/** Refund states whose amount went back to the refundable balance (failed; the shop may issue it again). */
const FAILED_REFUND = new Set(['CLOSED', 'ABNORMAL']);

/** What may still be refunded: paid minus every refund that did not fail (in flight ones included). */
export function refundableFen(order: Pick<ShopperOrder, 'totalFen' | 'refundedFen' | 'refunds'>): number {
  const taken = order.refunds
    ? order.refunds.filter((r) => !FAILED_REFUND.has(r.status)).reduce((sum, r) => sum + r.amountFen, 0)
    : (order.refundedFen ?? 0);
  return Math.max(0, order.totalFen - taken);
}

/** The order left the warehouse: a return makes sense (退货退款 only once shipped). */
export function isShipped(order: Pick<ShopperOrder, 'status' | 'shipment' | 'shipping'>): boolean {
  return order.status === 'SHIPPED' || order.status === 'COMPLETED' || Boolean(order.shipment ?? order.shipping);
}

/** The types a request on this order may have. */
export function afterSaleTypesFor(order: Pick<ShopperOrder, 'status' | 'shipment' | 'shipping'>): AfterSaleType[] {
  return isShipped(order) ? ['REFUND_ONLY', 'RETURN_REFUND'] : ['REFUND_ONLY'];
}

/**
 * Whether the order page offers 申请售后: a paid, shipped or completed order with money left to refund and no
 * open request (that one is shown instead). The after-sale window of a completed order is the API's to judge
 * (AFTER_SALE_EXPIRED, in Chinese).
 */
export function canRequestAfterSale(order: ShopperOrder): boolean {
  return ['PAID', 'SHIPPED', 'COMPLETED'].includes(order.status) && !order.openAfterSaleId && refundableFen(order) > 0;
}

/** The shopper may withdraw a request until its refund starts. */
export function canCancelAfterSale(a: Pick<AfterSale, 'status'>): boolean {
  return a.status === 'REQUESTED' || a.status === 'APPROVED' || a.status === 'RETURNING';
}

/** An approved return waits for the shopper's carrier and tracking number. */
export function needsReturnShipment(a: Pick<AfterSale, 'status' | 'type'>): boolean {
  return a.type === 'RETURN_REFUND' && a.status === 'APPROVED';
}

export function afterSaleTypeText(type: AfterSaleType): string {
  return AFTER_SALE_TYPE_LABELS[type];
}

export function afterSaleStatusText(status: AfterSaleStatus): string {
  return AFTER_SALE_STATUS_LABELS[status];
}

/** The reason's label, and the shopper's own words after it. */
export function afterSaleReasonText(a: Pick<AfterSale, 'reason' | 'description'>): string {
  const label = (AFTER_SALE_REASON_LABELS as Record<string, string>)[a.reason] ?? '其他';
  return a.description ? `${label}：${a.description}` : label;
}

export interface AfterSaleStep {
  status: AfterSaleStatus;
  label: string;
  at?: string;
  note?: string;
}

/** One step of a request in Chinese: what happened, and for whom it matters what (note, carrier, amount). */
function stepOf(a: AfterSale, status: AfterSaleStatus, previous: AfterSaleStatus | undefined, note?: string): Omit<AfterSaleStep, 'at'> {
  switch (status) {
    case 'REQUESTED':
      return { status, label: `你申请了${afterSaleTypeText(a.type)} ${formatPrice(a.amountFen)}`, note: afterSaleReasonText(a) };
    case 'APPROVED':
      return { status, label: '商家已同意，请寄回商品', ...(note ? { note } : {}) };
    case 'RETURNING': {
      const s = a.returnShipment;
      return { status, label: '你已寄回商品', ...(s ? { note: `${s.expressCompany} ${s.trackingNo}` } : {}) };
    }
    case 'REFUNDING':
      return {
        status,
        label: previous === 'REQUESTED' ? '商家已同意，退款中' : a.type === 'RETURN_REFUND' ? '商家已收到退货，退款中' : '退款中',
        ...(note ? { note } : {}),
      };
    case 'REFUNDED':
      return { status, label: `已退款 ${formatPrice(a.amountFen)}，原路退回` };
    case 'REJECTED':
      return { status, label: '商家已拒绝', note: note ?? a.adminNote };
    case 'CANCELLED':
      return { status, label: '你已撤销申请' };
  }
}

/**
 * Every step of a request with its time: the API's `history` when it lists it, otherwise what the request
 * itself says (created, and its current status at its last update).
 */
export function afterSaleSteps(a: AfterSale): AfterSaleStep[] {
  const history = a.history && a.history.length > 0 ? a.history : undefined;
  const entries = history ?? [
    { at: a.createdAt, status: 'REQUESTED' as AfterSaleStatus },
    ...(a.status === 'REQUESTED' ? [] : [{ at: a.updatedAt, status: a.status, note: a.adminNote }]),
  ];
  const steps: AfterSaleStep[] = [];
  if (entries[0]?.status !== 'REQUESTED') steps.push({ ...stepOf(a, 'REQUESTED', undefined), at: a.createdAt });
  entries.forEach((e, i) => {
    const previous = i > 0 ? entries[i - 1]!.status : steps.length > 0 ? 'REQUESTED' : undefined;
    const step = stepOf(a, e.status, previous, 'note' in e ? e.note : undefined);
    steps.push({ ...step, at: e.at });
  });
  return steps;
}

/** A refund's WeChat status as the shopper reads it. */
export function refundStatusText(status: string): string {
  switch (status) {
    case 'SUCCESS':
      return '已退款';
    case 'CLOSED':
    case 'ABNORMAL':
      return '退款未成功，商家会重新处理';
    default:
      return '退款中';
  }
}
