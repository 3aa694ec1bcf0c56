// @vitest-environment jsdom
// The mp-weixin build itself: its output (pages, no admin, size) and its pages run by miniprogram-simulate
// with WeChat's own template compiler (wcc). Only WeChat is simulated: the global `wx` object, answering
// wx.request from the same in-memory API model as the store tests.
import { createRequire } from 'node:module';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ShopperOrder } from '../src/api/orders';
import { CATEGORIES, FakeApi, PRODUCTS, SHIRT } from './fake-api';
import { appRoot, uniBuild } from './uni-build';
import { formatKiB, inspectMpWeixin, MAIN_PACKAGE_BUDGET } from '../scripts/build-output.mjs';

const require = createRequire(join(appRoot, 'package.json'));
const outDir = join(appRoot, 'dist/test/mp-weixin');
/** The tab bar's icons (src/static/tabbar, rendered from icons/tabbar/*.svg by scripts/render-tabbar-icons.mjs). */
const TAB_BAR_ICONS = ['home', 'home-active', 'cart', 'cart-active', 'orders', 'orders-active'];

/** The parts of miniprogram-simulate / j-component used here. */
interface SimNode {
  dom: HTMLElement;
  instance: Record<string, unknown> & { onLoad?(q: Record<string, string>): void; onUnload?(): void };
  attach(parent: Element): void;
  detach(): void;
  querySelector(selector: string): SimNode | null;
  querySelectorAll(selector: string): SimNode[];
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
/** What WeChat's subscribe dialog answers: every template allowed, or a failure (no TAP gesture, say). */
let subscribeOutcome: 'accept' | 'fail' = 'accept';
/** What happens when WeChat's confirm-receipt UI opens (the test moves the API as WeChat's push would). */
let onBusinessView: (args: Record<string, unknown>) => void = () => undefined;
/** The province of the address wx.chooseAddress answers. */
let addressProvince = '广东省';
/** WeChat's privacy check: whether the shopper has agreed to the privacy guide (tests not about it start agreed). */
let privacyAgreed = true;
type PrivacyAnswer = { event: 'agree'; buttonId: string } | { event: 'disagree' };
/** The app's wx.onNeedPrivacyAuthorization listener, and how often one was registered. */
let privacyListener: ((resolve: (answer: PrivacyAnswer) => void, eventInfo: { referrer: string }) => void) | undefined;
let privacyRegistrations = 0;
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

/**
 * A privacy API as WeChat runs it with `__usePrivacyCheck__`: until the shopper agrees, the call waits for the
 * app's onNeedPrivacyAuthorization listener to resolve; 'agree' lets it go on, 'disagree' (or no listener) fails it.
 */
function privacyChecked(apiName: string, call: (opts?: Record<string, unknown>) => void) {
  return (opts: Record<string, unknown> & { fail?(r: unknown): void } = {}) => {
    if (privacyAgreed) return call(opts);
    const refuse = () => setTimeout(() => opts.fail?.({ errMsg: `${apiName}:fail privacy permission is not authorized` }));
    if (!privacyListener) return refuse();
    privacyListener(
      (answer) => {
        calls.push({ api: 'privacyResolve', args: answer });
        if (answer.event !== 'agree') return refuse();
        privacyAgreed = true;
        call(opts);
      },
      { referrer: apiName },
    );
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
    onNeedPrivacyAuthorization: (listener: typeof privacyListener) => {
      privacyListener = listener;
      privacyRegistrations += 1;
    },
    openPrivacyContract: stub('openPrivacyContract', () => undefined),
    chooseAddress: privacyChecked('chooseAddress', stub('chooseAddress', () => ({
      ok: true,
      res: {
        errMsg: 'chooseAddress:ok',
        userName: '张三',
        telNumber: '020-81167888',
        provinceName: addressProvince,
        cityName: '广州市',
        countyName: '海珠区',
        detailInfo: '新港中路397号',
        postalCode: '510000',
        nationalCode: '510000',
      },
    }))),
    requestSubscribeMessage: stub('requestSubscribeMessage', (args) =>
      subscribeOutcome === 'accept'
        ? { ok: true, res: { errMsg: 'requestSubscribeMessage:ok', ...Object.fromEntries((args.tmplIds as string[]).map((id) => [id, 'accept'])) } }
        : { ok: false, res: { errMsg: 'requestSubscribeMessage:fail can only be invoked by user TAP gesture.' } },
    ),
    openBusinessView: stub('openBusinessView', (args) => {
      onBusinessView(args);
      return { ok: true, res: { errMsg: 'openBusinessView:ok' } };
    }),
    setClipboardData: stub('setClipboardData', () => undefined),
    chooseImage: privacyChecked('chooseImage', stub('chooseImage', () => ({ ok: true, res: { errMsg: 'chooseImage:ok', tempFilePaths: ['wxfile://tmp/crack.jpg'], tempFiles: [{ path: 'wxfile://tmp/crack.jpg', size: 1000 }] } }))),
    uploadFile: (opts: Record<string, unknown> & { success?(r: unknown): void; fail?(r: unknown): void }) => {
      const header = (opts.header ?? {}) as Record<string, string>;
      calls.push({ api: 'uploadFile', args: { url: opts.url, filePath: opts.filePath, name: opts.name, header } });
      const answer = api.upload(String(opts.filePath), header.Authorization?.replace(/^Bearer /, ''));
      setTimeout(() => {
        if (answer === 'network-error') opts.fail?.({ errMsg: 'uploadFile:fail' });
        else opts.success?.({ statusCode: answer.status, data: JSON.stringify(answer.data), errMsg: 'uploadFile:ok' });
      });
      return { abort() {}, onProgressUpdate() {} };
    },
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
    previewImage: stub('previewImage', () => undefined),
    makePhoneCall: stub('makePhoneCall', () => undefined),
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

/** A cart stored before products had SKUs: its lines order their product's one SKU without naming it. */
const CART_OF_TWO = JSON.stringify([
  { productId: PRODUCTS[0]!.id, name: PRODUCTS[0]!.name, priceFen: 4990, stock: 3, quantity: 2 },
  { productId: PRODUCTS[1]!.id, name: PRODUCTS[1]!.name, priceFen: 12900, stock: 10, quantity: 1 },
]);

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
  api = new FakeApi(PRODUCTS, CATEGORIES);
  payOutcome = 'success';
  subscribeOutcome = 'accept';
  onBusinessView = () => undefined;
  addressProvince = '广东省';
  privacyAgreed = true;
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
    // The after-sale pages and the owner's binding page are subpackages, out of the main package.
    expect(inspectMpWeixin(outDir).subpackageRoots).toEqual(['pages/after-sale/', 'pages/me/', 'pages/store/']);
    expect(existsSync(join(outDir, 'pages/after-sale/apply.js'))).toBe(true);
    expect(files.filter((f) => /admin/i.test(f))).toEqual([]);
    // Nor the H5-only code: the sandbox cashier and login, the admin API.
    const code = files.filter((f) => f.endsWith('.js')).map((f) => readFileSync(join(outDir, f), 'utf8')).join('\n');
    expect(code).not.toContain('__sandbox');
    expect(code).not.toContain('/api/admin/');
    expect(code).toContain('requestPayment');
  });

  it('keeps the main package under 300 KB (images are served by the API; only the tab bar icons are bundled)', () => {
    const { mainBytes, totalBytes } = inspectMpWeixin(outDir);
    console.log(`mp-weixin main package: ${formatKiB(mainBytes)} (budget ${formatKiB(MAIN_PACKAGE_BUDGET)}, WeChat limit 2048 KiB); total ${formatKiB(totalBytes)}`);
    expect(mainBytes).toBeGreaterThan(10_000);
    expect(mainBytes).toBeLessThan(MAIN_PACKAGE_BUDGET);
    expect(MAIN_PACKAGE_BUDGET).toBe(300 * 1024);
    const { files } = inspectMpWeixin(outDir);
    // WeChat's tabBar takes only local image files, so its six icons are the one exception.
    const images = files.filter((f) => /\.(png|jpe?g|webp|gif|svg|bmp)$/i.test(f)).sort();
    expect(images).toEqual(TAB_BAR_ICONS.map((name) => `static/tabbar/${name}.png`).sort());
    for (const image of images) expect(statSync(join(outDir, image)).size).toBeLessThanOrEqual(40 * 1024);
    // Nor zod: the client validates nothing, and one value taken from a shared module that builds schemas at
    // load (schemas.ts, after-sale.ts) brings them all and zod (~100 kB).
    const code = files.filter((f) => f.endsWith('.js')).map((f) => readFileSync(join(outDir, f), 'utf8')).join('\n');
    expect(code).not.toContain('_zod');
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

  it('has a tab bar whose every item has its icon and selected icon as 81 × 81 PNGs in the package', () => {
    const app = JSON.parse(readFileSync(join(outDir, 'app.json'), 'utf8')) as {
      tabBar: { list: { pagePath: string; text: string; iconPath?: string; selectedIconPath?: string }[] };
    };
    const items = app.tabBar.list;
    expect(items.map((i) => i.text)).toEqual(['商品', '购物车', '我的订单']);
    const paths = items.flatMap((i) => [i.iconPath, i.selectedIconPath]);
    expect(new Set(paths).size).toBe(6);
    for (const path of paths) {
      expect(path).toMatch(/^static\/tabbar\/[a-z-]+\.png$/);
      const png = readFileSync(join(outDir, path!));
      // The PNG signature, then the IHDR chunk's width and height (WeChat recommends 81 × 81).
      expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([81, 81]);
    }
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

  // These two come first among the checkout tests: the cart is read from storage once, by the first page using it.
  it("checkout shows WeChat's privacy guide when WeChat asks before chooseAddress, and 同意 lets the address through", async () => {
    expect(JSON.parse(readFileSync(join(outDir, 'app.json'), 'utf8'))).toMatchObject({ __usePrivacyCheck__: true });
    if (!privacyListener) app!.onLaunch!({ path: 'pages/index/index', query: {}, scene: 1001 });
    expect(privacyRegistrations).toBe(1);
    privacyAgreed = false;
    storage.set('xd.cart', CART_OF_TWO);
    calls.length = 0;
    const page = mountPage('pages/checkout/index');
    await until('the checkout to render', () => page.dom.textContent!.includes('提交订单并支付'));
    expect(byClass(page, 'xd-privacy-popup')).toEqual([]);

    page.querySelector('#xd-choose-address')!.dispatchEvent('tap');
    await until('the privacy popup', () => byClass(page, 'xd-privacy-popup').length === 1);
    expect(byClass(page, 'xd-privacy-popup')[0]!.textContent).toContain('《小店隐私保护指引》');
    expect(called('chooseAddress')).toEqual([]);
    tap(byClass(page, 'xd-privacy-contract')[0]!);
    await until('the privacy contract', () => called('openPrivacyContract').length === 1);

    fire(byClass(page, 'xd-privacy-agree')[0]!, 'agreeprivacyauthorization');
    await until('the address', () => page.dom.textContent!.includes('新港中路397号'));
    expect(called('privacyResolve').map((c) => c.args)).toEqual([{ event: 'agree', buttonId: 'xd-privacy-agree' }]);
    expect(called('chooseAddress')).toHaveLength(1);
    expect(byClass(page, 'xd-privacy-popup')).toEqual([]);
  });

  it('拒绝 on the privacy guide resolves disagree: the popup closes and no address is taken', async () => {
    if (!privacyListener) app!.onLaunch!({ path: 'pages/index/index', query: {}, scene: 1001 });
    privacyAgreed = false;
    storage.set('xd.cart', CART_OF_TWO);
    calls.length = 0;
    const page = mountPage('pages/checkout/index');
    await until('the checkout to render', () => page.dom.textContent!.includes('提交订单并支付'));
    page.querySelector('#xd-choose-address')!.dispatchEvent('tap');
    await until('the privacy popup', () => byClass(page, 'xd-privacy-popup').length === 1);
    tap(byClass(page, 'xd-privacy-disagree')[0]!);
    await until('the popup to close', () => byClass(page, 'xd-privacy-popup').length === 0);
    expect(called('privacyResolve').map((c) => c.args)).toEqual([{ event: 'disagree' }]);
    await simulate.sleep(50);
    expect(called('chooseAddress')).toEqual([]);
    expect(page.dom.textContent).not.toContain('新港中路397号');
    await until('the toast', () => called('showToast').length > 0);
    expect(called('showToast').map((c) => c.args.title)).toEqual(['同意隐私保护指引后才能选择收货地址']);
  });

  it('checkout takes the address from wx.chooseAddress and pays with exactly the API parameters', async () => {
    // CART_OF_TWO: two lines stored before products had SKUs (the cart store read it at the privacy tests above).
    storage.set('xd.cart', CART_OF_TWO);
    calls.length = 0;
    // The shop charges ¥8.00 below ¥300.00 and does not deliver to Tibet: only the API's quote says so.
    api.shipping = { feeFen: 800, freeAboveFen: 30000, undeliverable: ['西藏自治区'] };
    const page = mountPage('pages/checkout/index');
    await until('the checkout to render', () => page.dom.textContent!.includes('提交订单并支付'));
    expect(page.dom.textContent).toContain('¥228.80');
    expect(page.querySelector('#xd-checkout-fee')!.dom.textContent!.trim()).toBe('选择收货地址后计算');

    addressProvince = '西藏自治区';
    page.querySelector('#xd-choose-address')!.dispatchEvent('tap');
    await until('the refusal', () => page.dom.textContent!.includes('该地区暂不配送（西藏自治区）'));
    page.querySelector('#xd-submit-order')!.dispatchEvent('tap');
    await simulate.sleep(50);
    expect(called('request').filter((c) => String(c.args.url).endsWith('/api/orders'))).toHaveLength(0);

    addressProvince = '广东省';
    page.querySelector('#xd-choose-address')!.dispatchEvent('tap');
    await until('the fee', () => page.querySelector('#xd-checkout-fee')!.dom.textContent!.trim() === '¥8.00');
    expect(page.querySelector('#xd-checkout-items')!.dom.textContent!.trim()).toBe('¥228.80');
    expect(page.querySelector('#xd-checkout-total')!.dom.textContent!.trim()).toBe('¥236.80');
    expect(page.dom.textContent).not.toContain('该地区暂不配送');
    const quote = called('request').filter((c) => String(c.args.url).endsWith('/api/orders/quote')).at(-1)!;
    expect(quote.args.data).not.toHaveProperty('shippingFeeFen');

    page.querySelector('#xd-order-note')!.dispatchEvent('input', { detail: { value: ' 请放门卫 ' } });
    await until('the counter', () => page.querySelector('#xd-order-note-count')!.dom.textContent!.trim() === '6/200');

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
      note: '请放门卫',
    });
    expect([...api.orders.values()][0]).toMatchObject({ itemsFen: 22880, shippingFeeFen: 800, totalFen: 23680, buyerNote: '请放门卫' });
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

  it('the home page shows category tabs, lists a category and searches by name', async () => {
    calls.length = 0;
    const page = mountPage('pages/index/index');
    page.instance.onLoad!({});
    await until('the tabs', () => byClass(page, 'xd-category-tab').length === 3);
    expect(byClass(page, 'xd-category-tab').map((t) => t.textContent!.trim())).toEqual(['全部', '咖啡', '服饰']);
    expect(activeTab(page)).toBe('全部');
    await until('the list', () => byClass(page, 'xd-product').length === 4);
    // The lowest SKU price with 起, 已售罄, and thumbnails loaded from the API (nothing bundled).
    expect(cardText(page, SHIRT.id)).toContain('¥39.00 起');
    expect(cardText(page, PRODUCTS[0]!.id)).toContain('¥49.90');
    expect(cardText(page, PRODUCTS[0]!.id)).not.toContain('起');
    expect(cardText(page, PRODUCTS[2]!.id)).toContain('已售罄');
    expect(byClass(page, 'xd-thumb').map((i) => i.getAttribute('data-src'))).toEqual([
      'http://127.0.0.1:3000/api/images/coffee/thumb',
      'http://127.0.0.1:3000/api/images/shirt1/thumb',
    ]);

    tap(byClass(page, 'xd-category-tab')[2]!);
    await until('the 服饰 tab', () => byClass(page, 'xd-product').length === 1 && activeTab(page) === '服饰');
    expect(cardText(page, SHIRT.id)).toContain('纯棉 T 恤');
    expect(lastRequest('/api/products?')).toBe(`http://127.0.0.1:3000/api/products?categoryId=${CATEGORIES[1]!.id}&page=1&pageSize=20`);

    tap(byClass(page, 'xd-category-tab')[0]!);
    await until('全部 again', () => byClass(page, 'xd-product').length === 4 && activeTab(page) === '全部');
    page.querySelector('.search-input')!.dispatchEvent('input', { detail: { value: '杯' } });
    await simulate.sleep(50);
    page.querySelector('#xd-search-submit')!.dispatchEvent('tap');
    await until('the search', () => byClass(page, 'xd-product').length === 2);
    expect(byClass(page, 'xd-product-name').map((n) => n.textContent)).toEqual(['手冲滤杯', '限量马克杯']);
    expect(lastRequest('/api/products?')).toBe(`http://127.0.0.1:3000/api/products?q=${encodeURIComponent('杯')}&page=1&pageSize=20`);
    expect(byClass(page, 'more')[0]!.getAttribute('data-state')).toBe('end');
  });

  it('the spec picker: sold-out values cannot be chosen, price, stock and image follow the choice, the cart gets the SKU', async () => {
    calls.length = 0;
    const page = mountPage('pages/product/detail');
    page.instance.onLoad!({ id: SHIRT.id });
    await until('the product', () => byClass(page, 'xd-spec-row').length === 1);
    expect(byClass(page, 'xd-product-price')[0]!.textContent!.trim()).toBe('¥39.00 起');
    expect(byClass(page, 'xd-spec-row')[0]!.textContent).toContain('选择 颜色 尺寸');
    // The gallery: the medium size, from the API.
    expect(byClass(page, 'xd-gallery-image').map((i) => i.getAttribute('data-src'))).toEqual([
      'http://127.0.0.1:3000/api/images/shirt1/medium',
      'http://127.0.0.1:3000/api/images/shirt2/medium',
    ]);

    page.querySelector('#xd-add-to-cart')!.dispatchEvent('tap');
    await until('the sheet', () => byClass(page, 'xd-spec-value').length === 5);
    // M is sold out in both colours. Nothing chosen yet: the range of prices, every unit in stock, no button.
    expect(valueStates(page)).toEqual({ '颜色:红色': 'available', '颜色:蓝色': 'available', '尺寸:S': 'available', '尺寸:M': 'disabled', '尺寸:L': 'available' });
    expect(sheetText(page, 'xd-spec-price')).toBe('¥39.00 - ¥59.00');
    expect(sheetText(page, 'xd-spec-stock')).toBe('库存 9 件');
    expect(sheetText(page, 'xd-spec-missing')).toBe('请选择 颜色 尺寸');
    expect(byClass(page, 'xd-spec-confirm')[0]!.getAttribute('data-ready')).toBe('0');

    tapValue(page, '颜色', '蓝色');
    await until('blue chosen', () => valueStates(page)['颜色:蓝色'] === 'selected');
    expect(valueStates(page)).toMatchObject({ '尺寸:S': 'disabled', '尺寸:M': 'disabled', '尺寸:L': 'available' });
    expect(byClass(page, 'xd-spec-image')[0]!.getAttribute('data-src')).toBe('/api/images/blueshirt/medium');
    expect(sheetText(page, 'xd-spec-price')).toBe('¥39.00 - ¥59.00');
    expect(sheetText(page, 'xd-spec-stock')).toBe('库存 3 件');
    // A tap on a value that leads only to sold-out SKUs changes nothing.
    tapValue(page, '尺寸', 'S');
    await simulate.sleep(100);
    expect(valueStates(page)['尺寸:S']).toBe('disabled');
    expect(sheetText(page, 'xd-spec-missing')).toBe('请选择 尺寸');

    tapValue(page, '颜色', '红色');
    await until('red chosen', () => valueStates(page)['颜色:红色'] === 'selected');
    tapValue(page, '尺寸', 'L');
    await until('red L chosen', () => valueStates(page)['尺寸:L'] === 'selected');
    expect(sheetText(page, 'xd-spec-price')).toBe('¥45.00');
    expect(sheetText(page, 'xd-spec-stock')).toBe('库存 4 件');
    expect(sheetText(page, 'xd-spec-chosen')).toBe('已选 红色 / L');
    expect(byClass(page, 'xd-spec-image')[0]!.getAttribute('data-src')).toBe('/api/images/redshirt/medium');
    expect(byClass(page, 'xd-spec-confirm')[0]!.getAttribute('data-ready')).toBe('1');

    // The stepper stops at the SKU's stock (4), however often + is tapped.
    for (let i = 0; i < 5; i++) {
      tap(byClass(page, 'xd-qty-plus')[0]!);
      await simulate.sleep(40);
    }
    await until('4 pieces', () => byClass(page, 'xd-qty-value')[0]!.textContent!.trim() === '4');
    await simulate.sleep(100);
    expect(byClass(page, 'xd-qty-value')[0]!.textContent!.trim()).toBe('4');
    expect(called('showToast').map((c) => c.args.title)).toContain('最多可买 4 件');
    tap(byClass(page, 'xd-spec-confirm')[0]!);
    await until('the sheet closes', () => byClass(page, 'xd-spec-value').length === 0);
    expect(called('showToast').at(-1)!.args.title).toBe('已加入购物车');
    expect(byClass(page, 'xd-spec-row')[0]!.textContent).toContain('已选 红色 / L');
    const stored = JSON.parse(String(storage.get('xd.cart'))) as unknown[];
    expect(stored).toEqual([
      expect.objectContaining({ productId: SHIRT.id, skuId: SHIRT.skus[2]!.id, specs: { 颜色: '红色', 尺寸: 'L' }, priceFen: 4500, stock: 4, quantity: 4 }),
    ]);

    // The same product in another colour is another line; the sheet reopens on the last choice.
    page.querySelector('#xd-add-to-cart')!.dispatchEvent('tap');
    await until('the sheet again', () => valueStates(page)['尺寸:L'] === 'selected');
    tapValue(page, '颜色', '蓝色');
    await until('blue L chosen', () => sheetText(page, 'xd-spec-chosen') === '已选 蓝色 / L');
    tap(byClass(page, 'xd-spec-confirm')[0]!);
    await until('two lines', () => (JSON.parse(String(storage.get('xd.cart'))) as unknown[]).length === 2);
  });

  it('立即购买 orders the chosen SKU alone and leaves the cart as it is', async () => {
    const blueL = SHIRT.skus[5]!;
    calls.length = 0;
    const page = mountPage('pages/product/detail');
    page.instance.onLoad!({ id: SHIRT.id });
    await until('the product', () => byClass(page, 'xd-spec-row').length === 1);
    page.querySelector('#xd-buy-now')!.dispatchEvent('tap');
    await until('the sheet', () => byClass(page, 'xd-spec-value').length === 5);
    expect(byClass(page, 'xd-spec-confirm').map((b) => b.getAttribute('data-action'))).toEqual(['buy']);
    tapValue(page, '颜色', '蓝色');
    await until('blue chosen', () => valueStates(page)['颜色:蓝色'] === 'selected');
    tapValue(page, '尺寸', 'L');
    await until('blue L chosen', () => sheetText(page, 'xd-spec-chosen') === '已选 蓝色 / L');
    tap(byClass(page, 'xd-spec-confirm')[0]!);
    await until('the checkout', () => called('navigateTo').length > 0);
    expect(called('navigateTo')[0]!.args.url).toBe('/pages/checkout/index?buy=1');

    const checkout = mountPage('pages/checkout/index');
    checkout.instance.onLoad!({ buy: '1' });
    await until('the one SKU', () => byClass(checkout, 'item-specs').length === 1);
    expect(byClass(checkout, 'item-specs')[0]!.textContent!.trim()).toBe('蓝色 / L');
    expect(checkout.dom.textContent).toContain('¥59.00');
    checkout.querySelector('#xd-choose-address')!.dispatchEvent('tap');
    await until('the address', () => checkout.dom.textContent!.includes('新港中路397号'));
    // The shop has no shipping fee here: the quote says 包邮.
    await until('the quote', () => checkout.querySelector('#xd-checkout-fee')!.dom.textContent!.trim() === '包邮');
    checkout.querySelector('#xd-submit-order')!.dispatchEvent('tap');
    await until('the cashier', () => called('requestPayment').length > 0);
    const create = called('request').find((c) => c.args.method === 'POST' && String(c.args.url).endsWith('/api/orders'))!;
    expect(create.args.data).not.toHaveProperty('note');
    expect((create.args.data as { items: unknown }).items).toEqual([{ productId: SHIRT.id, skuId: blueL.id, quantity: 1 }]);
    // The cart still holds what the spec picker put in it.
    expect((JSON.parse(String(storage.get('xd.cart'))) as unknown[]).length).toBe(2);
  });

  it('checkout orders the cart by SKU, and the order page shows the specs and images of the snapshot', async () => {
    // The cart as the spec picker left it: red L × 4, blue L × 1.
    const [redL, blueL] = [SHIRT.skus[2]!, SHIRT.skus[5]!];
    calls.length = 0;
    const checkout = mountPage('pages/checkout/index');
    await until('the checkout', () => checkout.dom.textContent!.includes('提交订单并支付'));
    expect(byClass(checkout, 'item-specs').map((e) => e.textContent!.trim())).toEqual(['红色 / L', '蓝色 / L']);
    expect(checkout.dom.textContent).toContain('¥239.00');
    checkout.querySelector('#xd-choose-address')!.dispatchEvent('tap');
    await until('the address', () => checkout.dom.textContent!.includes('新港中路397号'));
    checkout.querySelector('#xd-submit-order')!.dispatchEvent('tap');
    await until('the cashier', () => called('requestPayment').length > 0);
    const create = called('request').find((c) => c.args.method === 'POST' && String(c.args.url).endsWith('/api/orders'))!;
    expect((create.args.data as { items: unknown }).items).toEqual([
      { productId: SHIRT.id, skuId: redL.id, quantity: 4 },
      { productId: SHIRT.id, skuId: blueL.id, quantity: 1 },
    ]);
    expect(JSON.parse(String(storage.get('xd.cart')))).toEqual([]);

    const order = [...api.orders.values()][0]!;
    const detail = mountPage('pages/orders/detail');
    detail.instance.onLoad!({ id: order.id });
    await until('the order', () => byClass(detail, 'xd-order-item').length === 2);
    expect(byClass(detail, 'xd-order-item-specs').map((e) => e.textContent!.trim())).toEqual(['红色 / L', '蓝色 / L']);
    expect(byClass(detail, 'xd-thumb').map((i) => i.getAttribute('data-src'))).toEqual([
      'http://127.0.0.1:3000/api/images/redshirt/thumb',
      'http://127.0.0.1:3000/api/images/blueshirt/thumb',
    ]);
  });
});

describe('mp-weixin after the payment: receipt, after-sale, messages', () => {
  /** A paid order of 手冲滤杯 (¥129.00) for the token, shipped by 顺丰速运 when asked. */
  function shippedOrder(token: string, extra: Partial<ShopperOrder> = {}): ShopperOrder & { userId: string } {
    const id = seedOrder(token, 1);
    api.setStatus(id, 'PAID');
    api.ship(id, '顺丰速运', 'SF1234567890');
    const order = api.orders.get(id)!;
    Object.assign(order, extra);
    return order;
  }

  it('checkout asks for the three messages before the cashier (unset ones skipped) and pays even when WeChat refuses', async () => {
    api.templates = { paid: 'T-PAID', refunded: 'T-REFUNDED', ownerOrder: 'T-OWNER' };
    for (const outcome of ['accept', 'fail'] as const) {
      subscribeOutcome = outcome;
      // 立即购买 of a product without specs (the cart of the app under test is in memory since the first test).
      const product = mountPage('pages/product/detail');
      product.instance.onLoad!({ id: PRODUCTS[1]!.id });
      await until('the product', () => Boolean(product.querySelector('#xd-buy-now')));
      calls.length = 0;
      product.querySelector('#xd-buy-now')!.dispatchEvent('tap');
      await until('to the checkout', () => called('navigateTo').length === 1);
      calls.length = 0;
      const page = mountPage('pages/checkout/index');
      page.instance.onLoad!({ buy: '1' });
      await until('the templates', () => called('request').some((c) => String(c.args.url).endsWith('/api/subscribe-templates')));
      await until('the checkout', () => page.dom.textContent!.includes('提交订单并支付'));
      await simulate.sleep(50);
      page.querySelector('#xd-choose-address')!.dispatchEvent('tap');
      await until('the address', () => page.dom.textContent!.includes('新港中路397号'));
      page.querySelector('#xd-submit-order')!.dispatchEvent('tap');
      await until('the cashier', () => called('requestPayment').length === 1);
      expect(called('requestSubscribeMessage').map((c) => c.args.tmplIds)).toEqual([['T-PAID', 'T-REFUNDED']]);
      // The dialog comes first: WeChat allows it only from the tap, and two dialogs at once would collide.
      expect(calls.findIndex((c) => c.api === 'requestSubscribeMessage')).toBeLessThan(calls.findIndex((c) => c.api === 'requestPayment'));
    }
  });

  it('the order page: the short order number and the tracking number with copy buttons, the refunds, and the timeline in Chinese', async () => {
    const order = shippedOrder('token-detail', {
      refunds: [{ outRefundNo: 'R-1', amountFen: 1000, reason: '少发赠品', status: 'SUCCESS', createdAt: '2026-11-30T03:00:00.000Z', successAt: '2026-11-30T03:00:09.000Z' }],
      refundedFen: 1000,
    });
    calls.length = 0;
    const page = mountPage('pages/orders/detail');
    page.instance.onLoad!({ id: order.id });
    await until('the order', () => page.dom.textContent!.includes(order.orderNo!));
    const text = page.dom.textContent!;
    expect(text).not.toContain(order.outTradeNo);
    expect(text).not.toContain(order.id);
    expect(copyValue(page, 'order-no', 'xd-copy-text').textContent!.trim()).toBe(order.orderNo);
    tap(copyValue(page, 'order-no', 'xd-copy'));
    await until('the copy', () => called('setClipboardData').length === 1);
    expect(called('setClipboardData')[0]!.args.data).toBe(order.orderNo);

    expect(page.querySelector('#xd-shipment-company')!.dom.textContent!.trim()).toBe('顺丰速运');
    expect(copyValue(page, 'tracking', 'xd-copy-text').textContent!.trim()).toBe('SF1234567890');
    tap(copyValue(page, 'tracking', 'xd-copy'));
    await until('the second copy', () => called('setClipboardData').length === 2);
    expect(called('setClipboardData')[1]!.args.data).toBe('SF1234567890');

    const refunds = byClass(page, 'xd-order-refund');
    expect(refunds.map((r) => [r.getAttribute('data-out-refund-no'), r.getAttribute('data-status')])).toEqual([['R-1', 'SUCCESS']]);
    expect(refunds[0]!.textContent).toContain('¥10.00');
    expect(refunds[0]!.textContent).toContain('少发赠品');
    expect(refunds[0]!.textContent).toContain('已退款');
    const shipped = byClass(page, 'xd-timeline-step').find((s) => s.getAttribute('data-code') === 'SHIPPED')!;
    expect(shipped.textContent).toContain('已发货');
    expect(shipped.textContent).toContain('顺丰速运 SF1234567890');
    expect(shipped.textContent).toMatch(/\d\d-\d\d \d\d:\d\d/);

    // 申请售后 opens the form of this order.
    page.querySelector('#xd-apply-after-sale')!.dispatchEvent('tap');
    await until('the form', () => called('navigateTo').length === 1);
    expect(called('navigateTo')[0]!.args.url).toBe(`/pages/after-sale/apply?orderId=${order.id}`);
  });

  it('确认收货 asks first, then the API completes the order', async () => {
    const order = shippedOrder('token-confirm');
    calls.length = 0;
    const page = mountPage('pages/orders/detail');
    page.instance.onLoad!({ id: order.id });
    await until('the order', () => Boolean(page.querySelector('#xd-confirm-receipt')));
    page.querySelector('#xd-confirm-receipt')!.dispatchEvent('tap');
    await until('completed', () => page.querySelector('#xd-order-status')?.dom.textContent?.trim() === '已完成');
    expect(called('showModal')[0]!.args.title).toBe('确认收货');
    // (A login may come first: the app's token is from an earlier test's API.)
    expect(called('request').filter((c) => c.args.method === 'POST' && !String(c.args.url).endsWith('/api/auth/login')).map((c) => String(c.args.url))).toEqual([
      `http://127.0.0.1:3000/api/orders/${order.id}/confirm-receipt`,
    ]);
    expect(page.querySelector('#xd-confirm-receipt')).toBeFalsy();
    expect(called('showToast').map((c) => c.args.title)).toContain('已确认收货');
    const completed = byClass(page, 'xd-timeline-step').find((s) => s.getAttribute('data-code') === 'COMPLETED')!;
    expect(completed.textContent).toContain('你已确认收货');
  });

  it('the orders tabs: 全部 lists every order, 待付款 counts down, 待收货 offers 确认收货, a closed order says it expired', async () => {
    const pending = seedOrder('token-tabs', 0);
    const shipped = shippedOrder('token-tabs').id;
    const expired = seedOrder('token-tabs', 0);
    api.setStatus(expired, 'CLOSED');
    Object.assign(api.orders.get(expired)!, { closedReason: 'EXPIRED' });
    const page = mountPage('pages/orders/index');
    (page.instance as { onShow?(): void }).onShow?.();
    const cards = () => byClass(page, 'xd-order').map((c) => c.getAttribute('data-id'));
    await until('the orders', () => cards().length === 3);
    expect(api.listQueries.at(-1)).toEqual({ group: undefined, page: 1, pageSize: 20 });
    expect(byClass(page, 'xd-order-tab').map((t) => t.textContent!.trim())).toEqual(['全部', '待付款', '待发货', '待收货', '已完成', '售后']);
    expect(byClass(page, 'xd-pay-countdown')[0]!.textContent!.trim()).toMatch(/^剩余 \d\d:\d\d 自动关闭$/);
    expect(byClass(page, 'xd-order-closed-note').map((e) => e.textContent!.trim())).toEqual(['超时未支付，已关闭']);

    tap(page.querySelector('#xd-order-tab-toReceive')!.dom);
    await until('the 待收货 tab', () => cards().length === 1);
    expect(cards()).toEqual([shipped]);
    // Each tab is the API's group, not a filter of the first page on the phone.
    expect(api.listQueries.at(-1)).toEqual({ group: 'TO_RECEIVE', page: 1, pageSize: 20 });
    expect(byClass(page, 'xd-order-confirm')).toHaveLength(1);
    tap(page.querySelector('#xd-order-tab-pending')!.dom);
    await until('the 待付款 tab', () => cards()[0] === pending);
    expect(cards()).toEqual([pending]);
    tap(page.querySelector('#xd-order-tab-completed')!.dom);
    // Read from the API: the tab loads, then says it is empty.
    await until('the empty 已完成 tab', () => Boolean(page.dom.textContent?.includes('没有已完成的订单')));
    expect(cards()).toEqual([]);
    expect(api.listQueries.map((q) => q.group)).toEqual([undefined, 'TO_RECEIVE', 'PENDING_PAYMENT', 'COMPLETED']);
  });

  it('a tab pages through the API: 加载更多 adds its next page below, and an order of page 2 is there', async () => {
    const first = seedOrder('token-pages', 0);
    const base = api.orders.get(first)!;
    api.setStatus(first, 'COMPLETED');
    for (let n = 1; n <= 24; n++) api.orders.set(`bulk-${n}`, { ...structuredClone(base), id: `bulk-${n}`, status: n % 2 ? 'COMPLETED' : 'PAID' });
    const page = mountPage('pages/orders/index');
    (page.instance as { onShow?(): void }).onShow?.();
    const cards = () => byClass(page, 'xd-order').map((c) => c.getAttribute('data-id'));
    await until('the first page', () => cards().length === 20);
    tap(page.querySelector('#xd-order-tab-completed')!.dom);
    // 13 completed orders: one page; the oldest (seeded first) is among them.
    await until('the 已完成 tab', () => cards().length === 13);
    expect(cards().at(-1)).toBe(first);
    expect(page.querySelector('#xd-orders-more')).toBeFalsy();
    tap(page.querySelector('#xd-order-tab-all')!.dom);
    await until('全部 again', () => cards().length === 20);
    tap(page.querySelector('#xd-orders-more')!.dom);
    await until('the second page', () => cards().length === 25);
    expect(cards().at(-1)).toBe(first);
    expect(new Set(cards()).size).toBe(25);
    expect(page.querySelector('#xd-orders-more')).toBeFalsy();
    expect(api.listQueries.slice(-2)).toEqual([
      { group: undefined, page: 1, pageSize: 20 },
      { group: undefined, page: 2, pageSize: 20 },
    ]);
  });

  it('with WeChat trade management, 确认收货 opens WeChat’s confirm UI and waits for the API to say COMPLETED', async () => {
    const order = shippedOrder('token-wechat', { transactionId: '4200000001202611300042', confirmInWechat: true });
    onBusinessView = () => setTimeout(() => api.complete(order.id, 'WECHAT'), 300);
    calls.length = 0;
    const page = mountPage('pages/orders/detail');
    page.instance.onLoad!({ id: order.id });
    await until('the order', () => Boolean(page.querySelector('#xd-confirm-receipt')));
    page.querySelector('#xd-confirm-receipt')!.dispatchEvent('tap');
    await until('completed', () => page.querySelector('#xd-order-status')?.dom.textContent?.trim() === '已完成', 8000);
    expect(called('openBusinessView').map((c) => c.args)).toEqual([
      { businessType: 'weappOrderConfirm', extraData: { transaction_id: '4200000001202611300042' } },
    ]);
    expect(called('showModal')).toEqual([]);
    expect(called('request').some((c) => String(c.args.url).endsWith('/confirm-receipt'))).toBe(false);
    expect(byClass(page, 'xd-timeline-step').find((s) => s.getAttribute('data-code') === 'COMPLETED')!.textContent).toContain('已在微信中确认收货');
  });

  it('the after-sale form with a shipping fee: the whole amount by default; a partial amount taking some of the fee says 部分退款不含运费 before anything is sent', async () => {
    // ¥119 of items and a ¥10 fee, as the API reads the order.
    const order = shippedOrder('token-fee', { shippingFeeFen: 1000, refundableFen: 12900, partialRefundMaxFen: 11900 });
    calls.length = 0;
    const page = mountPage('pages/after-sale/apply');
    page.instance.onLoad!({ orderId: order.id });
    await until('the form', () => Boolean(page.querySelector('#xd-after-sale-fee-rule')));
    expect(page.querySelector('#xd-after-sale-max')!.dom.textContent!.trim()).toBe('¥129.00');
    expect(page.querySelector('#xd-after-sale-fee-rule')!.dom.textContent!.trim()).toBe('（含运费 ¥10.00；部分退款不含运费，最多 ¥119.00）');
    expect(page.querySelector('#xd-after-sale-fee-note')).toBeFalsy();

    page.querySelector('#xd-after-sale-amount')!.dispatchEvent('input', { detail: { value: '120' } });
    await until('the note', () => Boolean(page.querySelector('#xd-after-sale-fee-note')));
    expect(page.querySelector('#xd-after-sale-fee-note')!.dom.textContent!.trim()).toBe('部分退款不含运费，最多可退 ¥119.00；全额退款 ¥129.00 含运费');
    tap(byClass(page, 'xd-after-sale-reason')[0]!);
    await simulate.sleep(50);
    page.querySelector('#xd-after-sale-submit')!.dispatchEvent('tap');
    await until('the amount error', () => Boolean(page.querySelector('#xd-after-sale-amount-error')));
    expect(page.querySelector('#xd-after-sale-amount-error')!.dom.textContent!.trim()).toBe('部分退款不含运费，最多可退 ¥119.00；全额退款 ¥129.00 含运费');
    expect(called('request').some((c) => String(c.args.url).endsWith('/after-sales') && c.args.method === 'POST')).toBe(false);

    // The whole amount takes the fee with it.
    page.querySelector('#xd-after-sale-amount')!.dispatchEvent('input', { detail: { value: '129' } });
    await until('no note', () => !page.querySelector('#xd-after-sale-fee-note'));
    await simulate.sleep(50);
    page.querySelector('#xd-after-sale-submit')!.dispatchEvent('tap');
    await until('the progress page', () => called('redirectTo').length === 1);
    const post = called('request').find((c) => c.args.method === 'POST' && String(c.args.url).endsWith('/after-sales'))!;
    expect(post.args.data).toMatchObject({ type: 'REFUND_ONLY', amountFen: 12900 });
  });

  it('the after-sale form: 退货退款 of part of the order with a photo, then its progress; refusals in Chinese', async () => {
    const order = shippedOrder('token-form');
    calls.length = 0;
    const page = mountPage('pages/after-sale/apply');
    page.instance.onLoad!({ orderId: order.id });
    await until('the form', () => Boolean(page.querySelector('#xd-after-sale-max')));
    expect(page.querySelector('#xd-after-sale-max')!.dom.textContent!.trim()).toBe('¥129.00');
    expect(byClass(page, 'xd-after-sale-type').map((t) => [t.getAttribute('data-type'), t.getAttribute('data-state')])).toEqual([
      ['REFUND_ONLY', 'selected'],
      ['RETURN_REFUND', 'available'],
    ]);
    tap(byClass(page, 'xd-after-sale-type')[1]!);
    await until('退货退款', () => byClass(page, 'xd-after-sale-type')[1]!.getAttribute('data-state') === 'selected');

    // More than refundable: said at once, nothing sent.
    page.querySelector('#xd-after-sale-amount')!.dispatchEvent('input', { detail: { value: '500' } });
    tap(byClass(page, 'xd-after-sale-reason').find((r) => r.getAttribute('data-reason') === 'DAMAGED')!);
    await simulate.sleep(50);
    page.querySelector('#xd-after-sale-submit')!.dispatchEvent('tap');
    await until('the amount error', () => Boolean(page.querySelector('#xd-after-sale-amount-error')));
    expect(page.querySelector('#xd-after-sale-amount-error')!.dom.textContent!.trim()).toBe('最多可退 ¥129.00');
    expect(called('request').some((c) => String(c.args.url).endsWith('/after-sales') && c.args.method === 'POST')).toBe(false);

    page.querySelector('#xd-after-sale-amount')!.dispatchEvent('input', { detail: { value: '39.9' } });
    page.querySelector('#xd-after-sale-description')!.dispatchEvent('input', { detail: { value: '杯口有裂纹' } });
    tap(byClass(page, 'photo-add')[0]!);
    await until('the photo', () => byClass(page, 'xd-after-sale-photo').length === 1);
    expect(byClass(page, 'xd-after-sale-photo')[0]!.getAttribute('data-url')).toBe('/api/images/photo1');
    const upload = called('uploadFile')[0]!.args as { url: string; name: string; header: Record<string, string> };
    expect(upload).toMatchObject({ url: 'http://127.0.0.1:3000/api/images', name: 'file', filePath: 'wxfile://tmp/crack.jpg' });
    expect(upload.header.Authorization).toMatch(/^Bearer token-/);
    await simulate.sleep(50);
    page.querySelector('#xd-after-sale-submit')!.dispatchEvent('tap');
    await until('the progress page', () => called('redirectTo').length === 1);
    const created = [...api.afterSales.values()][0]!;
    const post = called('request').find((c) => c.args.method === 'POST' && String(c.args.url).endsWith('/after-sales'))!;
    expect(post.args.data).toEqual({ type: 'RETURN_REFUND', amountFen: 3990, reason: 'DAMAGED', description: '杯口有裂纹', images: ['/api/images/photo1'] });
    expect(called('redirectTo')[0]!.args.url).toBe(`/pages/after-sale/progress?orderId=${order.id}&id=${created.id}`);

    // A second request while this one is open: the API's AFTER_SALE_OPEN, in Chinese.
    const again = mountPage('pages/after-sale/apply');
    again.instance.onLoad!({ orderId: order.id });
    await until('the form again', () => Boolean(again.querySelector('#xd-after-sale-max')));
    tap(byClass(again, 'xd-after-sale-reason')[0]!);
    await simulate.sleep(50);
    again.querySelector('#xd-after-sale-submit')!.dispatchEvent('tap');
    await until('the refusal', () => Boolean(again.querySelector('#xd-after-sale-error')));
    expect(again.querySelector('#xd-after-sale-error')!.dom.getAttribute('data-code')).toBe('AFTER_SALE_OPEN');
    expect(again.querySelector('#xd-after-sale-error')!.dom.textContent!.trim()).toBe('这个订单已有进行中的售后申请');

    // The progress page: every step with its time, the shop's note, the return form, then cancel.
    created.status = 'APPROVED';
    created.adminNote = '请寄回并附上纸条';
    created.history.push({ at: new Date().toISOString(), status: 'APPROVED', note: '请寄回并附上纸条' });
    const progress = mountPage('pages/after-sale/progress');
    progress.instance.onLoad!({ orderId: order.id, id: created.id });
    await until('the progress', () => Boolean(progress.querySelector('#xd-after-sale-status')));
    expect(progress.querySelector('#xd-after-sale-status')!.dom.textContent!.trim()).toBe('已同意，待退货');
    expect(progress.querySelector('#xd-after-sale-note')!.dom.textContent!.trim()).toBe('请寄回并附上纸条');
    expect(byClass(progress, 'xd-timeline-step').map((s) => s.querySelector('[class*="step-label"]')?.textContent?.trim())).toEqual([
      '你申请了退货退款 ¥39.90',
      '商家已同意，请寄回商品',
    ]);
    progress.querySelector('#xd-return-company')!.dispatchEvent('input', { detail: { value: '中通快递' } });
    progress.querySelector('#xd-return-tracking')!.dispatchEvent('input', { detail: { value: 'ZT778899' } });
    await simulate.sleep(50);
    progress.querySelector('#xd-return-submit')!.dispatchEvent('tap');
    await until('returning', () => progress.querySelector('#xd-after-sale-status')!.dom.textContent!.trim() === '退货中');
    expect(api.afterSales.get(created.id)!.returnShipment).toMatchObject({ expressCompany: '中通快递', trackingNo: 'ZT778899' });
    expect(progress.dom.textContent).toContain('你已寄回商品');
    progress.querySelector('#xd-after-sale-cancel')!.dispatchEvent('tap');
    await until('cancelled', () => progress.querySelector('#xd-after-sale-status')!.dom.textContent!.trim() === '已撤销');
    expect(progress.querySelector('#xd-after-sale-cancel')).toBeFalsy();
  });

  it('the owner binds this WeChat with the 6-digit code from the console', async () => {
    api.bindingCodes.set('123456', '店主 alice');
    api.tokens.set('token-bind', 'user-1');
    calls.length = 0;
    const page = mountPage('pages/me/binding');
    page.querySelector('#xd-binding-code')!.dispatchEvent('input', { detail: { value: '12345' } });
    await simulate.sleep(50);
    page.querySelector('#xd-binding-submit')!.dispatchEvent('tap');
    await until('the format error', () => Boolean(page.querySelector('#xd-binding-error')));
    expect(page.querySelector('#xd-binding-error')!.dom.textContent!.trim()).toBe('请输入 6 位数字绑定码');
    expect(called('request').filter((c) => String(c.args.url).endsWith('/api/wechat-binding'))).toEqual([]);
    page.querySelector('#xd-binding-code')!.dispatchEvent('input', { detail: { value: '123456' } });
    await simulate.sleep(50);
    page.querySelector('#xd-binding-submit')!.dispatchEvent('tap');
    await until('bound', () => Boolean(page.querySelector('#xd-binding-done')));
    expect(page.querySelector('#xd-binding-done')!.dom.textContent).toContain('已绑定');
    expect(page.querySelector('#xd-binding-done')!.dom.textContent).toContain('店主 alice');
    const post = called('request').find((c) => String(c.args.url).endsWith('/api/wechat-binding'))!;
    expect(post.args.data).toEqual({ code: '123456' });
  });

  it('the store-info page shows the name, calls the service phone, offers WeChat customer service and the policy', async () => {
    const store = { name: '山间茶铺', servicePhone: '400-800-1234', afterSalePolicy: '收货后 7 天内可申请售后。\n生鲜类商品恕不退换。' };
    api.store = store;
    calls.length = 0;
    const page = mountPage('pages/store/info');
    page.instance.onLoad!({});
    await until('the store', () => Boolean(page.querySelector('#xd-store-name')));
    expect(page.querySelector('#xd-store-name')!.dom.textContent!.trim()).toBe('山间茶铺');
    expect(page.querySelector('#xd-store-policy')!.dom.textContent).toBe(store.afterSalePolicy);
    // WeChat's customer-service chat: a button with open-type="contact", as wcc compiled it.
    expect(page.querySelector('#xd-store-contact')!.dom.textContent!.trim()).toBe('联系客服');
    expect(readFileSync(join(outDir, 'pages/store/info.wxml'), 'utf8')).toMatch(/<button[^>]*open-type="contact"/);
    page.querySelector('#xd-store-phone')!.dispatchEvent('tap');
    await until('the call', () => called('makePhoneCall').length === 1);
    expect(called('makePhoneCall')[0]!.args).toMatchObject({ phoneNumber: '400-800-1234' });
    // No token needed: a shopper can read the policy before signing in.
    const get = called('request').find((c) => c.args.url === 'http://127.0.0.1:3000/api/store')!;
    expect((get.args.header as Record<string, string>).Authorization).toBeUndefined();
  });
});

/** A part (`cls`) of the CopyValue named `name`: j-component renders no ids inside components. */
function copyValue(page: SimNode, name: string, cls: 'xd-copy-text' | 'xd-copy'): Element {
  const box = byClass(page, 'xd-copy-value').find((e) => e.getAttribute('data-name') === name);
  const part = box && Array.from(box.querySelectorAll('*')).find((e) => Array.from(e.classList).some((c) => c.endsWith(`--${cls}`)));
  if (!part) throw new Error(`no ${cls} in the copy value ${name}`);
  return part;
}

/**
 * Elements of a page by class, its components' included. j-component renders each class with its component's
 * prefix (`product-card--xd-product`), and a page's selectors do not reach into its components.
 */
function byClass(page: SimNode, cls: string): Element[] {
  return Array.from(page.dom.querySelectorAll('*')).filter((e) => Array.from(e.classList).some((c) => c === cls || c.endsWith(`--${cls}`)));
}

/** WeChat's component tree (exparser), as j-component runs it. */
interface Exparser {
  Event: { create(name: string, detail: object, options: object): unknown; dispatchEvent(node: unknown, event: unknown): void };
}
let exparser: Exparser | undefined;

/**
 * A tap on a rendered element, wherever it is: dispatched on its exparser node as j-component's own
 * dispatchEvent does, since a page's querySelector cannot name an element inside one of its components.
 */
function tap(el: Element) {
  fire(el, 'tap');
}

/** Any event on a rendered element (WeChat's own, such as a button's agreeprivacyauthorization), as `tap` does. */
function fire(el: Element, name: string) {
  const node = (el as unknown as { __wxElement?: unknown }).__wxElement;
  if (!node) throw new Error(`not a rendered element: ${el.outerHTML.slice(0, 120)}`);
  exparser ??= createRequire(createRequire(require.resolve('miniprogram-simulate')).resolve('j-component'))('miniprogram-exparser') as Exparser;
  exparser.Event.dispatchEvent(node, exparser.Event.create(name, {}, { bubbles: true, composed: true, capturePhase: true }));
}

function activeTab(page: SimNode): string {
  return byClass(page, 'xd-category-tab').find((t) => Array.from(t.classList).some((c) => c.endsWith('--active')))?.textContent?.trim() ?? '';
}

function cardText(page: SimNode, productId: string): string {
  return byClass(page, 'xd-product').find((c) => c.getAttribute('data-id') === productId)?.textContent ?? '';
}

function lastRequest(prefix: string): string {
  return String(called('request').filter((c) => String(c.args.url).includes(prefix)).at(-1)?.args.url);
}

function sheetText(page: SimNode, cls: string): string {
  return byClass(page, cls)[0]?.textContent?.trim() ?? '';
}

function valueStates(page: SimNode): Record<string, string | null> {
  return Object.fromEntries(byClass(page, 'xd-spec-value').map((v) => [`${v.getAttribute('data-spec')}:${v.getAttribute('data-value')}`, v.getAttribute('data-state')]));
}

function tapValue(page: SimNode, spec: string, value: string) {
  const el = byClass(page, 'xd-spec-value').find((v) => v.getAttribute('data-spec') === spec && v.getAttribute('data-value') === value);
  if (!el) throw new Error(`no value ${spec}:${value}`);
  tap(el);
}
