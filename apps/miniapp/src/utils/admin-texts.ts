// What the console writes in Chinese from the API's codes and structured fields (issue 13): after-sale
// requests, the order timeline's event codes, subscribe messages, anomalies, audit entries and reconciliation
// discrepancies. The API's English `detail` strings are for developers; nothing here shows them.
import { AFTER_SALE_REASON_LABELS, fenToYuan } from '@xiaodian/shared';
import type { Label } from './admin-view';

const yuanOf = (fen: unknown): string | undefined => (typeof fen === 'number' && Number.isInteger(fen) ? `¥${fenToYuan(fen)}` : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v : undefined);
const join = (...parts: (string | undefined | false)[]): string => parts.filter(Boolean).join('，');

function labelOf(table: Record<string, Label>, key: string | undefined): Label {
  return (key && table[key]) || { text: key ? `未知状态（${key}）` : '—', tone: 'off' };
}

// ---- after-sale requests ----

const AFTER_SALE_STATUS: Record<string, Label> = {
  REQUESTED: { text: '待处理', tone: 'bad' },
  APPROVED: { text: '已同意，待买家退货', tone: 'wait' },
  RETURNING: { text: '买家已寄回', tone: 'wait' },
  REFUNDING: { text: '退款中', tone: 'wait' },
  REFUNDED: { text: '已退款', tone: 'ok' },
  REJECTED: { text: '已拒绝', tone: 'off' },
  CANCELLED: { text: '买家已撤销', tone: 'off' },
};
export const afterSaleStatusLabel = (s: string | undefined): Label => labelOf(AFTER_SALE_STATUS, s);

export const AFTER_SALE_TYPE_LABELS: Record<string, string> = { REFUND_ONLY: '仅退款', RETURN_REFUND: '退货退款' };
export const afterSaleTypeLabel = (t: string): string => AFTER_SALE_TYPE_LABELS[t] ?? t;

/** The queue's tabs: what waits for the shop first. */
export const AFTER_SALE_TABS: { value: string; text: string }[] = [
  { value: 'REQUESTED', text: '待处理' },
  { value: 'RETURNING', text: '待收货' },
  { value: 'APPROVED', text: '待买家退货' },
  { value: 'REFUNDING', text: '退款中' },
  { value: 'REFUNDED', text: '已退款' },
  { value: 'REJECTED', text: '已拒绝' },
  { value: 'CANCELLED', text: '已撤销' },
  { value: '', text: '全部' },
];

/** A reason code of the shared list in Chinese (a request from before the list reads as its own text). */
export function afterSaleReasonText(reason: string): string {
  return (AFTER_SALE_REASON_LABELS as Record<string, string>)[reason] ?? reason;
}

// ---- the order's timeline (event codes) ----

export interface OrderEventLike {
  at: string;
  status?: string;
  code?: string;
  data?: Record<string, unknown> | null;
  note?: string;
}

const VIA: Record<string, string> = { SHOPPER: '买家确认收货', WECHAT: '买家在微信中确认收货', AUTO: '超时自动确认收货' };

/** An event code's words, with its data (amounts in yuan, carrier and number …); undefined for an unknown code. */
export function orderEventText(code: string, data: Record<string, unknown> = {}): string | undefined {
  const amount = yuanOf(data.amountFen);
  const refundNo = str(data.outRefundNo);
  switch (code) {
    case 'PLACED':
      return join('买家下单', amount && `应付 ${amount}`);
    case 'PAID':
      return join('买家已付款', amount);
    case 'CANCELLED':
      return '买家取消了订单';
    case 'EXPIRED':
      return '超时未支付，订单关闭';
    case 'CLOSED':
      return '订单已关闭';
    case 'SHIPPED':
      return join('已发货', [str(data.expressCompany), str(data.trackingNo)].filter(Boolean).join(' ') || undefined);
    case 'SHIPMENT_UPDATED':
      return join('物流信息已更新', [str(data.expressCompany), str(data.trackingNo)].filter(Boolean).join(' ') || undefined);
    case 'COMPLETED':
      return join('交易完成', VIA[String(data.via)]);
    case 'REFUND_STARTED':
      return join('发起退款', amount, refundNo && `退款单号 ${refundNo}`);
    case 'REFUND_SUCCEEDED':
      return join('退款成功', amount);
    case 'REFUND_FAILED':
      return join('退款失败', amount, '金额已回到可退余额，可重新退款');
    case 'AFTER_SALE_REQUESTED':
      return join('买家申请售后', str(data.type) && afterSaleTypeLabel(String(data.type)), amount);
    case 'AFTER_SALE_APPROVED':
      return join('同意售后', str(data.note) && `说明：${String(data.note)}`);
    case 'AFTER_SALE_REJECTED':
      return join('拒绝售后', str(data.note) && `理由：${String(data.note)}`);
    case 'AFTER_SALE_CANCELLED':
      return '买家撤销了售后申请';
    case 'AFTER_SALE_RETURNED':
      return join('买家寄回商品', [str(data.expressCompany), str(data.trackingNo)].filter(Boolean).join(' ') || undefined);
    case 'AFTER_SALE_RECEIVED':
      return '店铺已收到退货';
    default:
      return undefined;
  }
}

/**
 * What the console says about shipping after a refund-only approval while the order was paid: the whole remaining
 * amount blocks the parcel (`shipBlocked`); a partial one (its amount on the approval's timeline entry) leaves the
 * rest of the order to ship. Undefined when there is nothing to say.
 */
export function shipNoticeText(order: { status: string; shipBlocked?: boolean; events?: OrderEventLike[] }): Label | undefined {
  if (order.status !== 'PAID') return undefined;
  if (order.shipBlocked) return { text: '已同意仅退款，不要发货', tone: 'bad' };
  const approved = (order.events ?? []).filter((e) => e.code === 'AFTER_SALE_APPROVED' && e.status === 'PAID' && e.data?.type === 'REFUND_ONLY');
  const amount = yuanOf(approved[approved.length - 1]?.data?.amountFen);
  return amount ? { text: `已同意部分退款 ${amount}，其余商品照常发货`, tone: 'wait' } : undefined;
}

// ---- subscribe messages ----

const MESSAGE_EVENTS: Record<string, string> = {
  PAID: '支付成功通知（买家）',
  SHIPPED: '发货通知（买家）',
  REFUNDED: '退款通知（买家）',
  OWNER_ORDER: '新订单通知（店主）',
  OWNER_AFTERSALE: '新售后通知（店主）',
  OWNER_REMIND_SHIPPING: '催发货提醒（店主）',
};
export const messageEventLabel = (e: string): string => MESSAGE_EVENTS[e] ?? e;

const MESSAGE_STATUS: Record<string, Label> = {
  PENDING: { text: '待发送', tone: 'wait' },
  SENT: { text: '已送达', tone: 'ok' },
  FAILED: { text: '发送失败', tone: 'bad' },
  SKIPPED: { text: '未发送（未配置模板）', tone: 'off' },
};
export const messageStatusLabel = (s: string | undefined): Label => labelOf(MESSAGE_STATUS, s);

/** WeChat's errcodes (subscribe messages, shipping information uploads, access tokens) the console explains. */
const WECHAT_ERRCODES: Record<number, string> = {
  [-1]: '微信系统繁忙，会重试',
  40001: 'access_token 无效或过期，会重试',
  42001: 'access_token 无效或过期，会重试',
  40003: '接收人 openid 无效',
  40037: '模板 ID 不正确',
  43101: '买家未订阅或订阅次数已用完',
  45009: '调用次数超过微信的每日限额',
  47003: '模板参数不正确',
  10060001: '微信找不到这笔支付单',
  10060002: '这笔支付单已录入过发货信息',
  10060003: '这笔支付单已用过重新发货的机会',
  10060004: '这笔支付单当前不能录入发货信息',
  10060005: '物流方式不正确',
};

/** WeChat Pay's codes a refund can be refused with (the API stores `CODE: message`). */
const WECHAT_PAY_CODES: Record<string, string> = {
  NOT_ENOUGH: '商户号基本账户余额不足，充值后会自动重试',
  SYSTEM_ERROR: '微信支付系统繁忙，会自动重试',
  FREQUENCY_LIMITED: '请求过于频繁，会自动重试',
  PARAM_ERROR: '退款参数不正确，微信支付未受理',
  INVALID_REQUEST: '微信支付不受理这笔退款（如已超过退款期限或订单状态不符）',
  USER_ACCOUNT_ABNORMAL: '买家账户异常，无法原路退回',
  RESOURCE_NOT_EXISTS: '微信支付找不到这笔订单',
  NO_AUTH: '商户号没有退款权限',
  SIGN_ERROR: '签名错误，请检查商户证书配置',
  MCH_NOT_EXISTS: '商户号不存在',
};

/** Why WeChat refused a message, from its errcode. */
export function messageErrcodeText(errcode: number | undefined): string | undefined {
  if (errcode === undefined) return undefined;
  const known = WECHAT_ERRCODES[errcode];
  return known ? `${known}（${errcode}）` : `微信错误码 ${errcode}`;
}

/**
 * A stored technical failure (a refund's, a shipping upload's or a message's `lastError`, maybe with WeChat's
 * errcode) in Chinese for the console: the explanation of a code it knows, and the raw text kept for 技术详情.
 */
export function technicalErrorText(raw: string | undefined, errcode?: number): { text: string; raw: string } | undefined {
  const source = raw?.trim() ?? '';
  if (!source && errcode === undefined) return undefined;
  const code = errcode ?? Number(/WeChat errcode (-?\d+)/.exec(source)?.[1] ?? NaN);
  if (Number.isInteger(code)) return { text: messageErrcodeText(code)!, raw: source };
  const payCode = /^([A-Z][A-Z_]+):/.exec(source)?.[1];
  // The code itself stays in 技术详情: the explanation is all Chinese.
  if (payCode) return { text: WECHAT_PAY_CODES[payCode] ?? '微信支付未受理，原因见技术详情', raw: source };
  if (/^WeChat Pay unavailable/.test(source)) return { text: '暂时连不上微信支付，会自动重试', raw: source };
  if (/^WeChat \S+ (unreachable|answered)|access token|stable_token/.test(source)) return { text: '暂时连不上微信，会自动重试', raw: source };
  return { text: '处理失败，原因见技术详情', raw: source };
}

// ---- anomalies ----

/** What an anomaly is about, from its kind and fields (never its English `detail`). */
export function anomalyText(a: { kind: string; amountFen?: number; outTradeNo?: string; transactionId?: string }): string {
  const amount = yuanOf(a.amountFen);
  switch (a.kind) {
    case 'AMOUNT_MISMATCH':
      return join(`微信实收${amount ? ` ${amount}` : '金额'}与订单应付不符`, '订单已关闭，款项自动原路退回');
    case 'PAID_AFTER_CLOSE':
      return join(`订单关闭后买家仍付款${amount ? ` ${amount}` : ''}`, '款项自动原路退回');
    case 'DOUBLE_PAYMENT':
      return join(`同一订单重复支付${amount ? ` ${amount}` : ''}`, '多付的款项自动原路退回');
    case 'UNKNOWN_TRADE':
      return join(`微信报告了一笔本店没有的交易${amount ? ` ${amount}` : ''}`, '请在微信支付商户平台核实');
    case 'IDENTITY_MISMATCH':
      return '付款通知的商户号或小程序与本店不符，未受理';
    case 'REFUND_ABNORMAL':
      return join(`退款${amount ? ` ${amount} ` : ''}异常（买家银行卡或账户拒收）`, '请在微信支付商户平台处理，或在订单中重新退款');
    case 'REFUND_AMOUNT_MISMATCH':
      return join(`微信报告的退款金额与本店发起的不符${amount ? `（${amount}）` : ''}`, '未记账，请在商户平台核实');
    default:
      return join(`异常（${a.kind}）`, amount);
  }
}

const REFUND_END: Record<string, string> = { SUCCESS: '退款成功', CLOSED: '退款关闭', ABNORMAL: '退款异常', PROCESSING: '退款处理中' };

/**
 * How an anomaly was settled. An admin's note (with `resolvedBy`) is their own words; the system's own
 * resolutions are recorded in English and rendered here from their fixed shapes (a fallback for any other).
 */
export function anomalyResolutionText(a: { resolution?: string; resolvedBy?: string }): string | undefined {
  const r = a.resolution?.trim();
  if (!r) return undefined;
  if (a.resolvedBy) return `${r}（${a.resolvedBy}）`;
  let m = /^refund ended (\w+) at WeChat Pay$/.exec(r);
  if (m) return `系统：微信支付最终${REFUND_END[m[1]!] ?? `为 ${m[1]}`}，无需处理`;
  m = /^refunded automatically \((\S+)\)$/.exec(r);
  if (m) return `系统：已自动原路退款（退款单号 ${m[1]}）`;
  m = /^automatic refund (\S+) ended (\w+)$/.exec(r);
  if (m) return `系统：自动退款 ${m[1]} ${REFUND_END[m[2]!] ?? m[2]}，需人工处理`;
  return '系统已自动处理';
}

// ---- audit entries ----

export interface AuditLike {
  action: string;
  detail?: string;
  stockBefore?: number;
  stockAfter?: number;
  /** The facts as fields (entries written since the API stores them); `detail` is parsed only without them. */
  data?: Record<string, string | number>;
}

function refundAuditText(amountFen: unknown, reason: string | undefined, outRefundNo: string | undefined, reissueOf: string | undefined): string {
  return join(['退款', yuanOf(amountFen)].filter(Boolean).join(' '), reason && `原因：${reason}`, outRefundNo && `退款单号 ${outRefundNo}`, reissueOf && `重新发起（原退款单号 ${reissueOf}）`);
}

function afterSaleAuditText(type: string | undefined, amountFen: unknown, status: string | undefined, note: string | undefined): string {
  const what = [type ? afterSaleTypeLabel(type) : '售后', yuanOf(amountFen)].filter(Boolean).join(' ');
  return join(`${what} → ${afterSaleStatusLabel(status).text}`, note && `说明：${note}`);
}

const AUDIT_ACTIONS: Record<string, string> = {
  'product.create': '新建商品',
  'product.stock': '调整库存',
  'product.update': '修改商品',
  'category.create': '新建分类',
  'category.update': '修改分类',
  'category.delete': '删除分类',
  'order.refund': '发起退款',
  'order.ship': '发货',
  'order.shipment': '修改物流信息',
  'refund.reissue': '重新退款',
  'aftersale.approve': '同意售后',
  'aftersale.reject': '拒绝售后',
  'aftersale.receive': '确认收到退货',
  'after-sale.approve': '同意售后',
  'after-sale.reject': '拒绝售后',
  'after-sale.receive': '确认收到退货',
  'staff.create': '添加店员',
  'staff.disable': '停用店员',
  'staff.enable': '启用店员',
  'staff.password.reset': '重置店员密码',
  'staff.password.change': '修改自己的密码',
  'staff.wechat.bind': '绑定微信',
  'anomaly.resolve': '处理异常',
};
export const auditActionText = (a: string): string => AUDIT_ACTIONS[a] ?? `其他操作（${a}）`;

/**
 * The details of an audit entry in Chinese: the stock figures, and the words the admin typed (a stock reason, a
 * refund's reason, an anomaly's note). Refunds and after-sale decisions are worded from the entry's `data`; their
 * older entries, and the other actions, from the fixed places the API puts these inside its detail. Undefined
 * when there is nothing to add to the action's name.
 */
export function auditDetailText(e: AuditLike): string | undefined {
  const detail = e.detail ?? '';
  const stock = e.stockBefore !== undefined && e.stockAfter !== undefined ? `库存 ${e.stockBefore} → ${e.stockAfter}` : undefined;
  switch (e.action) {
    case 'product.stock': {
      // `reason` or `reason [红色 / L]` (a SKU) or `reason [3 SKUs]` (specs changed).
      const m = /^(.*?)(?:\s*\[(.+)\])?$/.exec(detail);
      const reason = m?.[1]?.trim();
      const sku = m?.[2];
      const skuText = sku && /^\d+ SKUs?$/.test(sku) ? `${sku.replace(/\D/g, '')} 个规格` : sku;
      return join(stock, skuText && `规格 ${skuText}`, reason && reason !== 'specs changed' ? `原因：${reason}` : reason ? '规格调整' : undefined) || undefined;
    }
    case 'product.create':
      return stock ?? (e.stockAfter !== undefined ? `库存 ${e.stockAfter}` : undefined);
    case 'order.refund': {
      const d = e.data;
      if (d) return refundAuditText(d.amountFen, str(d.reason), str(d.outRefundNo), str(d.reissueOf));
      // Written before `data`: `refund <no> of <fen> fen: <reason>` and, for a re-issue, ` (re-issue of <old no>)`.
      const m = /^refund (\S+) of (\d+) fen: (.*?)(?: \(re-issue of (\S+)\))?$/s.exec(detail);
      return m ? refundAuditText(Number(m[2]), m[3], m[1], m[4]) : undefined;
    }
    case 'after-sale.approve':
    case 'after-sale.reject':
    case 'after-sale.receive': {
      const d = e.data;
      if (d) return afterSaleAuditText(str(d.type), d.amountFen, str(d.status), str(d.note));
      // Written before `data`: `after-sale <id> (<type>, <fen> fen) → <status>[: <note>]`
      const m = /^after-sale \S+ \((\w+), (\d+) fen\) → (\w+)(?:: (.*))?$/s.exec(detail);
      return m ? afterSaleAuditText(m[1], Number(m[2]), m[3], m[4]) : undefined;
    }
    case 'order.ship': {
      const m = /^shipped with (.+)$/.exec(detail);
      return m ? `物流 ${m[1]}` : undefined;
    }
    case 'anomaly.resolve': {
      const m = /^[A-Z_]+: (.*)$/s.exec(detail);
      return m ? `处理说明：${m[1]}` : undefined;
    }
    default:
      return stock;
  }
}

// ---- reconciliation discrepancies ----

export interface DiscrepancyLike {
  kind: string;
  action: string;
  outTradeNo?: string;
  outRefundNo?: string;
  transactionId?: string;
}

/** What a discrepancy means and what was done about it, from its kind and action. */
export function discrepancyText(d: DiscrepancyLike): string {
  const what: Record<string, string> = {
    MISSING_LOCALLY: '微信账单中有这笔收款，本店没有记为已支付',
    MISSING_AT_WECHAT: '本店记为已支付，微信当天的账单中没有',
    AMOUNT_MISMATCH: '微信账单中的金额与本店订单应付金额不符',
    REFUND_MISMATCH: d.outRefundNo ? '这笔退款在微信账单与本店记录中不一致' : '退款记录与微信账单不一致',
  };
  const done: Record<string, string> = {
    HEALED: '已向微信查询确认并自动补记',
    REFUNDED: '订单无法接收这笔款项，已自动原路退款',
    FLAGGED: '未自动处理，请在微信支付商户平台核实后处理',
  };
  return join(what[d.kind] ?? `差异（${d.kind}）`, done[d.action] ?? d.action);
}
