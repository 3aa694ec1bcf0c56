import { describe, expect, it } from 'vitest';
import { AFTER_SALE_REASONS, ANOMALY_KINDS, DISCREPANCY_ACTIONS, DISCREPANCY_KINDS, ORDER_EVENT_CODES } from '@xiaodian/shared';
import {
  afterSaleReasonText,
  afterSaleStatusLabel,
  anomalyResolutionText,
  anomalyText,
  auditActionText,
  auditDetailText,
  discrepancyText,
  messageErrcodeText,
  orderEventText,
  shipNoticeText,
  technicalErrorText,
} from './admin-texts';

const latin = /[A-Za-z]{4,}/;

describe('the order timeline from event codes', () => {
  it('reads amounts in yuan and the parcel, in Chinese', () => {
    expect(orderEventText('PAID', { amountFen: 34400 })).toBe('买家已付款，¥344.00');
    expect(orderEventText('SHIPPED', { expressCompany: '顺丰速运', trackingNo: 'SF123' })).toBe('已发货，顺丰速运 SF123');
    expect(orderEventText('REFUND_SUCCEEDED', { amountFen: 3990 })).toBe('退款成功，¥39.90');
    expect(orderEventText('COMPLETED', { via: 'WECHAT' })).toBe('交易完成，买家在微信中确认收货');
    expect(orderEventText('AFTER_SALE_REQUESTED', { type: 'RETURN_REFUND', amountFen: 100 })).toBe('买家申请售后，退货退款，¥1.00');
  });

  it('knows every code of the shared list, and says nothing for an unknown one', () => {
    for (const code of ORDER_EVENT_CODES) expect(orderEventText(code), code).toBeTruthy();
    expect(orderEventText('SOMETHING_NEW')).toBeUndefined();
  });
});

describe('shipping after a refund-only approval', () => {
  const approval = (amountFen: number, status = 'PAID') => ({ at: '2026-11-30T10:00:00Z', status, code: 'AFTER_SALE_APPROVED', data: { type: 'REFUND_ONLY', amountFen } });

  it('a whole refund blocks the parcel; a partial one lets the rest ship, with its amount', () => {
    expect(shipNoticeText({ status: 'PAID', shipBlocked: true, events: [approval(9000)] })).toEqual({ text: '已同意仅退款，不要发货', tone: 'bad' });
    expect(shipNoticeText({ status: 'PAID', events: [approval(1000), approval(2500)] })).toEqual({ text: '已同意部分退款 ¥25.00，其余商品照常发货', tone: 'wait' });
  });

  it('says nothing once shipped, for a return, or for an approval after shipping', () => {
    expect(shipNoticeText({ status: 'SHIPPED', events: [approval(2500)] })).toBeUndefined();
    expect(shipNoticeText({ status: 'PAID', events: [{ ...approval(2500), data: { type: 'RETURN_REFUND', amountFen: 2500 } }] })).toBeUndefined();
    expect(shipNoticeText({ status: 'PAID', events: [approval(2500, 'SHIPPED')] })).toBeUndefined();
    expect(shipNoticeText({ status: 'PAID' })).toBeUndefined();
  });
});

describe('anomalies, audit entries and discrepancies', () => {
  it('renders every anomaly kind from its fields, in Chinese, with a fallback', () => {
    for (const kind of ANOMALY_KINDS) expect(anomalyText({ kind, amountFen: 4500 }), kind).not.toMatch(latin);
    expect(anomalyText({ kind: 'PAID_AFTER_CLOSE', amountFen: 4500 })).toContain('¥45.00');
    expect(anomalyText({ kind: 'NEW_KIND' })).toBe('异常（NEW_KIND）');
  });

  it('renders how an anomaly was settled: the admin’s words, or the system’s in Chinese', () => {
    expect(anomalyResolutionText({ resolution: '已在商户平台退款', resolvedBy: 'owner' })).toBe('已在商户平台退款（owner）');
    expect(anomalyResolutionText({ resolution: 'refund ended SUCCESS at WeChat Pay' })).toBe('系统：微信支付最终退款成功，无需处理');
    expect(anomalyResolutionText({ resolution: 'refunded automatically (AR42)' })).toBe('系统：已自动原路退款（退款单号 AR42）');
    expect(anomalyResolutionText({ resolution: 'automatic refund AR42 ended CLOSED' })).toBe('系统：自动退款 AR42 退款关闭，需人工处理');
    expect(anomalyResolutionText({ resolution: 'something new' })).toBe('系统已自动处理');
    expect(anomalyResolutionText({})).toBeUndefined();
  });

  it('renders every discrepancy kind and action', () => {
    for (const kind of DISCREPANCY_KINDS) {
      for (const action of DISCREPANCY_ACTIONS) expect(discrepancyText({ kind, action }), `${kind} ${action}`).not.toMatch(latin);
    }
  });

  it('renders audit entries from the stock figures and the words the admin typed, never the English', () => {
    expect(auditDetailText({ action: 'product.stock', detail: '到货入库', stockBefore: 10, stockAfter: 15 })).toBe('库存 10 → 15，原因：到货入库');
    expect(auditDetailText({ action: 'product.stock', detail: '盘点 [红色 / L]', stockBefore: 3, stockAfter: 2 })).toBe('库存 3 → 2，规格 红色 / L，原因：盘点');
    expect(auditDetailText({ action: 'order.refund', detail: 'refund R1 of 3990 fen: 缺货' })).toBe('退款 ¥39.90，原因：缺货，退款单号 R1');
    expect(auditDetailText({ action: 'order.refund', detail: 'refund R2 of 3990 fen: 缺货 (re-issue of R1)' })).toBe('退款 ¥39.90，原因：缺货，退款单号 R2，重新发起（原退款单号 R1）');
    expect(auditDetailText({ action: 'after-sale.reject', detail: 'after-sale 6a1 (RETURN_REFUND, 8800 fen) → REJECTED: 无质量问题' })).toBe('退货退款 ¥88.00 → 已拒绝，说明：无质量问题');
    expect(auditDetailText({ action: 'after-sale.receive', detail: 'after-sale 6a1 (RETURN_REFUND, 8800 fen) → REFUNDING' })).toBe('退货退款 ¥88.00 → 退款中');
    expect(auditDetailText({ action: 'order.ship', detail: 'shipped with 顺丰速运 SF1' })).toBe('物流 顺丰速运 SF1');
    expect(auditDetailText({ action: 'product.update', detail: 'changed name, priceFen' })).toBeUndefined();
    expect(auditActionText('order.refund')).toBe('发起退款');
  });

  it('words refunds and after-sale decisions from their data, whatever the detail says', () => {
    const detail = 'an English sentence the console never parses when data is there';
    expect(auditDetailText({ action: 'order.refund', detail, data: { amountFen: 3990, outRefundNo: 'R1', reason: '缺货' } })).toBe('退款 ¥39.90，原因：缺货，退款单号 R1');
    expect(auditDetailText({ action: 'order.refund', detail, data: { amountFen: 3990, outRefundNo: 'R2', reason: '缺货 (二次)', reissueOf: 'R1' } })).toBe(
      '退款 ¥39.90，原因：缺货 (二次)，退款单号 R2，重新发起（原退款单号 R1）',
    );
    expect(auditDetailText({ action: 'after-sale.approve', detail, data: { afterSaleId: '6a1', type: 'REFUND_ONLY', amountFen: 2500, status: 'REFUNDING', note: '同意：少发一件' } })).toBe(
      '仅退款 ¥25.00 → 退款中，说明：同意：少发一件',
    );
    expect(auditDetailText({ action: 'after-sale.reject', detail, data: { afterSaleId: '6a1', type: 'RETURN_REFUND', amountFen: 8800, status: 'REJECTED', note: '无质量问题' } })).toBe(
      '退货退款 ¥88.00 → 已拒绝，说明：无质量问题',
    );
    expect(auditDetailText({ action: 'after-sale.receive', detail, data: { afterSaleId: '6a1', type: 'RETURN_REFUND', amountFen: 8800, status: 'REFUNDING' } })).toBe('退货退款 ¥88.00 → 退款中');
    expect(auditActionText('x.y')).toBe('其他操作（x.y）');
  });
});

describe('after-sales and messages', () => {
  it('labels statuses and reasons, with a fallback', () => {
    expect(afterSaleStatusLabel('REQUESTED').text).toBe('待处理');
    expect(afterSaleStatusLabel('NEW').text).toBe('未知状态（NEW）');
    for (const reason of AFTER_SALE_REASONS) expect(afterSaleReasonText(reason)).not.toMatch(latin);
    expect(afterSaleReasonText('DAMAGED')).toBe('商品破损');
    expect(afterSaleReasonText('买家自己写的')).toBe('买家自己写的');
  });

  it('explains 43101', () => {
    expect(messageErrcodeText(43101)).toContain('未订阅');
  });
});

describe('technical failures (lastError) in Chinese, the raw text kept for 技术详情', () => {
  it('explains WeChat errcodes, given or inside the text', () => {
    expect(technicalErrorText('WeChat errcode 43101: user refuse to accept the msg', 43101)).toEqual({
      text: '买家未订阅或订阅次数已用完（43101）',
      raw: 'WeChat errcode 43101: user refuse to accept the msg',
    });
    expect(technicalErrorText('WeChat errcode 10060002: order already shipped')).toEqual({ text: '这笔支付单已录入过发货信息（10060002）', raw: 'WeChat errcode 10060002: order already shipped' });
    expect(technicalErrorText(undefined, 40037)).toEqual({ text: '模板 ID 不正确（40037）', raw: '' });
    expect(technicalErrorText('WeChat errcode 99999: new')?.text).toBe('微信错误码 99999');
  });

  it('explains WeChat Pay refusal codes of refunds, and our own unavailable errors', () => {
    expect(technicalErrorText('NOT_ENOUGH: 基本账户余额不足，请充值后重新发起')?.text).toBe('商户号基本账户余额不足，充值后会自动重试');
    expect(technicalErrorText('SOMETHING_NEW: 新的错误')).toEqual({ text: '微信支付未受理，原因见技术详情', raw: 'SOMETHING_NEW: 新的错误' });
    expect(technicalErrorText('WeChat Pay unavailable after 3 attempt(s) (last status 502)')).toEqual({
      text: '暂时连不上微信支付，会自动重试',
      raw: 'WeChat Pay unavailable after 3 attempt(s) (last status 502)',
    });
    expect(technicalErrorText('WeChat /wxa/sec/order/upload_shipping_info answered 503')?.text).toBe('暂时连不上微信，会自动重试');
  });

  it('never shows an unknown raw text as the explanation, and nothing for no failure', () => {
    const unknown = technicalErrorText('TypeError: cannot read properties of undefined');
    expect(unknown).toEqual({ text: '处理失败，原因见技术详情', raw: 'TypeError: cannot read properties of undefined' });
    for (const raw of ['NOT_ENOUGH: x', 'WeChat errcode 45009: x', 'WeChat Pay unavailable after 1 attempt(s)', 'oops']) {
      expect(technicalErrorText(raw)!.text, raw).not.toMatch(latin);
    }
    expect(technicalErrorText(undefined)).toBeUndefined();
    expect(technicalErrorText('  ')).toBeUndefined();
  });
});
