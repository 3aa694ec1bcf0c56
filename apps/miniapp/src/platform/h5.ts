// H5 development build: the offline WeChat sandbox stands in for wx.login and the cashier.
import { createClient } from '@/api/request';
import { uniTransport } from '@/api/transport';
import { readJson, writeJson, STORAGE_KEYS } from '@/utils/storage';
import type { Platform } from './types';

/** Where the browser goes for the sandbox's pages (user chooser, cashier). */
export const SANDBOX_URL = (import.meta.env.VITE_SANDBOX_URL || 'http://127.0.0.1:3100').replace(/\/+$/, '');
export const DEFAULT_TEST_USER = 'alice';

// The sandbox's JSON calls go to our own origin: the dev server and `preview:h5` forward /__sandbox to it
// (the sandbox answers no CORS preflight, and needs none this way).
const sandbox = createClient({
  baseUrl: '',
  transport: uniTransport,
  toast: (title) => uni.showToast({ title, icon: 'none' }),
});

/** Reads a query parameter of the current address and removes it, so a reload does not reuse it. */
function takeQueryParam(name: string): string | undefined {
  const url = new URL(window.location.href);
  const value = url.searchParams.get(name);
  if (value === null) return undefined;
  url.searchParams.delete(name);
  window.history.replaceState(window.history.state, '', url.toString());
  return value || undefined;
}

/** The sandbox's own "choose a test user" page, which comes back here with `?code=…`. */
function goToSandboxLogin(): void {
  const here = new URL(window.location.href);
  here.searchParams.delete('code');
  window.location.assign(`${SANDBOX_URL}/__sandbox/login?redirect=${encodeURIComponent(here.toString())}`);
}

/** A promise for a page that is being left: nothing after it should run. */
function leaving<T>(): Promise<T> {
  return new Promise<T>(() => undefined);
}

export const h5: Platform = {
  name: 'h5',
  // Same origin by default: the dev server (and `pnpm preview:h5`) forward /api to the API.
  apiBase: import.meta.env.VITE_API_BASE ?? '',
  addressSource: 'form',

  async loginCode() {
    // Back from the sandbox's user chooser.
    const code = takeQueryParam('code');
    if (code) return code;

    // `?user=bob` picks (and remembers) another test user; otherwise the last one, or alice.
    const asked = takeQueryParam('user');
    if (asked) writeJson(STORAGE_KEYS.testUser, asked);
    const user = asked ?? readJson<string>(STORAGE_KEYS.testUser) ?? DEFAULT_TEST_USER;
    try {
      const res = await sandbox.post<{ code: string; openid: string }>(
        '/__sandbox/login-code',
        { user },
        { auth: 'none', toast: false },
      );
      return res.code;
    } catch (err) {
      // No /__sandbox proxy in front of this page: the sandbox's chooser page works by navigation.
      console.warn('sandbox login-code failed, using the sandbox login page', err);
      goToSandboxLogin();
      return leaving<string>();
    }
  },

  chooseAddress() {
    return Promise.reject(new Error('H5 takes the address from the form'));
  },

  pay(orderId, params) {
    const back = new URL(`${import.meta.env.BASE_URL || '/'}pages/pay/result`, window.location.origin);
    back.searchParams.set('id', orderId);
    const query = new URLSearchParams({
      prepay_id: params.package.replace(/^prepay_id=/, ''),
      appId: params.appId,
      timeStamp: params.timeStamp,
      nonceStr: params.nonceStr,
      package: params.package,
      signType: params.signType,
      paySign: params.paySign,
      redirect: back.toString(),
    });
    window.location.assign(`${SANDBOX_URL}/__sandbox/cashier?${query.toString()}`);
    return leaving();
  },

  switchTestUser() {
    goToSandboxLogin();
  },

  loginRequested() {
    const params = new URL(window.location.href).searchParams;
    return params.has('code') || params.has('user');
  },

  requestSubscribe(templateIds, openid) {
    if (templateIds.length === 0) return Promise.resolve([]);
    // WeChat's own dialog, played by a modal: on allow the sandbox grants one message per template, as WeChat
    // does when the shopper taps 允许.
    return new Promise<string[]>((resolve) => {
      uni.showModal({
        title: '订阅消息',
        content: '允许小店在订单支付成功、发货和退款时给你发送一次通知？',
        confirmText: '允许',
        cancelText: '拒绝',
        success: (res) => {
          if (!res.confirm) return resolve([]);
          const user = openid ?? readJson<string>(STORAGE_KEYS.testUser) ?? DEFAULT_TEST_USER;
          sandbox
            .post('/__sandbox/subscribe', { openid: user, templateIds }, { auth: 'none', toast: false })
            .then(() => resolve(templateIds))
            .catch((err: unknown) => {
              console.warn('sandbox subscribe failed', err);
              resolve([]);
            });
        },
        fail: () => resolve([]),
      });
    });
  },
};
