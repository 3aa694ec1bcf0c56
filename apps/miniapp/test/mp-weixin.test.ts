// @vitest-environment jsdom
// The mp-weixin build itself: its output (pages, no admin, size) and its pages run by miniprogram-simulate
// with WeChat's own template compiler (wcc). Only WeChat is simulated: the global `wx` object, answering
// wx.request from the same in-memory API model as the store tests.
import { createRequire } from 'node:module';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeApi, PRODUCTS } from './fake-api';
import { appRoot, uniBuild } from './uni-build';
import { formatKiB, inspectMpWeixin, MAIN_PACKAGE_BUDGET } from '../scripts/build-output.mjs';

const require = createRequire(join(appRoot, 'package.json'));
const outDir = join(appRoot, 'dist/test/mp-weixin');

/** The parts of miniprogram-simulate / j-component used here. */
interface SimNode {
  dom: HTMLElement;
  instance: Record<string, unknown> & { onLoad?(q: Record<string, string>): void; onUnload?(): void };
  attach(parent: Element): void;
  detach(): void;
  querySelector(selector: string): SimNode | null;
  dispatchEvent(name: string, options?: Record<string, unknown>): void;
}
interface Simulate {
  load(path: string, options: { compiler: 'official' | 'simulate'; rootPath: string }): string;
  render(id: string, props?: Record<string, unknown>): SimNode;
  sleep(ms: number): Promise<void>;
}

type WxCall = { api: string; args: Record<string, unknown> };
const calls: WxCall[] = [];
const storage = new Map<string, unknown>();
let api: FakeApi;
let payOutcome: 'success' | 'cancel' = 'success';
let simulate: Simulate;
let app: { onLaunch?(o: unknown): void } | undefined;

function buildMpWeixin() {
  uniBuild('mp-weixin');
  // The app's package.json says "type": "module"; the build output is CommonJS, as WeChat runs it.
  writeFileSync(join(dirname(outDir), 'package.json'), '{ "type": "commonjs" }\n');
}

/** Records a wx.* call and answers through its callbacks. */
function stub(apiName: string, answer: (args: Record<string, unknown>) => { ok: boolean; res: Record<string, unknown> } | void) {
  return (opts: Record<string, unknown> = {}) => {
    const { success, fail, complete, ...args } = opts as Record<string, unknown> & {
      success?: (r: unknown) => void;
      fail?: (r: unknown) => void;
      complete?: (r: unknown) => void;
    };
    calls.push({ api: apiName, args });
    const out = answer(args) ?? { ok: true, res: { errMsg: `${apiName}:ok` } };
    setTimeout(() => {
      if (out.ok) success?.(out.res);
      else fail?.(out.res);
      complete?.(out.res);
    });
  };
}

function installWx() {
  const wx = (globalThis as unknown as { wx: Record<string, unknown> }).wx;
  Object.assign(wx, {
    login: stub('login', () => ({ ok: true, res: { code: `code-${calls.length}`, errMsg: 'login:ok' } })),
    request: (opts: Record<string, unknown> & { success?(r: unknown): void; fail?(r: unknown): void }) => {
      const req = {
        url: String(opts.url),
        method: String(opts.method ?? 'GET'),
        data: opts.data,
        header: (opts.header ?? {}) as Record<string, string>,
      };
      calls.push({ api: 'request', args: req });
      const answer = api.respond(req);
      setTimeout(() => {
        if (answer === 'network-error') opts.fail?.({ errMsg: 'request:fail' });
        else opts.success?.({ statusCode: answer.status, data: answer.data, header: {} });
      });
      return { abort() {} };
    },
    requestPayment: stub('requestPayment', () =>
      payOutcome === 'success'
        ? { ok: true, res: { errMsg: 'requestPayment:ok' } }
        : { ok: false, res: { errMsg: 'requestPayment:fail cancel' } },
    ),
    chooseAddress: stub('chooseAddress', () => ({
      ok: true,
      res: {
        errMsg: 'chooseAddress:ok',
        userName: '张三',
        telNumber: '020-81167888',
        provinceName: '广东省',
        cityName: '广州市',
        countyName: '海珠区',
        detailInfo: '新港中路397号',
        postalCode: '510000',
        nationalCode: '510000',
      },
    })),
    getStorageSync: (key: string) => (storage.has(key) ? storage.get(key) : ''),
    setStorageSync: (key: string, value: unknown) => void storage.set(key, value),
    removeStorageSync: (key: string) => void storage.delete(key),
    showToast: stub('showToast', () => undefined),
    showModal: stub('showModal', () => ({ ok: true, res: { confirm: true, cancel: false } })),
    redirectTo: stub('redirectTo', () => undefined),
    navigateTo: stub('navigateTo', () => undefined),
    switchTab: stub('switchTab', () => undefined),
    setTabBarBadge: stub('setTabBarBadge', () => undefined),
    removeTabBarBadge: stub('removeTabBarBadge', () => undefined),
    stopPullDownRefresh: stub('stopPullDownRefresh', () => undefined),
    setNavigationBarTitle: stub('setNavigationBarTitle', () => undefined),
  });
}

function called(apiName: string): WxCall[] {
  return calls.filter((c) => c.api === apiName);
}

async function until(what: string, cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}; wx calls: ${JSON.stringify(calls)}`);
    await simulate.sleep(20);
  }
}

/** An order of one product placed by user-1 holding `token`; returns its id. */
function seedOrder(token: string, productIndex: number): string {
  api.tokens.set(token, 'user-1');
  const res = api.respond({
    url: 'http://127.0.0.1:3000/api/orders',
    method: 'POST',
    data: { items: [{ productId: PRODUCTS[productIndex]!.id, quantity: 1 }] },
    header: { Authorization: `Bearer ${token}` },
  });
  if (res === 'network-error' || res.status !== 201) throw new Error('could not seed an order');
  return (res.data as { id: string }).id;
}

const mounted: SimNode[] = [];
function mountPage(page: string): SimNode {
  const id = simulate.load(join(outDir, page), { compiler: 'official', rootPath: outDir });
  const comp = simulate.render(id);
  comp.attach(document.createElement('parent-wrapper'));
  mounted.push(comp);
  return comp;
}

beforeAll(() => {
  buildMpWeixin();
  simulate = require('miniprogram-simulate') as Simulate;
  // App() and getApp() are WeChat's too; the uni runtime registers the app through them.
  const g = globalThis as unknown as Record<string, unknown>;
  g.App = (options: typeof app) => {
    app = options;
  };
  g.getApp = () => app;
  g.getCurrentPages = () => [];
  // uni-app registers pages through Component(); it only wraps Page, never calls it for our pages.
  g.Page = () => {
    throw new Error('Page() is not expected: uni-app pages are Components');
  };
  installWx();
  require(join(outDir, 'app.js'));
});

afterAll(() => {
  for (const m of mounted) m.detach();
});

beforeEach(() => {
  api = new FakeApi(PRODUCTS);
  payOutcome = 'success';
});

describe('mp-weixin build output', () => {
  it('lists the shopper pages in app.json and no admin page anywhere', () => {
    const { pages, files } = inspectMpWeixin(outDir);
    expect(pages).toEqual([
      'pages/index/index',
      'pages/product/detail',
      'pages/cart/index',
      'pages/checkout/index',
      'pages/pay/result',
      'pages/orders/index',
      'pages/orders/detail',
    ]);
    expect(pages.some((p) => p.includes('admin'))).toBe(false);
    expect(files.filter((f) => /admin/i.test(f))).toEqual([]);
    // Nor the H5-only code: the sandbox cashier and login, the admin API.
    const code = files.filter((f) => f.endsWith('.js')).map((f) => readFileSync(join(outDir, f), 'utf8')).join('\n');
    expect(code).not.toContain('__sandbox');
    expect(code).not.toContain('/api/admin/');
    expect(code).toContain('requestPayment');
  });

  it('keeps the main package under 1 MB', () => {
    const { mainBytes, totalBytes } = inspectMpWeixin(outDir);
    console.log(`mp-weixin main package: ${formatKiB(mainBytes)} (budget ${formatKiB(MAIN_PACKAGE_BUDGET)}, WeChat limit 2048 KiB); total ${formatKiB(totalBytes)}`);
    expect(mainBytes).toBeGreaterThan(10_000);
    expect(mainBytes).toBeLessThan(MAIN_PACKAGE_BUDGET);
  });

  it("passes WeChat's own compilers: wcc for every WXML file, wcsc for every WXSS file", () => {
    // miniprogram-compiler ships wcc/wcsc; it comes with miniprogram-simulate.
    const compiler = createRequire(require.resolve('miniprogram-simulate'))('miniprogram-compiler') as {
      wxmlToJs(root: string): string;
      wxssToJs(root: string): string;
    };
    expect(compiler.wxmlToJs(outDir)).toContain('$gwx');
    const wxss = compiler.wxssToJs(outDir);
    expect(wxss).toContain('pages/checkout/index.wxss');
    expect(wxss).toContain('#07c160');
  });

  it('is a project WeChat DevTools can import', () => {
    const project = JSON.parse(readFileSync(join(outDir, 'project.config.json'), 'utf8')) as Record<string, unknown>;
    expect(project.appid).toBeTruthy();
    expect(existsSync(join(outDir, 'app.js'))).toBe(true);
    expect(existsSync(join(outDir, 'pages/checkout/index.wxml'))).toBe(true);
  });
});

describe('mp-weixin pages in miniprogram-simulate', () => {
  it('logs in at launch with wx.login and POST /api/auth/login', async () => {
    calls.length = 0;
    app!.onLaunch!({ path: 'pages/index/index', query: {}, scene: 1001 });
    await until('the login request', () => called('request').length > 0);
    expect(called('login')).toHaveLength(1);
    const login = called('request')[0]!.args as { url: string; method: string; data: { code: string } };
    expect(login).toMatchObject({ url: 'http://127.0.0.1:3000/api/auth/login', method: 'POST' });
    expect(login.data.code).toMatch(/^code-/);
    await until('the token is stored', () => storage.has('xd.session'));
  });

  it('checkout takes the address from wx.chooseAddress and pays with exactly the API parameters', async () => {
    // The cart as the product pages leave it on the device.
    storage.set(
      'xd.cart',
      JSON.stringify([
        { productId: PRODUCTS[0]!.id, name: PRODUCTS[0]!.name, priceFen: 4990, stock: 3, quantity: 2 },
        { productId: PRODUCTS[1]!.id, name: PRODUCTS[1]!.name, priceFen: 12900, stock: 10, quantity: 1 },
      ]),
    );
    calls.length = 0;
    const page = mountPage('pages/checkout/index');
    await until('the checkout to render', () => page.dom.textContent!.includes('提交订单并支付'));
    expect(page.dom.textContent).toContain('¥228.80');

    page.querySelector('#xd-choose-address')!.dispatchEvent('tap');
    await until('the chosen address', () => page.dom.textContent!.includes('新港中路397号'));

    page.querySelector('#xd-submit-order')!.dispatchEvent('tap');
    await until('the cashier', () => called('requestPayment').length > 0);

    const create = called('request').find((c) => c.args.method === 'POST' && String(c.args.url).endsWith('/api/orders'))!;
    expect(create.args.data).toEqual({
      items: [
        { productId: PRODUCTS[0]!.id, quantity: 2 },
        { productId: PRODUCTS[1]!.id, quantity: 1 },
      ],
      address: {
        name: '张三',
        phone: '020-81167888',
        province: '广东省',
        city: '广州市',
        district: '海珠区',
        detail: '新港中路397号',
        postalCode: '510000',
      },
    });
    expect((create.args.header as Record<string, string>).Authorization).toMatch(/^Bearer token-/);

    const order = [...api.orders.values()][0]!;
    const payment = called('requestPayment');
    expect(payment).toHaveLength(1);
    const { provider, ...params } = payment[0]!.args;
    expect(provider).toBe('wxpay');
    expect(params).toEqual({
      timeStamp: '1700000000',
      nonceStr: `nonce${order.id}`,
      package: `prepay_id=wx${order.id}`,
      signType: 'RSA',
      paySign: `sig-${order.id}==`,
    });

    await until('the result page', () => called('redirectTo').length > 0);
    expect(called('redirectTo')[0]!.args.url).toBe(`/pages/pay/result?id=${order.id}&result=success`);
  });

  it('the result page shows "not paid" after a cancel and offers to pay again', async () => {
    const id = seedOrder('token-cancel', 1);

    calls.length = 0;
    const page = mountPage('pages/pay/result');
    page.instance.onLoad!({ id, result: 'cancel' });
    await until('the answer', () => page.dom.textContent!.includes('未支付'));
    expect(page.dom.textContent).not.toContain('支付成功');
    const poll = called('request').find((c) => String(c.args.url).includes(`/api/orders/${id}`))!;
    expect(poll.args.url).toBe(`http://127.0.0.1:3000/api/orders/${id}?sync=1`);

    // Pay again: a new cashier with the API's parameters.
    page.querySelector('#xd-pay-again')!.dispatchEvent('tap');
    await until('the second cashier', () => called('requestPayment').length === 1);
    expect(called('requestPayment')[0]!.args).toMatchObject({ signType: 'RSA', package: `prepay_id=wx${id}` });
  });

  it('the result page says paid only when the API says PAID', async () => {
    // The app still holds the token of the previous test's API, unknown to this one: the first poll is
    // answered 401 and the app logs in again by itself.
    const id = seedOrder('token-paid', 0);

    calls.length = 0;
    const page = mountPage('pages/pay/result');
    page.instance.onLoad!({ id, result: 'success' });
    await until('a first poll', () => called('request').some((c) => String(c.args.url).includes('sync=1')));
    await until('the re-login', () => called('login').length === 1);
    expect(page.dom.textContent).toContain('正在确认支付结果');
    api.setStatus(id, 'PAID');
    await until('paid', () => page.dom.textContent!.includes('支付成功'), 8000);
    expect(page.dom.textContent).toContain('¥49.90');
  });
});
