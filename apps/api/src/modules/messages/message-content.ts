// What each outbox event says, in WeChat's subscribe message format (`data: {key: {value}}`), in Chinese. The data
// keys are those of the templates the shop picks in the mini program console (apps/api/README.md, Subscribe
// messages): every template's keys must be exactly these. Values respect WeChat's rules per kind: `thing` at
// most 20 characters, `character_string` at most 32 printable ASCII, `amount` like ¥12.30, `time` like
// 2026-11-30 20:22 (Beijing), `phrase` at most 5 Chinese characters.
import type { Config } from '../../config';
import type { OrderDoc } from '../orders/model';
import type { OutboxEntry } from '../orders/outbox';

export type TemplateName = keyof Config['subscribeTemplates'];
export type MessageData = Record<string, { value: string }>;

export interface MessageContent {
  template: TemplateName;
  data: MessageData;
  /** The page the message opens; only the shopper's messages link to their order. */
  page?: string;
}

/** ¥12.30 */
export function yuanText(fen: number): string {
  return `¥${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
}

/** 2026-11-30 20:22, Beijing time (UTC+8, no daylight saving). */
export function beijingMinute(at: Date): string {
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
}

/** A `thing` value: at most 20 characters, cut with an ellipsis. */
export function thing(text: string): string {
  const chars = [...text.trim()];
  return chars.length <= 20 ? chars.join('') : `${chars.slice(0, 19).join('')}…`;
}

/** A `character_string` value: printable ASCII only, at most 32. */
function characters(text: string): string {
  const ascii = text.replace(/[^\x21-\x7e]/g, '');
  return (ascii || '-').slice(0, 32);
}

/** 乌龙茶 / 乌龙茶 等 3 件 */
function itemsText(order: Pick<OrderDoc, 'items'>): string {
  const items = order.items ?? [];
  const first = items[0]?.name ?? '商品';
  const pieces = items.reduce((n, item) => n + (item.quantity ?? 0), 0);
  return thing(items.length > 1 || pieces > 1 ? `${first} 等 ${pieces} 件` : first);
}

const AFTER_SALE_TYPES: Record<string, string> = { REFUND_ONLY: '仅退款', RETURN_REFUND: '退货退款' };

const num = (v: unknown, fallback: number) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : fallback);
const str = (v: unknown) => (typeof v === 'string' ? v : '');

export type OrderForMessage = Pick<OrderDoc, '_id' | 'items' | 'totalFen' | 'paidFen' | 'paidAt' | 'outTradeNo' | 'shipping'> & { orderNo?: string | null };

/** The template and data of one outbox entry; undefined for an event this shop does not message about. */
export function messageContent(order: OrderForMessage, entry: OutboxEntry): MessageContent | undefined {
  const orderNo = characters(order.orderNo ?? order.outTradeNo);
  const page = `pages/orders/detail?id=${String(order._id)}`;
  const at = entry.at instanceof Date ? entry.at : new Date(entry.at);
  const paidFen = order.paidFen || order.totalFen;
  switch (entry.event) {
    case 'PAID':
      return {
        template: 'paid',
        page,
        data: {
          character_string1: { value: orderNo },
          amount2: { value: yuanText(num(entry.data.amountFen, paidFen)) },
          thing3: { value: itemsText(order) },
          time4: { value: beijingMinute(order.paidAt ?? at) },
        },
      };
    case 'SHIPPED':
      return {
        template: 'shipped',
        page,
        data: {
          character_string1: { value: orderNo },
          thing2: { value: thing(str(entry.data.expressCompany) || str(order.shipping?.expressCompany) || '快递') },
          character_string3: { value: characters(str(entry.data.trackingNo) || str(order.shipping?.trackingNo)) },
          thing4: { value: itemsText(order) },
        },
      };
    case 'REFUNDED':
      return {
        template: 'refunded',
        page,
        data: {
          character_string1: { value: orderNo },
          amount2: { value: yuanText(num(entry.data.amountFen, 0)) },
          thing3: { value: itemsText(order) },
          time4: { value: beijingMinute(at) },
        },
      };
    case 'OWNER_ORDER':
      return {
        template: 'ownerOrder',
        data: {
          character_string1: { value: orderNo },
          amount2: { value: yuanText(num(entry.data.amountFen, paidFen)) },
          thing3: { value: itemsText(order) },
          time4: { value: beijingMinute(order.paidAt ?? at) },
        },
      };
    case 'OWNER_REMIND_SHIPPING':
      // WeChat's reminder that an order is still unshipped: the new-order template, saying so in its item line.
      return {
        template: 'ownerOrder',
        data: {
          character_string1: { value: orderNo },
          amount2: { value: yuanText(paidFen) },
          thing3: { value: thing(`买家提醒发货：${itemsText(order)}`) },
          time4: { value: beijingMinute(at) },
        },
      };
    case 'OWNER_AFTERSALE':
      return {
        template: 'ownerAfterSale',
        data: {
          character_string1: { value: orderNo },
          phrase2: { value: AFTER_SALE_TYPES[str(entry.data.type)] ?? '售后' },
          amount3: { value: yuanText(num(entry.data.amountFen, 0)) },
          time4: { value: beijingMinute(at) },
        },
      };
    default:
      return undefined;
  }
}

/** Whether an event goes to the order's shopper (otherwise to the bound console accounts that want it). */
export function isShopperEvent(event: string): boolean {
  return event === 'PAID' || event === 'SHIPPED' || event === 'REFUNDED';
}
