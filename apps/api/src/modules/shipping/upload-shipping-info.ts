// Reports a shipped order to WeChat (docs/wechat-pay.md §10): mini programs under shipping management must, or
// the money stays frozen. One call per attempt; the shipping-upload job retries with backoff.
import type { Services } from '../../context';
import type { OrderDoc } from '../orders/model';
import { toBeijingRfc3339 } from '../payments/beijing-time';
import { callWithAccessToken } from '../wechat/access-token';

export const EXPRESS = 1;
export const VIRTUAL_GOODS = 3;
export const SELF_PICKUP = 4;

/** WeChat's item_desc: at most 120 characters, e.g. `乌龙茶*2，茶杯*1`. */
export function itemDescription(order: Pick<OrderDoc, 'items'>): string {
  const text = order.items.map((i) => `${i.name ?? ''}*${i.quantity ?? 1}`).join('，') || '商品';
  const chars = [...text];
  return chars.length <= 120 ? text : `${chars.slice(0, 119).join('')}…`;
}

/** `13800001234` → `138****1234`: the masked form WeChat asks for in `contact`. */
export function maskPhone(phone: string): string | undefined {
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 7) return undefined;
  return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
}

export function shippingInfoRequest(s: Pick<Services, 'config'>, order: OrderDoc, now = new Date()) {
  const logisticsType = order.shipping?.logisticsType ?? EXPRESS;
  const item: Record<string, unknown> = { item_desc: itemDescription(order) };
  if (logisticsType === EXPRESS) {
    item.tracking_no = order.shipping?.trackingNo ?? '';
    item.express_company = order.shipping?.expressCompany ?? '';
    // SF Express requires a contact number, masked.
    const masked = order.address?.phone ? maskPhone(order.address.phone) : undefined;
    if (masked && item.express_company === 'SF') item.contact = { receiver_contact: masked };
  }
  return {
    order_key: { order_number_type: 1, mchid: s.config.wechatPay.mchid, out_trade_no: order.outTradeNo },
    logistics_type: logisticsType,
    delivery_mode: 1,
    shipping_list: [item],
    upload_time: toBeijingRfc3339(now),
    payer: { openid: order.openid },
  };
}

export async function uploadShippingInfo(s: Services, order: OrderDoc, now = new Date()): Promise<void> {
  await callWithAccessToken(s, '/wxa/sec/order/upload_shipping_info', shippingInfoRequest(s, order, now));
}
