import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '@xiaodian/shared';
import { ERROR_TEXT, errorTextOf, retryAfterOf, waitText } from './error-text';

describe('error texts', () => {
  it('has Chinese words for every code of the closed list', () => {
    for (const code of ERROR_CODES) {
      expect(ERROR_TEXT[code], code).toMatch(/[\u4e00-\u9fff]/);
      expect(errorTextOf(code)).toBe(ERROR_TEXT[code]);
    }
    expect(Object.keys(ERROR_TEXT).sort()).toEqual([...ERROR_CODES].sort());
  });

  it('says the new refusals in the shopper’s and the admin’s words', () => {
    expect(errorTextOf('TOO_MANY_PENDING_ORDERS')).toBe('您有太多待付款订单，请先支付或取消');
    expect(errorTextOf('LIMIT_PER_ORDER_EXCEEDED')).toContain('限购');
    expect(errorTextOf('ACCOUNT_DISABLED')).toBe('该账号已停用');
    expect(errorTextOf('STOCK_BELOW_RESERVED')).toContain('预留');
    expect(errorTextOf('WEAK_PASSWORD')).toBe('密码至少 10 位，且不能是常见密码');
  });

  it('says in yuan how much a partial refund may take when the API says REFUND_EXCEEDS_ITEMS', () => {
    expect(errorTextOf('REFUND_EXCEEDS_ITEMS', { details: { maxFen: 9850, shippingFeeFen: 800 } })).toBe('部分退款不含运费，最多可退 ¥98.50；全额退款含运费');
    expect(errorTextOf('REFUND_EXCEEDS_ITEMS', { details: { maxFen: 0, shippingFeeFen: 800 } })).toBe('部分退款不含运费，最多可退 ¥0.00；全额退款含运费');
    expect(errorTextOf('REFUND_EXCEEDS_ITEMS', { apiMessage: 'At most 9850 fen' })).toBe(ERROR_TEXT.REFUND_EXCEEDS_ITEMS);
  });

  it('names the product and what is left when the API says OUT_OF_STOCK with details', () => {
    expect(errorTextOf('OUT_OF_STOCK', { details: { name: '手冲壶 600ml', available: 0 }, apiMessage: 'Only 0 of "手冲壶 600ml" left' })).toBe(
      '「手冲壶 600ml」已售罄，请从购物车移除后再下单',
    );
    expect(errorTextOf('OUT_OF_STOCK', { details: { name: '手冲壶 600ml', available: 2 } })).toBe('「手冲壶 600ml」库存不足，仅剩 2 件');
    expect(errorTextOf('OUT_OF_STOCK', { details: { name: '纯棉 T 恤', specs: { 颜色: '红色', 尺寸: 'L' }, available: 1 } })).toBe('「纯棉 T 恤（红色 / L）」库存不足，仅剩 1 件');
    expect(errorTextOf('OUT_OF_STOCK', { details: { name: '手冲壶 600ml' } })).toBe('「手冲壶 600ml」库存不足，请减少数量或稍后再试');
    expect(errorTextOf('OUT_OF_STOCK', { apiMessage: 'Only 0 of "手冲壶 600ml" left' })).toBe(ERROR_TEXT.OUT_OF_STOCK);
  });

  it('says how long to wait after a 429, and quotes the request id of an internal error', () => {
    expect(errorTextOf('TOO_MANY_ATTEMPTS')).toBe('操作太频繁，请稍后再试');
    expect(errorTextOf('TOO_MANY_ATTEMPTS', { retryAfterSeconds: 42 })).toBe('操作太频繁，请 42 秒后再试');
    expect(errorTextOf('TOO_MANY_ATTEMPTS', { retryAfterSeconds: 600 })).toBe('操作太频繁，请 10 分钟后再试');
    expect(errorTextOf('INTERNAL', { apiMessage: 'Something went wrong; quote request id 3f2a-11' })).toBe('服务出错了，请稍后重试（请求编号 3f2a-11）');
    expect(errorTextOf('INTERNAL', { apiMessage: 'boom' })).toBe('服务出错了，请稍后重试');
    expect(errorTextOf('WECHAT_REJECTED', { apiMessage: 'WeChat Pay refused refund R1: NOT_ENOUGH' })).toBe('微信支付拒绝了这次请求（微信支付：NOT_ENOUGH）');
    expect(errorTextOf('WECHAT_REJECTED', { apiMessage: 'WeChat Pay answered something unexpected' })).toBe('微信支付拒绝了这次请求');
  });

  it('knows nothing of codes outside the list', () => {
    expect(errorTextOf('HTTP_502')).toBeUndefined();
    expect(errorTextOf('toString')).toBeUndefined();
  });

  it('reads Retry-After as seconds or a date, else the seconds of the message', () => {
    expect(retryAfterOf('30', 'Too many orders; try again in 5 s')).toBe(30);
    expect(retryAfterOf(new Date(1_000_000 + 61_000).toUTCString(), undefined, 1_000_000)).toBe(61);
    expect(retryAfterOf(undefined, 'Too many orders in a short time; try again in 12 s')).toBe(12);
    expect(retryAfterOf(undefined, 'nope')).toBeUndefined();
    expect(waitText(0.2)).toBe('1 秒');
    expect(waitText(59)).toBe('59 秒');
    expect(waitText(61)).toBe('2 分钟');
  });
});
