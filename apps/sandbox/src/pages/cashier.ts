import type { TradeRecord } from '../store';
import { esc, page, yuan } from './html';

export interface CashierView {
  trade: TradeRecord | undefined;
  prepayId: string;
  redirect: string | undefined;
  mchid: string;
  /** Problems that stop payment (bad paySign, expired, already paid …). */
  errors: string[];
  paySignChecked: boolean;
  /** The requestPayment parameters, carried to the confirmation so it is checked again. */
  params: Record<string, string | undefined>;
}

/** The H5 stand-in for wx.requestPayment: the shopper confirms, cancels or fails the payment. */
export function cashierPage(v: CashierView): string {
  const t = v.trade;
  const hidden = `<input type="hidden" name="prepay_id" value="${esc(v.prepayId)}">${v.redirect ? `<input type="hidden" name="redirect" value="${esc(v.redirect)}">` : ''}${Object.entries(v.params)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `<input type="hidden" name="${esc(name)}" value="${esc(value)}">`)
    .join('')}`;
  const blocked = v.errors.length > 0 || !t;
  return page(
    '微信支付 · Sandbox',
    `<div class="card">
  <div class="muted small">微信支付 <span class="badge">sandbox</span></div>
  ${t ? `<div style="margin-top:12px">${esc(t.description)}</div><div class="amount">¥${yuan(t.amount.total)}</div>
  <div class="muted small">商户 Xiaodian sandbox merchant (${esc(v.mchid)})<br>订单 <code>${esc(t.out_trade_no)}</code> · ${esc(t.trade_state)}</div>` : ''}
  ${v.errors.map((e) => `<div class="error">${esc(e)}</div>`).join('')}
  ${v.paySignChecked && v.errors.length === 0 ? '<div class="muted small" style="margin-top:8px">✓ paySign verified with the merchant public key</div>' : ''}
  <form method="post" action="/__sandbox/cashier" class="stack">
    ${hidden}
    <button class="primary" name="outcome" value="SUCCESS" ${blocked ? 'disabled' : ''}>支付 Pay</button>
    <button name="outcome" value="FAIL" ${blocked ? 'disabled' : ''}>支付失败 Fail</button>
    <button name="outcome" value="CANCEL">取消 Cancel</button>
  </form>
</div>`,
  );
}

export function cashierResultPage(result: string, message?: string): string {
  return page(
    '支付结果 · Sandbox',
    `<div class="card"><h2>${result === 'success' ? '支付成功' : result === 'cancel' ? '已取消' : '支付失败'}</h2>${message ? `<div class="error">${esc(message)}</div>` : ''}<p class="muted small">result=${esc(result)}</p></div>`,
  );
}
