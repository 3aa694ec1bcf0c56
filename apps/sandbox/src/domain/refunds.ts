// Refunds: accepted as PROCESSING, settled later (control API, dashboard, or automatically), notified.
import { refundId as newRefundId } from '../ids';
import { ControlError, paramError, WxPayError } from '../errors';
import type { Core } from '../core';
import type { RefundRecord, RefundStatus, TradeRecord } from '../store';
import { rfc3339 } from '../time';
import { TRADE_STATE_DESC, refundNotificationResource, refundView, type RefundView } from './views';

const OUT_REFUND_NO = /^[A-Za-z0-9_\-|*@]{1,64}$/;
export const MAX_REFUNDS_PER_TRADE = 50;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Money still refundable: the total minus refunds that are processing, done or stuck (CLOSED gives it back). */
export function refundableFen(core: Core, trade: TradeRecord): number {
  const taken = core.store.refundsOf(trade.out_trade_no).filter((r) => r.status !== 'CLOSED').reduce((sum, r) => sum + r.amount.refund, 0);
  return trade.amount.total - taken;
}

/** `POST /v3/refund/domestic/refunds`. */
export function createRefund(core: Core, input: unknown): RefundView {
  if (!isObject(input)) throw new WxPayError(400, 'PARAM_ERROR', '请求体必须是JSON对象');
  const { store, clock } = core;
  const outRefundNo = input.out_refund_no;
  if (typeof outRefundNo !== 'string' || !outRefundNo) throw paramError('out_refund_no', '为必填项', outRefundNo);
  if (!OUT_REFUND_NO.test(outRefundNo)) throw paramError('out_refund_no', '只能是1-64位数字、大小写字母_-|*@', outRefundNo);
  const transactionId = input.transaction_id;
  const outTradeNo = input.out_trade_no;
  if (transactionId === undefined && outTradeNo === undefined) throw paramError('transaction_id', 'transaction_id和out_trade_no必须二选一');
  if (transactionId !== undefined && typeof transactionId !== 'string') throw paramError('transaction_id', '必须是字符串', transactionId);
  if (outTradeNo !== undefined && typeof outTradeNo !== 'string') throw paramError('out_trade_no', '必须是字符串', outTradeNo);
  const amount = input.amount;
  if (!isObject(amount)) throw paramError('amount', '为必填项', amount);
  const refund = amount.refund;
  const total = amount.total;
  if (typeof refund !== 'number' || !Number.isInteger(refund) || refund < 1) throw paramError('amount/refund', '必须是大于0的整数(单位为分)', refund);
  if (typeof total !== 'number' || !Number.isInteger(total) || total < 1) throw paramError('amount/total', '必须是大于0的整数(单位为分)', total);
  // Unlike prepay (where it defaults to CNY), a refund must name its currency: WeChat refuses one without it.
  if (amount.currency === undefined || amount.currency === null || amount.currency === '') throw paramError('amount/currency', '为必填项', amount.currency);
  if (amount.currency !== 'CNY') throw paramError('amount/currency', '只支持CNY', amount.currency);
  let notifyUrl: string | undefined;
  if (input.notify_url !== undefined) {
    if (typeof input.notify_url !== 'string') throw paramError('notify_url', '必须是字符串', input.notify_url);
    try {
      const url = new URL(input.notify_url);
      if (url.search) throw paramError('notify_url', '不能携带参数', input.notify_url);
    } catch (error) {
      if (error instanceof WxPayError) throw error;
      throw paramError('notify_url', '不是合法的URL', input.notify_url);
    }
    notifyUrl = input.notify_url;
  }
  if (input.reason !== undefined && (typeof input.reason !== 'string' || Buffer.byteLength(input.reason) > 80)) {
    throw paramError('reason', '必须是不超过80字节的字符串', input.reason);
  }

  const trade = transactionId !== undefined ? store.tradeByTransactionId(transactionId) : store.data.trades[outTradeNo as string];
  if (!trade || (transactionId !== undefined && outTradeNo !== undefined && trade.out_trade_no !== outTradeNo)) {
    throw new WxPayError(404, 'RESOURCE_NOT_EXISTS', '订单不存在');
  }

  const existing = store.data.refunds[outRefundNo];
  if (existing) {
    // Retrying with the same out_refund_no is how a merchant recovers from a timeout: the same refund comes back.
    if (existing.out_trade_no !== trade.out_trade_no || existing.amount.refund !== refund || existing.amount.total !== total) {
      throw new WxPayError(400, 'INVALID_REQUEST', '商户退款单号重复，且与原退款请求参数不一致');
    }
    return refundView(existing);
  }
  if (trade.trade_state !== 'SUCCESS' && trade.trade_state !== 'REFUND') throw new WxPayError(400, 'INVALID_REQUEST', '订单未支付，不能退款');
  if (total !== trade.amount.total) throw paramError('amount/total', '与原订单金额不一致', total);
  if (core.faults.take('not_enough', { endpoint: 'refund', outTradeNo: trade.out_trade_no })) {
    throw new WxPayError(403, 'NOT_ENOUGH', '基本账户余额不足，请充值后重新发起');
  }
  if (store.refundsOf(trade.out_trade_no).length >= MAX_REFUNDS_PER_TRADE) throw new WxPayError(400, 'INVALID_REQUEST', '部分退款次数不能超过50次');
  const refundable = refundableFen(core, trade);
  if (refundable <= 0) throw new WxPayError(400, 'INVALID_REQUEST', '订单已全额退款');
  if (refund > refundable) throw new WxPayError(400, 'INVALID_REQUEST', `申请退款金额超过订单可退金额(可退${refundable}分)`);

  const now = clock.now();
  const record: RefundRecord = {
    refund_id: newRefundId(now),
    out_refund_no: outRefundNo,
    transaction_id: trade.transaction_id!,
    out_trade_no: trade.out_trade_no,
    status: 'PROCESSING',
    amount: { refund, total, currency: 'CNY' },
    create_time: rfc3339(now),
    createdAt: now,
  };
  if (typeof input.reason === 'string') record.reason = input.reason;
  if (notifyUrl) record.notify_url = notifyUrl;
  trade.trade_state = 'REFUND';
  trade.trade_state_desc = TRADE_STATE_DESC.REFUND;
  trade.updatedAt = now;
  store.saveRefund(record);
  store.saveTrade(trade);
  core.log(`refund ${outRefundNo} of ${trade.out_trade_no}: ${refund} fen PROCESSING`);
  scheduleAutoSettle(core, record);
  return refundView(record);
}

/** With `auto_settle_refunds_ms` set, a PROCESSING refund settles by itself (SUCCESS, or ABNORMAL under the fault). */
export function scheduleAutoSettle(core: Core, refund: RefundRecord): void {
  const ms = core.store.data.settings.auto_settle_refunds_ms;
  if (!(ms > 0) || refund.status !== 'PROCESSING') return;
  core.timers.set(() => {
    // The refund may be gone (control reset) or settled by hand meanwhile.
    if (core.store.data.refunds[refund.out_refund_no] === refund && refund.status === 'PROCESSING') settleRefund(core, refund.out_refund_no);
  }, refund.createdAt + ms - core.clock.now());
}

/** `GET /v3/refund/domestic/refunds/{out_refund_no}`. */
export function queryRefund(core: Core, outRefundNo: string): RefundView {
  const refund = core.store.data.refunds[outRefundNo];
  if (!refund) throw new WxPayError(404, 'RESOURCE_NOT_EXISTS', '退款单不存在');
  return refundView(refund);
}

export const SETTLE_OUTCOMES: readonly RefundStatus[] = ['SUCCESS', 'ABNORMAL', 'CLOSED'];

const SUMMARY: Record<string, string> = { SUCCESS: '退款成功', ABNORMAL: '退款异常', CLOSED: '退款关闭' };

/**
 * Settles a refund and notifies its notify_url. Without an outcome: SUCCESS, or ABNORMAL under the
 * `refund_abnormal` fault. A settled refund cannot change, except ABNORMAL (handled offline, then
 * SUCCESS or CLOSED); settling again with the same outcome is answered with the refund as it is.
 */
export function settleRefund(core: Core, outRefundNo: string, outcome?: RefundStatus): RefundView {
  const refund = core.store.data.refunds[outRefundNo];
  if (!refund) throw new ControlError(404, 'REFUND_NOT_FOUND', `no refund ${outRefundNo}`);
  let target = outcome;
  if (target === undefined) target = core.faults.find('refund_abnormal', refund.out_trade_no) ? 'ABNORMAL' : 'SUCCESS';
  if (!SETTLE_OUTCOMES.includes(target)) throw new ControlError(400, 'VALIDATION_FAILED', 'outcome must be SUCCESS, ABNORMAL or CLOSED');
  if (refund.status === target) return refundView(refund);
  if (refund.status !== 'PROCESSING' && refund.status !== 'ABNORMAL') {
    throw new ControlError(409, 'REFUND_SETTLED', `refund ${outRefundNo} is already ${refund.status}`);
  }
  const now = core.clock.now();
  refund.status = target;
  refund.settledAt = now;
  if (target === 'SUCCESS') {
    refund.success_time = rfc3339(now);
    refund.successAt = now;
  }
  core.store.saveRefund(refund);
  core.log(`refund ${outRefundNo} → ${target}`);
  if (refund.notify_url) {
    core.notifier.create({
      event_type: `REFUND.${target}`,
      summary: SUMMARY[target]!,
      original_type: 'refund',
      resource: refundNotificationResource(refund, core.identity.mchid),
      out_trade_no: refund.out_trade_no,
      out_refund_no: refund.out_refund_no,
      notify_url: refund.notify_url,
    });
  }
  return refundView(refund);
}

/** Accepts control-API input for settle. */
export function parseSettleOutcome(value: unknown): RefundStatus | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' || !SETTLE_OUTCOMES.includes(value as RefundStatus)) {
    throw new ControlError(400, 'VALIDATION_FAILED', 'outcome must be SUCCESS, ABNORMAL or CLOSED');
  }
  return value as RefundStatus;
}
