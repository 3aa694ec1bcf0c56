// How orders read to a shopper: status labels and the timeline of the order detail page.
import type { ClosedReason, Order, OrderEventCode, OrderStatus } from '@xiaodian/shared';
import { formatPrice } from './money';

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
  /** The API's event code, when the entry has one. */
  code?: string;
}

/** The order a timeline reads: the shared Order, whose events may carry a code and data (issue 13). */
export type TimelineOrder = Omit<Order, 'events'> & {
  events?: { at: string; status: OrderStatus; code?: string; data?: Record<string, unknown> }[];
  shipment?: { expressCompany: string; trackingNo: string; shippedAt: string };
  completedAt?: string;
};

/** The shipment of an order: `shipment` (issue 13), or `shipping` of an older API. */
export function shipmentOf(order: TimelineOrder): { expressCompany: string; trackingNo: string; shippedAt: string } | undefined {
  return order.shipment ?? order.shipping;
}

function shippingNote(order: TimelineOrder): string | undefined {
  const s = shipmentOf(order);
  return s ? `${s.expressCompany} ${s.trackingNo}` : undefined;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
const fenOf = (v: unknown): string | undefined => (typeof v === 'number' && Number.isSafeInteger(v) ? formatPrice(v) : undefined);
const withAmount = (text: string, data: Record<string, unknown>) => {
  const amount = fenOf(data.amountFen);
  return amount ? `${text} ${amount}` : text;
};

/** 仅退款 / 退货退款 of an after-sale event's `type`. */
const afterSaleKind = (type: unknown): string | undefined => (type === 'REFUND_ONLY' ? '仅退款' : type === 'RETURN_REFUND' ? '退货退款' : undefined);

/** How a shopper reads each event code of the timeline (packages/shared/src/order-events.ts). */
const EVENT_TEXT: Record<OrderEventCode, (data: Record<string, unknown>) => { label: string; note?: string }> = {
  PLACED: () => ({ label: '下单' }),
  PAID: (d) => ({ label: withAmount('已支付', d) }),
  CANCELLED: () => ({ label: '已取消' }),
  EXPIRED: () => ({ label: '超时未支付，已关闭' }),
  CLOSED: () => ({ label: '已关闭' }),
  SHIPPED: (d) => ({ label: '已发货', note: [str(d.expressCompany), str(d.trackingNo)].filter(Boolean).join(' ') || undefined }),
  SHIPMENT_UPDATED: (d) => ({ label: '物流信息已更新', note: [str(d.expressCompany), str(d.trackingNo)].filter(Boolean).join(' ') || undefined }),
  COMPLETED: (d) => ({
    label: '已完成',
    note: d.via === 'SHOPPER' ? '你已确认收货' : d.via === 'WECHAT' ? '已在微信中确认收货' : d.via === 'AUTO' ? '发货后到期自动确认收货' : undefined,
  }),
  REFUND_STARTED: (d) => ({ label: withAmount('退款中', d) }),
  REFUND_SUCCEEDED: (d) => ({ label: withAmount('已退款', d) }),
  REFUND_FAILED: (d) => ({ label: withAmount('退款未成功', d), note: '商家会重新处理这笔退款' }),
  AFTER_SALE_REQUESTED: (d) => ({ label: withAmount(`申请${afterSaleKind(d.type) ?? '售后'}`, d) }),
  AFTER_SALE_APPROVED: (d) => ({ label: d.type === 'RETURN_REFUND' ? '商家已同意退货' : d.type === 'REFUND_ONLY' ? '商家已同意退款' : '商家已同意售后' }),
  AFTER_SALE_REJECTED: () => ({ label: '商家已拒绝售后' }),
  AFTER_SALE_CANCELLED: () => ({ label: '你已撤销售后申请' }),
  AFTER_SALE_RETURNED: (d) => ({ label: '已寄回商品', note: [str(d.expressCompany), str(d.trackingNo)].filter(Boolean).join(' ') || undefined }),
  AFTER_SALE_RECEIVED: () => ({ label: '商家已收到退货' }),
};

/** One timeline entry in Chinese: from its code and data; an old entry without a code shows its status. */
export function eventText(
  event: { status: OrderStatus; code?: string; data?: Record<string, unknown> },
  order?: TimelineOrder,
): { label: string; note?: string } {
  const render = event.code && Object.prototype.hasOwnProperty.call(EVENT_TEXT, event.code) ? EVENT_TEXT[event.code as OrderEventCode] : undefined;
  if (render) return render(event.data ?? {});
  // The closing step says why (已取消, 超时未支付 …) when the API tells us.
  if (event.status === 'CLOSED') return { label: statusText({ status: 'CLOSED', closedReason: order?.closedReason }) };
  const note = event.status === 'SHIPPED' && order ? shippingNote(order) : undefined;
  return { label: STEP_LABELS[event.status], ...(note ? { note } : {}) };
}

const HAPPY_PATH: OrderStatus[] = ['PENDING_PAYMENT', 'PAID', 'SHIPPED', 'COMPLETED'];
const STEP_LABELS: Record<OrderStatus, string> = { ...STATUS_LABELS, PENDING_PAYMENT: '下单' };

/**
 * The order's story. With the API's `events` it is exactly those (codes rendered in Chinese, old entries by
 * their status); without them it is built from the timestamps. Steps not reached yet on the normal path are
 * listed as not done, unless the order left it.
 */
export function orderTimeline(order: TimelineOrder): TimelineStep[] {
  const steps: TimelineStep[] = [];
  if (order.events && order.events.length > 0) {
    for (const e of order.events) {
      const text = eventText(e, order);
      steps.push({ label: text.label, at: e.at, ...(text.note ? { note: text.note } : {}), done: true, ...(e.code ? { code: e.code } : {}) });
    }
    if (steps[0]?.label !== STEP_LABELS.PENDING_PAYMENT) {
      steps.unshift({ label: STEP_LABELS.PENDING_PAYMENT, at: order.createdAt, done: true });
    }
  } else {
    steps.push({ label: STEP_LABELS.PENDING_PAYMENT, at: order.createdAt, done: true });
    if (order.paidAt) steps.push({ label: STEP_LABELS.PAID, at: order.paidAt, done: true });
    const shipment = shipmentOf(order);
    if (shipment) {
      steps.push({ label: STEP_LABELS.SHIPPED, at: shipment.shippedAt, note: shippingNote(order), done: true });
    }
    const last = steps[steps.length - 1]?.label;
    if (order.status !== 'PENDING_PAYMENT' && last !== STEP_LABELS[order.status]) {
      steps.push({ label: STEP_LABELS[order.status], ...(order.status === 'COMPLETED' && order.completedAt ? { at: order.completedAt } : {}), done: true });
    }
  }
  // Upcoming steps, only while the order is still on the normal path (a partial refund leaves it there).
  const index = HAPPY_PATH.indexOf(order.status);
  if (index >= 0) {
    for (const status of HAPPY_PATH.slice(index + 1)) steps.push({ label: STEP_LABELS[status], done: false });
  }
  return steps;
}

/** "2026-05-20T13:29:35+08:00" → "05-20 13:29" (the timelines' short form, the shopper's time zone). */
export function formatShortTime(iso: string | undefined): string {
  const full = formatTime(iso);
  return /^\d{4}-/.test(full) ? full.slice(5) : full;
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
