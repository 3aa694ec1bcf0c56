// The shapes WeChat answers with, built from the sandbox's records.
import type { RefundRecord, RefundStatus, TradeRecord, TradeState } from '../store';

export const TRADE_STATE_DESC: Record<TradeState, string> = {
  SUCCESS: '支付成功',
  REFUND: '订单发生过退款',
  NOTPAY: '订单未支付',
  CLOSED: '订单已关闭',
  REVOKED: '已撤销',
  USERPAYING: '用户支付中',
  PAYERROR: '支付失败，请重新下单支付',
};

export interface TransactionView {
  appid: string;
  mchid: string;
  out_trade_no: string;
  transaction_id?: string;
  trade_type?: 'JSAPI';
  trade_state: TradeState;
  trade_state_desc: string;
  bank_type?: string;
  attach?: string;
  success_time?: string;
  payer: { openid: string };
  amount: { total: number; payer_total?: number; currency: string; payer_currency: string };
  promotion_detail?: unknown[];
}

/** What the two queries and the TRANSACTION.SUCCESS notification carry. */
export function transactionView(trade: TradeRecord): TransactionView {
  const paid = trade.transaction_id !== undefined;
  const view: TransactionView = {
    appid: trade.appid,
    mchid: trade.mchid,
    out_trade_no: trade.out_trade_no,
    trade_state: trade.trade_state,
    trade_state_desc: trade.trade_state_desc,
    payer: { openid: trade.payer.openid },
    amount: paid
      ? { total: trade.amount.total, payer_total: trade.amount.total, currency: trade.amount.currency, payer_currency: trade.amount.currency }
      : { total: trade.amount.total, currency: trade.amount.currency, payer_currency: trade.amount.currency },
  };
  if (paid) {
    view.transaction_id = trade.transaction_id;
    view.trade_type = 'JSAPI';
    view.bank_type = trade.bank_type ?? 'OTHERS';
    view.success_time = trade.success_time;
  }
  if (trade.attach !== undefined) view.attach = trade.attach;
  view.promotion_detail = [];
  return view;
}

export interface RefundView {
  refund_id: string;
  out_refund_no: string;
  transaction_id: string;
  out_trade_no: string;
  channel: 'ORIGINAL';
  user_received_account: string;
  success_time?: string;
  create_time: string;
  status: RefundStatus;
  funds_account: 'AVAILABLE';
  amount: {
    total: number;
    refund: number;
    from: unknown[];
    payer_total: number;
    payer_refund: number;
    settlement_refund: number;
    settlement_total: number;
    discount_refund: number;
    currency: string;
    refund_fee: number;
  };
  promotion_detail: unknown[];
}

/** What the refund call and the refund query answer (note `status`, not `refund_status`). */
export function refundView(refund: RefundRecord): RefundView {
  const view: RefundView = {
    refund_id: refund.refund_id,
    out_refund_no: refund.out_refund_no,
    transaction_id: refund.transaction_id,
    out_trade_no: refund.out_trade_no,
    channel: 'ORIGINAL',
    user_received_account: '支付用户零钱',
    create_time: refund.create_time,
    status: refund.status,
    funds_account: 'AVAILABLE',
    amount: {
      total: refund.amount.total,
      refund: refund.amount.refund,
      from: [],
      payer_total: refund.amount.total,
      payer_refund: refund.amount.refund,
      settlement_refund: refund.amount.refund,
      settlement_total: refund.amount.total,
      discount_refund: 0,
      currency: refund.amount.currency,
      refund_fee: 0,
    },
    promotion_detail: [],
  };
  if (refund.success_time) view.success_time = refund.success_time;
  return view;
}

/** The decrypted resource of a REFUND.* notification (`refund_status`, fewer fields). */
export function refundNotificationResource(refund: RefundRecord, mchid: string): Record<string, unknown> {
  const resource: Record<string, unknown> = {
    mchid,
    out_trade_no: refund.out_trade_no,
    transaction_id: refund.transaction_id,
    out_refund_no: refund.out_refund_no,
    refund_id: refund.refund_id,
    refund_status: refund.status,
    user_received_account: '支付用户零钱',
    amount: { total: refund.amount.total, refund: refund.amount.refund, payer_total: refund.amount.total, payer_refund: refund.amount.refund },
  };
  if (refund.success_time) resource.success_time = refund.success_time;
  return resource;
}
