import { describe, expect, it } from 'vitest';
import type { AfterSale } from '@xiaodian/shared';
import type { ShopperOrder } from '@/api/orders';
import {
  afterSaleReasonText,
  afterSaleSteps,
  afterSaleTypesFor,
  canCancelAfterSale,
  canRequestAfterSale,
  needsReturnShipment,
  refundableFen,
  refundStatusText,
} from './after-sale-view';

const order: ShopperOrder = {
  id: 'o1',
  outTradeNo: 'XD1',
  orderNo: '2611300042',
  status: 'PAID',
  totalFen: 17590,
  items: [],
  createdAt: '2026-11-30T02:00:00.000Z',
  expiresAt: '2026-11-30T02:15:00.000Z',
};

const refund = (amountFen: number, status: 'SUCCESS' | 'PROCESSING' | 'CLOSED' | 'ABNORMAL') => ({ outRefundNo: `R${amountFen}${status}`, amountFen, reason: '破损', status, createdAt: '2026-11-30T03:00:00.000Z' });

const request: AfterSale = {
  id: 'a1',
  orderId: 'o1',
  type: 'RETURN_REFUND',
  status: 'REQUESTED',
  amountFen: 3990,
  reason: 'DAMAGED',
  description: '杯口有裂纹',
  images: [],
  history: [],
  createdAt: '2026-11-30T04:00:00.000Z',
  updatedAt: '2026-11-30T04:00:00.000Z',
};

describe('what an order may still refund', () => {
  it('paid minus refunds that did not fail (failed ones went back to the balance)', () => {
    expect(refundableFen(order)).toBe(17590);
    expect(refundableFen({ ...order, refunds: [refund(3990, 'SUCCESS'), refund(1000, 'PROCESSING'), refund(500, 'CLOSED'), refund(200, 'ABNORMAL')] })).toBe(12600);
    expect(refundableFen({ ...order, refundedFen: 17590 })).toBe(0);
  });

  it('offers 申请售后 on paid, shipped and completed orders with money left and no open request', () => {
    expect(canRequestAfterSale(order)).toBe(true);
    expect(canRequestAfterSale({ ...order, status: 'SHIPPED' })).toBe(true);
    expect(canRequestAfterSale({ ...order, status: 'COMPLETED' })).toBe(true);
    expect(canRequestAfterSale({ ...order, status: 'PENDING_PAYMENT' })).toBe(false);
    expect(canRequestAfterSale({ ...order, status: 'CLOSED' })).toBe(false);
    expect(canRequestAfterSale({ ...order, status: 'REFUNDED' })).toBe(false);
    expect(canRequestAfterSale({ ...order, openAfterSaleId: 'a1' })).toBe(false);
    expect(canRequestAfterSale({ ...order, refunds: [refund(17590, 'PROCESSING')] })).toBe(false);
  });

  it('退货退款 only once shipped', () => {
    expect(afterSaleTypesFor(order)).toEqual(['REFUND_ONLY']);
    expect(afterSaleTypesFor({ ...order, status: 'SHIPPED' })).toEqual(['REFUND_ONLY', 'RETURN_REFUND']);
    expect(afterSaleTypesFor({ ...order, status: 'COMPLETED' })).toEqual(['REFUND_ONLY', 'RETURN_REFUND']);
  });
});

describe('after-sale progress', () => {
  it('every step from the history, in Chinese, with its time and the shop’s note', () => {
    const done: AfterSale = {
      ...request,
      status: 'REFUNDED',
      adminNote: '同意退货',
      returnShipment: { expressCompany: '顺丰速运', trackingNo: 'SF100', at: '2026-11-30T06:00:00.000Z' },
      outRefundNo: 'R1',
      history: [
        { at: '2026-11-30T04:00:00.000Z', status: 'REQUESTED' },
        { at: '2026-11-30T05:00:00.000Z', status: 'APPROVED', note: '同意退货' },
        { at: '2026-11-30T06:00:00.000Z', status: 'RETURNING' },
        { at: '2026-11-30T07:00:00.000Z', status: 'REFUNDING' },
        { at: '2026-11-30T07:00:05.000Z', status: 'REFUNDED' },
      ],
    };
    expect(afterSaleSteps(done)).toEqual([
      { status: 'REQUESTED', label: '你申请了退货退款 ¥39.90', note: '商品破损：杯口有裂纹', at: '2026-11-30T04:00:00.000Z' },
      { status: 'APPROVED', label: '商家已同意，请寄回商品', note: '同意退货', at: '2026-11-30T05:00:00.000Z' },
      { status: 'RETURNING', label: '你已寄回商品', note: '顺丰速运 SF100', at: '2026-11-30T06:00:00.000Z' },
      { status: 'REFUNDING', label: '商家已收到退货，退款中', at: '2026-11-30T07:00:00.000Z' },
      { status: 'REFUNDED', label: '已退款 ¥39.90，原路退回', at: '2026-11-30T07:00:05.000Z' },
    ]);
  });

  it('a refund-only request approved at once, and a rejected one with the shop’s words', () => {
    const refundOnly: AfterSale = {
      ...request,
      type: 'REFUND_ONLY',
      status: 'REFUNDING',
      history: [
        { at: '2026-11-30T04:00:00.000Z', status: 'REQUESTED' },
        { at: '2026-11-30T04:30:00.000Z', status: 'REFUNDING' },
      ],
    };
    expect(afterSaleSteps(refundOnly).map((s) => s.label)).toEqual(['你申请了仅退款 ¥39.90', '商家已同意，退款中']);
    // Without a history: created, then its status at its last update.
    const rejected: AfterSale = { ...request, status: 'REJECTED', adminNote: '照片看不出破损', updatedAt: '2026-11-30T05:00:00.000Z' };
    expect(afterSaleSteps(rejected)).toEqual([
      { status: 'REQUESTED', label: '你申请了退货退款 ¥39.90', note: '商品破损：杯口有裂纹', at: '2026-11-30T04:00:00.000Z' },
      { status: 'REJECTED', label: '商家已拒绝', note: '照片看不出破损', at: '2026-11-30T05:00:00.000Z' },
    ]);
    expect(afterSaleSteps(request).map((s) => s.label)).toEqual(['你申请了退货退款 ¥39.90']);
  });

  it('cancel until the refund starts; the return form once a return is approved', () => {
    expect(['REQUESTED', 'APPROVED', 'RETURNING'].every((status) => canCancelAfterSale({ status: status as AfterSale['status'] }))).toBe(true);
    expect(['REFUNDING', 'REFUNDED', 'REJECTED', 'CANCELLED'].some((status) => canCancelAfterSale({ status: status as AfterSale['status'] }))).toBe(false);
    expect(needsReturnShipment({ type: 'RETURN_REFUND', status: 'APPROVED' })).toBe(true);
    expect(needsReturnShipment({ type: 'REFUND_ONLY', status: 'APPROVED' })).toBe(false);
    expect(needsReturnShipment({ type: 'RETURN_REFUND', status: 'RETURNING' })).toBe(false);
  });

  it('reasons and refund states in words', () => {
    expect(afterSaleReasonText({ reason: 'NO_LONGER_WANTED' })).toBe('不想要了');
    expect(afterSaleReasonText({ reason: 'OTHER', description: '颜色不喜欢' })).toBe('其他：颜色不喜欢');
    expect(refundStatusText('SUCCESS')).toBe('已退款');
    expect(refundStatusText('PROCESSING')).toBe('退款中');
    expect(refundStatusText('PENDING')).toBe('退款中');
    expect(refundStatusText('CLOSED')).toBe('退款未成功，商家会重新处理');
    expect(refundStatusText('ABNORMAL')).toBe('退款未成功，商家会重新处理');
  });
});
