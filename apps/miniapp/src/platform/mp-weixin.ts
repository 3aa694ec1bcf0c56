// WeChat itself: wx.login, wx.requestPayment, wx.chooseAddress (through uni's names).
import type { Address } from '@xiaodian/shared';
import type { ClientPayResult, Platform } from './types';

function errMsg(err: unknown): string {
  return typeof err === 'object' && err !== null && 'errMsg' in err ? String(err.errMsg) : String(err);
}

/** wx.openBusinessView, which uni-app does not wrap. */
interface BusinessView {
  openBusinessView?(opts: {
    businessType: string;
    extraData: Record<string, string>;
    success?(res: { errMsg?: string; extraData?: Record<string, unknown> }): void;
    fail?(err: { errMsg?: string }): void;
  }): void;
}

export const mpWeixin: Platform = {
  name: 'mp-weixin',
  apiBase: import.meta.env.VITE_API_BASE || 'http://127.0.0.1:3000',
  addressSource: 'wechat',

  loginCode() {
    return new Promise((resolve, reject) => {
      uni.login({
        provider: 'weixin',
        success: (res) => (res.code ? resolve(res.code) : reject(new Error(`login: no code (${res.errMsg})`))),
        fail: (err) => reject(new Error(errMsg(err))),
      });
    });
  },

  chooseAddress() {
    return new Promise<Address | undefined>((resolve, reject) => {
      uni.chooseAddress({
        success: (res) =>
          resolve({
            name: res.userName ?? '',
            phone: res.telNumber ?? '',
            province: res.provinceName ?? '',
            city: res.cityName ?? '',
            district: res.countyName ?? '',
            detail: res.detailInfo ?? '',
            ...(res.postalCode ? { postalCode: res.postalCode } : {}),
          }),
        fail: (err) => (/cancel/.test(errMsg(err)) ? resolve(undefined) : reject(new Error(errMsg(err)))),
      });
    });
  },

  pay(_orderId, params) {
    return new Promise<ClientPayResult>((resolve) => {
      uni.requestPayment({
        provider: 'wxpay',
        // Exactly what the API signed; signType must be RSA explicitly (WeChat defaults to MD5, the v2 scheme).
        timeStamp: params.timeStamp,
        nonceStr: params.nonceStr,
        package: params.package,
        signType: 'RSA',
        paySign: params.paySign,
        success: () => resolve('success'),
        // "requestPayment:fail cancel" is the shopper closing the cashier; anything else is a failure.
        fail: (err: unknown) => resolve(/cancel/.test(errMsg(err)) ? 'cancel' : 'fail'),
      });
    });
  },

  requestSubscribe(templateIds) {
    if (templateIds.length === 0) return Promise.resolve([]);
    return new Promise<string[]>((resolve) => {
      try {
        uni.requestSubscribeMessage({
          tmplIds: templateIds,
          // The answer has one key per template id: 'accept', 'reject', 'ban' or 'filter'.
          success: (res) => resolve(templateIds.filter((id) => (res as unknown as Record<string, unknown>)[id] === 'accept')),
          fail: (err: unknown) => {
            console.warn('requestSubscribeMessage failed', errMsg(err));
            resolve([]);
          },
        });
      } catch (err) {
        console.warn('requestSubscribeMessage threw', err);
        resolve([]);
      }
    });
  },

  openConfirmReceipt(transactionId) {
    const wx = (globalThis as { wx?: BusinessView }).wx;
    return new Promise((resolve) => {
      if (!wx?.openBusinessView) return resolve('failed');
      wx.openBusinessView({
        businessType: 'weappOrderConfirm',
        extraData: { transaction_id: transactionId },
        success: () => resolve('confirmed'),
        fail: (err) => resolve(/cancel/.test(errMsg(err)) ? 'cancelled' : 'failed'),
      });
    });
  },
};
