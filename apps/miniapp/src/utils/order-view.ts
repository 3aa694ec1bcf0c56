// How orders read to a shopper: status labels and the timeline of the order detail page.
import type { ClosedReason, Order, OrderStatus } from '@xiaodian/shared';

export const STATUS_LABELS: Record<OrderStatus, string> = {
  PENDING_PAYMENT: '待支付',
  PAID: '已支付',
  SHIPPED: '已发货',
  COMPLETED: '已完成',
  CLOSED: '已关闭',
  REFUNDING: '退款中',
  REFUNDED: '已退款',
};

/** Why a closed order closed, in a few words (status tags, the order page's title): the API's `closedReason`. */
export const CLOSED_REASON_SHORT: Record<ClosedReason, string> = {
  EXPIRED: '超时未支付',
  CANCELLED: '已取消',
  // The money WeChat took is refunded automatically (the API starts it); it may not have arrived yet.
  PAYMENT_REFUSED: '支付异常，原路退款',
};

/** The same, as a sentence for the order page and the payment result. */
export const CLOSED_REASON_LABELS: Record<ClosedReason, string> = {
  EXPIRED: '超时未支付，订单已关闭',
  CANCELLED: '你已取消这笔订单',
  PAYMENT_REFUSED: '支付金额或账户异常，订单已关闭，款项将原路退回',
};

/** The status as the shopper reads it: a closed order says why when the API tells us. */
export function statusText(order: Pick<Order, 'status' | 'closedReason'>): string {
  if (order.status === 'CLOSED' && order.closedReason) return CLOSED_REASON_SHORT[order.closedReason];
  return STATUS_LABELS[order.status];
}

/** For a closed order whose reason the API gave, the sentence saying why; undefined otherwise. */
export function closedExplanation(order: Pick<Order, 'status' | 'closedReason'>): string | undefined {
  return order.status === 'CLOSED' && order.closedReason ? CLOSED_REASON_LABELS[order.closedReason] : undefined;
}

/** A colour class per status: green when money arrived, orange while waiting, grey when over. */
export function statusTone(status: OrderStatus): 'wait' | 'ok' | 'off' {
  if (status === 'PENDING_PAYMENT' || status === 'REFUNDING') return 'wait';
  if (status === 'CLOSED' || status === 'REFUNDED') return 'off';
  return 'ok';
}

export interface TimelineStep {
  label: string;
  at?: string;
  note?: string;
  done: boolean;
}

function shippingNote(order: Order): string | undefined {
  return order.shipping ? `${order.shipping.expressCompany} ${order.shipping.trackingNo}` : undefined;
}

const HAPPY_PATH: OrderStatus[] = ['PENDING_PAYMENT', 'PAID', 'SHIPPED', 'COMPLETED'];
const STEP_LABELS: Record<OrderStatus, string> = { ...STATUS_LABELS, PENDING_PAYMENT: '下单' };

/**
 * The order's story. With the API's `events` it is exactly those; without them it is built from the
 * timestamps. Steps not reached yet on the normal path are listed as not done, unless the order left it.
 */
export function orderTimeline(order: Order): TimelineStep[] {
  const steps: TimelineStep[] = [];
  if (order.events && order.events.length > 0) {
    // The events' own notes are written for operators (English, amounts in fen): the shopper sees the step,
    // its time, and for a shipment the carrier and tracking number.
    for (const e of order.events) {
      const note = e.status === 'SHIPPED' ? shippingNote(order) : undefined;
      // The closing step says why (已取消, 超时未支付 …) when the API tells us.
      const label = e.status === 'CLOSED' ? statusText({ status: 'CLOSED', closedReason: order.closedReason }) : STEP_LABELS[e.status];
      steps.push({ label, at: e.at, ...(note ? { note } : {}), done: true });
    }
    if (steps[0]?.label !== STEP_LABELS.PENDING_PAYMENT) {
      steps.unshift({ label: STEP_LABELS.PENDING_PAYMENT, at: order.createdAt, done: true });
    }
  } else {
    steps.push({ label: STEP_LABELS.PENDING_PAYMENT, at: order.createdAt, done: true });
    if (order.paidAt) steps.push({ label: STEP_LABELS.PAID, at: order.paidAt, done: true });
    if (order.shipping) {
      steps.push({ label: STEP_LABELS.SHIPPED, at: order.shipping.shippedAt, note: shippingNote(order), done: true });
    }
    const last = steps[steps.length - 1]?.label;
    if (order.status !== 'PENDING_PAYMENT' && last !== STEP_LABELS[order.status]) {
      steps.push({ label: STEP_LABELS[order.status], done: true });
    }
  }
  // Upcoming steps, only while the order is still on the normal path.
  const index = HAPPY_PATH.indexOf(order.status);
  if (index >= 0) {
    for (const status of HAPPY_PATH.slice(index + 1)) {
      if (!steps.some((s) => s.label === STEP_LABELS[status])) steps.push({ label: STEP_LABELS[status], done: false });
    }
  }
  return steps;
}

/** "2026-05-20T13:29:35+08:00" → "2026-05-20 13:29" in the shopper's time zone. */
export function formatTime(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

export function formatAddress(a: { province: string; city: string; district: string; detail: string }): string {
  // Municipalities come back from WeChat as province = city ("北京市 北京市"): say it once.
  const city = a.city === a.province ? '' : a.city;
  return [a.province, city, a.district, a.detail].filter(Boolean).join(' ');
}
