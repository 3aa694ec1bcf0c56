// A small in-memory model of the admin API (docs/openapi.yaml, admin section) answering the fake uni.request,
// for the admin stores' unit tests. It keeps what the console relies on: tokens that can be revoked, roles,
// the login slow-down, Idempotency-Key refunds, shipping, products with stock audit.
import type { AdminOrderDetail, AfterSale, AnomalyView, AuditEntry, Dashboard, Product } from '@xiaodian/shared';
import type { FakeAnswer, FakeRequest } from '../../test/fake-uni';

export const API = 'http://127.0.0.1:3000';

const err = (status: number, code: string, message: string): FakeAnswer => ({ status, data: { error: { code, message } } });

/** A paid order of `totalFen`, of which `shippingFeeFen` is the shipping fee. */
export function paidOrder(id = 'order-1', totalFen = 1999, shippingFeeFen = 0): AdminOrderDetail {
  const at = '2026-05-20T04:00:00.000Z';
  // Asserted rather than annotated: an order with the shipping fee's fields (itemsFen, shippingFeeFen) fits the
  // shared type with or without them, so this fake follows the schema as it grows.
  const order = {
    id,
    outTradeNo: `T${id}`,
    status: 'PAID',
    totalFen,
    items: [{ productId: 'p1', skuId: 's1', name: '乌龙茶', specs: {}, priceFen: totalFen, quantity: 1 }],
    createdAt: at,
    expiresAt: at,
    paidAt: at,
    transactionId: `42000${id}`,
    openid: 'openid-alice',
    paidFen: totalFen,
    refundableFen: totalFen,
    partialRefundMaxFen: totalFen - shippingFeeFen,
    attempts: [],
    notifications: [],
    refunds: [],
    anomalies: [],
    itemsFen: totalFen - shippingFeeFen,
    shippingFeeFen,
  };
  return order as AdminOrderDetail;
}

export class FakeAdminApi {
  readonly accounts = new Map<string, { password: string; role: 'owner' | 'staff'; id: string; disabled?: boolean }>([
    ['owner', { password: 'owner-password', role: 'owner' as const, id: 'a1' }],
    ['staff', { password: 'staff-password', role: 'staff' as const, id: 'a2' }],
  ]);
  /** Valid tokens → account. */
  readonly tokens = new Map<string, string>();
  readonly orders = new Map<string, AdminOrderDetail>();
  readonly products = new Map<string, Product>();
  readonly audit: AuditEntry[] = [];
  readonly anomalies = new Map<string, AnomalyView>();
  readonly categories = new Map<string, { id: string; name: string; sort: number }>();
  /** What `GET /api/admin/dashboard` answers. */
  dashboard: Dashboard = {
    today: { paidFen: 1999, orders: 1, refundedFen: 0, refunds: 0 },
    last7Days: { paidFen: 1999, orders: 1, refundedFen: 0, refunds: 0 },
    last30Days: { paidFen: 1999, orders: 1, refundedFen: 0, refunds: 0 },
    daily: [{ date: '2026-05-20', paidFen: 1999, orders: 1, refundedFen: 0 }],
  };
  /** After-sale requests by id (what `GET /api/admin/after-sales` lists, newest first by insertion). */
  readonly afterSales = new Map<string, AfterSale>();
  /** Subscribe messages by order id. */
  readonly messages = new Map<string, { id: string; event: string; status: string; attempts: number; errcode?: number }[]>();
  /** This fake's binding state of each account, and the last binding code given. */
  readonly binding = new Map<string, { bound: boolean; notify: boolean }>();
  /** Re-issued refunds: failed out_refund_no → the new one (a repeat answers the same). */
  readonly reissued = new Map<string, string>();
  /** Refunds by `orderId:Idempotency-Key`. */
  readonly refunds = new Map<string, { outRefundNo: string; amountFen: number }>();
  /** Requests that reached the model (the fake uni records every request, including failed ones). */
  readonly handled: FakeRequest[] = [];
  /** Answers to give instead of the model's, once each, for requests whose path matches. */
  private overrides: { path: RegExp; answer: FakeAnswer | 'network-error'; after?: boolean }[] = [];
  private failedLogins = 0;
  private seq = 0;

  /** The next request to a matching path gets `answer` (`after`: the model handles it first, then the answer is lost). */
  override(path: RegExp, answer: FakeAnswer | 'network-error', options: { after?: boolean } = {}): void {
    this.overrides.push({ path, answer, ...(options.after ? { after: true } : {}) });
  }

  /** Units of a product now held by unpaid orders (taken from what is available, as an order would). */
  reserve(productId: string, units: number): void {
    const p = this.products.get(productId)!;
    const onHand = p.onHandStock ?? p.stock + (p.reservedStock ?? 0);
    p.reservedStock = (p.reservedStock ?? 0) + units;
    p.stock = onHand - p.reservedStock;
    p.onHandStock = onHand;
    const only = p.skus.length === 1 ? p.skus[0] : undefined;
    if (only) Object.assign(only, { stock: p.stock, reservedStock: p.reservedStock, onHandStock: onHand });
  }

  /** Every session of one account ends (its password changed, or it was disabled). */
  private endSessions(username: string): void {
    for (const [t, u] of this.tokens) if (u === username) this.tokens.delete(t);
  }

  /** A product's figures from its SKUs, as the API answers them: the lowest price, the sums of stock. */
  private summarise(p: Product): void {
    if (p.skus.length === 0) return;
    p.priceFen = Math.min(...p.skus.map((s) => s.priceFen));
    p.stock = p.skus.reduce((n, s) => n + s.stock, 0);
    p.reservedStock = p.skus.reduce((n, s) => n + (s.reservedStock ?? 0), 0);
    p.onHandStock = p.stock + p.reservedStock;
    if (p.images[0]) p.imageUrl = `${p.images[0]}/medium`;
  }

  /** Every session ends (as after logout on another device, or the 12 h expiry). */
  revokeTokens(): void {
    this.tokens.clear();
  }

  readonly respond = (req: FakeRequest): FakeAnswer | 'network-error' => {
    const url = new URL(req.url);
    const i = this.overrides.findIndex((o) => o.path.test(url.pathname));
    const override = i >= 0 ? this.overrides.splice(i, 1)[0] : undefined;
    if (override && !override.after) return override.answer;
    const answer = this.handle(req, url);
    return override ? override.answer : answer;
  };

  private handle(req: FakeRequest, url: URL): FakeAnswer {
    this.handled.push(req);
    const path = url.pathname;
    // As the wire would: the request body serialised (a draft may hold reactive proxies).
    const body = JSON.parse(JSON.stringify(req.data ?? {})) as Record<string, unknown>;
    if (url.origin !== API) return err(404, 'NOT_FOUND', `wrong host ${url.origin}`);

    if (req.method === 'POST' && path === '/api/admin/login') {
      if (this.failedLogins >= 5) return { status: 429, data: { error: { code: 'TOO_MANY_ATTEMPTS', message: 'Too many wrong passwords; try again in 2 s' } }, headers: { 'Retry-After': '2' } };
      const account = this.accounts.get(String(body.username));
      if (!account || account.password !== body.password) {
        this.failedLogins++;
        return err(401, 'UNAUTHORIZED', 'Wrong username or password');
      }
      if (account.disabled) return err(403, 'ACCOUNT_DISABLED', 'This account is disabled');
      const token = `admin-token-${++this.seq}`;
      this.tokens.set(token, String(body.username));
      return { status: 200, data: { token, role: account.role } };
    }

    const auth = /^Bearer (.+)$/.exec(req.header.Authorization ?? '');
    const username = auth ? this.tokens.get(auth[1]!) : undefined;
    if (!username) return err(401, 'UNAUTHORIZED', 'Invalid or expired token');
    const me = this.accounts.get(username)!;

    if (req.method === 'POST' && path === '/api/admin/logout') {
      for (const [t, u] of this.tokens) if (u === username) this.tokens.delete(t);
      return { status: 204 };
    }
    if (req.method === 'GET' && path === '/api/admin/me') {
      const b = this.binding.get(username) ?? { bound: false, notify: false };
      return { status: 200, data: { id: me.id, username, role: me.role, wechatBound: b.bound, notify: b.notify } };
    }
    if (req.method === 'PATCH' && path === '/api/admin/me') {
      const b = this.binding.get(username) ?? { bound: false, notify: false };
      b.notify = body.notify === true;
      this.binding.set(username, b);
      return { status: 200, data: { id: me.id, username, role: me.role, wechatBound: b.bound, notify: b.notify } };
    }
    if (req.method === 'POST' && path === '/api/admin/me/wechat-binding') {
      return { status: 201, data: { code: String(100000 + ++this.seq), expiresAt: new Date(Date.now() + 600_000).toISOString() } };
    }
    const answer = this.afterSaleRoutes(req, path, body, url) ?? this.messageRoutes(req, path, me.role);
    if (answer) return answer;
    if (path === '/api/admin/staff') {
      if (me.role !== 'owner') return err(403, 'FORBIDDEN', 'Requires role owner');
      if (req.method === 'POST') {
        const name = String(body.username);
        if (this.accounts.has(name)) return err(409, 'USERNAME_TAKEN', `Username ${name} is taken`);
        if (String(body.password ?? '').length < 10) return err(400, 'WEAK_PASSWORD', 'password: at least 10 characters');
        const id = `a${++this.seq}`;
        this.accounts.set(name, { password: String(body.password), role: 'staff' as const, id });
        return { status: 201, data: { id, username: name, role: 'staff' } };
      }
      return {
        status: 200,
        data: { items: [...this.accounts].map(([username, a]) => ({ id: a.id, username, role: a.role, disabled: a.disabled === true })) },
      };
    }
    if (req.method === 'GET' && path === '/api/admin/dashboard') {
      return { status: 200, data: structuredClone(this.dashboard) };
    }
    if (req.method === 'GET' && path === '/api/admin/anomalies') {
      const status = url.searchParams.get('status') ?? 'OPEN';
      const items = [...this.anomalies.values()].filter((a) => status === 'ALL' || a.status === status);
      return { status: 200, data: { items } };
    }
    const resolve = /^\/api\/admin\/anomalies\/([^/]+)\/resolve$/.exec(path);
    if (req.method === 'POST' && resolve) {
      if (me.role !== 'owner') return err(403, 'FORBIDDEN', 'Requires role owner');
      const anomaly = this.anomalies.get(resolve[1]!);
      if (!anomaly) return err(404, 'NOT_FOUND', 'Anomaly not found');
      Object.assign(anomaly, { status: 'RESOLVED', resolution: String(body.note), resolvedBy: username });
      return { status: 200, data: { ...anomaly } };
    }
    const staffAction = /^\/api\/admin\/staff\/([^/]+)\/(disable|enable|password)$/.exec(path);
    if (req.method === 'POST' && staffAction) {
      if (me.role !== 'owner') return err(403, 'FORBIDDEN', 'Requires role owner');
      const entry = [...this.accounts].find(([, a]) => a.id === staffAction[1]);
      if (!entry) return err(404, 'NOT_FOUND', 'Account not found');
      const [name, account] = entry;
      if (account.role !== 'staff') return err(409, 'OWNER_PROTECTED', 'Owner accounts are not disabled or reset here');
      if (staffAction[2] === 'password') {
        if (String(body.password ?? '').length < 10) return err(400, 'WEAK_PASSWORD', 'password: at least 10 characters');
        account.password = String(body.password);
        this.endSessions(name);
        return { status: 204 };
      }
      account.disabled = staffAction[2] === 'disable';
      if (account.disabled) this.endSessions(name);
      return { status: 200, data: { id: account.id, username: name, role: account.role, disabled: account.disabled } };
    }
    if (req.method === 'POST' && path === '/api/admin/password') {
      if (body.currentPassword !== me.password) return err(403, 'WRONG_PASSWORD', 'The current password is wrong');
      if (String(body.newPassword ?? '').length < 10) return err(400, 'WEAK_PASSWORD', 'newPassword: at least 10 characters');
      me.password = String(body.newPassword);
      this.endSessions(username);
      return { status: 204 };
    }
    if (req.method === 'GET' && path === '/api/admin/orders') {
      const tab = url.searchParams.get('tab');
      const matching = [...this.orders.values()].filter((o) => !tab || inTab(o, tab));
      const page = Number(url.searchParams.get('page') ?? 1);
      const pageSize = Number(url.searchParams.get('pageSize') ?? 20);
      // Rows as the API lists them: without the payer's openid (only the detail has it).
      const items = matching.slice((page - 1) * pageSize, page * pageSize).map(({ openid: _openid, ...row }) => row);
      return { status: 200, data: { items, total: matching.length } };
    }
    if (req.method === 'GET' && path === '/api/admin/orders/counts') {
      const count = (tab: string) => [...this.orders.values()].filter((o) => inTab(o, tab)).length;
      return { status: 200, data: { toShip: count('TO_SHIP'), toReceive: count('TO_RECEIVE'), afterSale: count('AFTER_SALE') } };
    }
    const detail = /^\/api\/admin\/orders\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && detail) {
      const order = this.orders.get(detail[1]!);
      return order ? { status: 200, data: structuredClone(order) } : err(404, 'NOT_FOUND', 'Order not found');
    }
    const refund = /^\/api\/admin\/orders\/([^/]+)\/refunds$/.exec(path);
    if (req.method === 'POST' && refund) {
      if (me.role !== 'owner') return err(403, 'FORBIDDEN', 'Requires role owner');
      const order = this.orders.get(refund[1]!);
      if (!order) return err(404, 'NOT_FOUND', 'Order not found');
      const amountFen = Number(body.amountFen);
      const key = req.header['Idempotency-Key'];
      const existing = key ? this.refunds.get(`${order.id}:${key}`) : undefined;
      if (existing) {
        if (existing.amountFen !== amountFen) return err(409, 'IDEMPOTENCY_KEY_REUSED', `This Idempotency-Key already started a refund of ${existing.amountFen} fen`);
        return { status: 201, data: { outRefundNo: existing.outRefundNo, status: 'PROCESSING' } };
      }
      if (amountFen > order.refundableFen) return err(409, 'REFUND_EXCEEDS_PAID', `At most ${order.refundableFen} fen of this order can still be refunded`);
      // A partial refund leaves the shipping fee unless the admin includes it; the whole remaining amount takes it.
      if (amountFen !== order.refundableFen && amountFen > order.partialRefundMaxFen && body.includeShippingFee !== true) {
        const details = { maxFen: order.partialRefundMaxFen, shippingFeeFen: order.shippingFeeFen ?? 0 };
        return { status: 409, data: { error: { code: 'REFUND_EXCEEDS_ITEMS', message: 'A partial refund leaves the shipping fee', details } } };
      }
      const outRefundNo = `R${order.id}-${++this.seq}`;
      if (key) this.refunds.set(`${order.id}:${key}`, { outRefundNo, amountFen });
      order.refundableFen -= amountFen;
      order.partialRefundMaxFen = Math.max(0, order.refundableFen - (order.shippingFeeFen ?? 0));
      order.status = 'REFUNDING';
      order.refunds.push({ outRefundNo, amountFen, reason: String(body.reason), status: 'PROCESSING', affectsOrder: true, createdAt: new Date().toISOString() });
      return { status: 201, data: { outRefundNo, status: 'PROCESSING' } };
    }
    if (req.method === 'POST' && path === '/api/admin/orders/ship-batch') {
      const rows = body.rows as { orderNo: string; expressCompany: string; trackingNo: string }[];
      const results = rows.map((row) => {
        if (rows.filter((r) => r.orderNo === row.orderNo).length > 1) return { orderNo: row.orderNo, ok: false, code: 'CONFLICT' };
        const order = [...this.orders.values()].find((o) => o.orderNo === row.orderNo);
        if (!order) return { orderNo: row.orderNo, ok: false, code: 'NOT_FOUND' };
        if (!inTab(order, 'TO_SHIP')) return { orderNo: row.orderNo, ok: false, code: 'ORDER_NOT_SHIPPABLE' };
        order.status = 'SHIPPED';
        order.shipping = { trackingNo: row.trackingNo, expressCompany: row.expressCompany, shippedAt: new Date().toISOString() };
        return { orderNo: row.orderNo, ok: true };
      });
      return { status: 200, data: { results } };
    }
    const shipment = /^\/api\/admin\/orders\/([^/]+)\/shipment$/.exec(path);
    if (req.method === 'PATCH' && shipment) {
      const order = this.orders.get(shipment[1]!);
      if (!order) return err(404, 'NOT_FOUND', 'Order not found');
      if (order.status !== 'SHIPPED' || !order.shipping) return err(409, 'ORDER_STATE', `A ${order.status} order's shipment is not corrected`);
      order.shipping = { ...order.shipping, trackingNo: String(body.trackingNo), expressCompany: String(body.expressCompany) };
      return { status: 200, data: structuredClone(order) };
    }
    const ship = /^\/api\/admin\/orders\/([^/]+)\/ship$/.exec(path);
    if (req.method === 'POST' && ship) {
      const order = this.orders.get(ship[1]!);
      if (!order) return err(404, 'NOT_FOUND', 'Order not found');
      if (order.status !== 'PAID') return err(409, 'ORDER_NOT_SHIPPABLE', `A ${order.status} order cannot be shipped`);
      order.status = 'SHIPPED';
      order.shipping = { trackingNo: String(body.trackingNo), expressCompany: String(body.expressCompany), shippedAt: new Date().toISOString() };
      return { status: 200, data: structuredClone(order) };
    }
    if (path === '/api/admin/products' && req.method === 'GET') {
      const q = url.searchParams.get('q') ?? '';
      const categoryId = url.searchParams.get('categoryId');
      const items = [...this.products.values()].filter((p) => p.name.includes(q) && (!categoryId || p.categoryId === categoryId)).reverse();
      const page = Number(url.searchParams.get('page') ?? 1);
      const pageSize = Number(url.searchParams.get('pageSize') ?? 500);
      return { status: 200, data: { items: structuredClone(items.slice((page - 1) * pageSize, page * pageSize)), total: items.length } };
    }
    if (path === '/api/admin/products' && req.method === 'POST') {
      type SkuBody = { specs: Record<string, string>; priceFen: number; stock: number; image?: string; weightGrams?: number };
      const { skus, stock, priceFen, images, weightGrams, ...fields } = body as { skus?: SkuBody[]; stock?: number; priceFen?: number; images?: string[]; weightGrams?: number };
      const rows: SkuBody[] = skus ?? [{ specs: {}, priceFen: Number(priceFen), stock: Number(stock), ...(weightGrams !== undefined ? { weightGrams } : {}) }];
      const product = {
        id: `p${++this.seq}`,
        description: '',
        onShelf: true,
        specs: [],
        ...fields,
        images: (images ?? []).map((i) => `/api/images/${i}`),
        skus: rows.map((r) => ({
          id: `s${++this.seq}`,
          specs: r.specs,
          priceFen: r.priceFen,
          stock: r.stock,
          reservedStock: 0,
          onHandStock: r.stock,
          ...(r.image ? { imageUrl: `/api/images/${r.image}/medium` } : {}),
          ...(r.weightGrams !== undefined ? { weightGrams: r.weightGrams } : {}),
        })),
      } as unknown as Product;
      this.summarise(product);
      this.products.set(product.id, product);
      return { status: 201, data: structuredClone(product) };
    }
    const one = /^\/api\/admin\/products\/([^/]+)$/.exec(path);
    if (one && req.method === 'GET') {
      const p = this.products.get(one[1]!);
      return p ? { status: 200, data: structuredClone(p) } : err(404, 'NOT_FOUND', 'Product not found');
    }
    const sku = /^\/api\/admin\/products\/([^/]+)\/skus\/([^/]+)$/.exec(path);
    if (sku && req.method === 'PATCH') {
      const p = this.products.get(sku[1]!);
      const s = p?.skus.find((x) => x.id === sku[2]);
      if (!p || !s) return err(404, 'NOT_FOUND', 'SKU not found');
      if (body.stock !== undefined && !body.stockReason) return err(400, 'VALIDATION_FAILED', 'stockReason: required when changing stock');
      if (typeof body.priceFen === 'number') s.priceFen = body.priceFen;
      if (typeof body.stock === 'number') {
        this.audit.unshift({ id: `e${++this.seq}`, at: new Date().toISOString(), actor: username, action: 'product.stock', detail: String(body.stockReason), productId: p.id, stockBefore: s.onHandStock ?? s.stock, stockAfter: body.stock });
        Object.assign(s, { onHandStock: body.stock, stock: body.stock - (s.reservedStock ?? 0) });
      }
      if (typeof body.weightGrams === 'number') s.weightGrams = body.weightGrams;
      if (body.image === null) delete s.imageUrl;
      else if (typeof body.image === 'string') s.imageUrl = `/api/images/${body.image}/medium`;
      this.summarise(p);
      return { status: 200, data: structuredClone(p) };
    }
    if (path === '/api/categories' && req.method === 'GET') {
      return { status: 200, data: { items: [...this.categories.values()].sort((a, b) => a.sort - b.sort || a.name.localeCompare(b.name)) } };
    }
    if (path === '/api/admin/categories' && req.method === 'POST') {
      const category = { id: `c${++this.seq}`, name: String(body.name), sort: Number(body.sort ?? 0) };
      this.categories.set(category.id, category);
      return { status: 201, data: { ...category } };
    }
    const category = /^\/api\/admin\/categories\/([^/]+)$/.exec(path);
    if (category) {
      const c = this.categories.get(category[1]!);
      if (!c) return err(404, 'NOT_FOUND', 'Category not found');
      if (req.method === 'DELETE') {
        if ([...this.products.values()].some((p) => p.categoryId === c.id)) return err(409, 'CATEGORY_NOT_EMPTY', 'The category still has products');
        this.categories.delete(c.id);
        return { status: 204 };
      }
      if (typeof body.name === 'string') c.name = body.name;
      if (typeof body.sort === 'number') c.sort = body.sort;
      return { status: 200, data: { ...c } };
    }
    const product = /^\/api\/admin\/products\/([^/]+)$/.exec(path);
    if (product && req.method === 'PATCH') {
      const p = this.products.get(product[1]!);
      if (!p) return err(404, 'NOT_FOUND', 'Product not found');
      if (body.stock !== undefined && !body.stockReason) return err(400, 'VALIDATION_FAILED', 'stockReason: required when changing stock');
      // A stock edit sets what is on hand; available = on hand − reserved (the API's rule).
      const reserved = p.reservedStock ?? 0;
      const onHandBefore = p.onHandStock ?? p.stock + reserved;
      if (typeof body.stock === 'number') {
        if (body.stock < reserved) return err(409, 'STOCK_BELOW_RESERVED', `${reserved} are held by unpaid orders: on hand cannot be less than that`);
        this.audit.unshift({ id: `e${++this.seq}`, at: new Date().toISOString(), actor: username, action: 'product.stock', detail: String(body.stockReason), productId: p.id, stockBefore: onHandBefore, stockAfter: body.stock });
      }
      const { stockReason: _reason, stock, maxPerOrder, images, categoryId, shippingTemplateId, ...fields } = body;
      if (shippingTemplateId === null) delete p.shippingTemplateId;
      else if (typeof shippingTemplateId === 'string') p.shippingTemplateId = shippingTemplateId;
      Object.assign(p, fields);
      if (typeof stock === 'number') Object.assign(p, { onHandStock: stock, reservedStock: reserved, stock: stock - reserved });
      // A product without specs: its one SKU follows the product's price and stock.
      const only = p.skus.length === 1 ? p.skus[0] : undefined;
      if (only) Object.assign(only, { priceFen: p.priceFen, stock: p.stock, reservedStock: p.reservedStock, onHandStock: p.onHandStock });
      if (maxPerOrder === null) delete p.maxPerOrder;
      else if (typeof maxPerOrder === 'number') p.maxPerOrder = maxPerOrder;
      if (categoryId === null) delete p.categoryId;
      else if (typeof categoryId === 'string') p.categoryId = categoryId;
      if (Array.isArray(images)) {
        p.images = images.map((i) => `/api/images/${String(i)}`);
        if (p.images[0]) p.imageUrl = `${p.images[0]}/medium`;
        else delete p.imageUrl;
      }
      return { status: 200, data: structuredClone(p) };
    }
    if (path === '/api/admin/audit' && req.method === 'GET') {
      const productId = url.searchParams.get('productId');
      const orderId = url.searchParams.get('orderId');
      const items = this.audit.filter((e) => (!productId || e.productId === productId) && (!orderId || e.orderId === orderId));
      return { status: 200, data: { items, total: items.length } };
    }
    return err(404, 'NOT_FOUND', `no route ${req.method} ${path}`);
  }

  /** The after-sale queue: list by status (20 a page), the REQUESTED count, one request, and the shop's acts. */
  private afterSaleRoutes(req: FakeRequest, path: string, body: Record<string, unknown>, url: URL): FakeAnswer | undefined {
    if (!path.startsWith('/api/admin/after-sales')) return undefined;
    const all = [...this.afterSales.values()].reverse();
    if (req.method === 'GET' && path === '/api/admin/after-sales') {
      const status = url.searchParams.get('status');
      const page = Number(url.searchParams.get('page') ?? 1);
      const items = all.filter((a) => !status || a.status === status);
      return { status: 200, data: { items: structuredClone(items.slice((page - 1) * 20, page * 20)), total: items.length } };
    }
    if (req.method === 'GET' && path === '/api/admin/after-sales/summary') {
      return { status: 200, data: { requested: all.filter((a) => a.status === 'REQUESTED').length } };
    }
    const m = /^\/api\/admin\/after-sales\/([^/]+)(?:\/(approve|reject|receive))?$/.exec(path);
    const a = m ? this.afterSales.get(m[1]!) : undefined;
    if (!m || !a) return err(404, 'NOT_FOUND', 'After-sale request not found');
    if (req.method === 'GET' && !m[2]) return { status: 200, data: structuredClone(a) };
    const act = m[2];
    const at = new Date().toISOString();
    if (act === 'approve' && a.status === 'REQUESTED') a.status = a.type === 'REFUND_ONLY' ? 'REFUNDING' : 'APPROVED';
    else if (act === 'reject' && ['REQUESTED', 'APPROVED', 'RETURNING'].includes(a.status)) {
      if (typeof body.note !== 'string' || !body.note) return err(400, 'VALIDATION_FAILED', 'note required');
      a.status = 'REJECTED';
    } else if (act === 'receive' && ['APPROVED', 'RETURNING'].includes(a.status)) a.status = 'REFUNDING';
    else return err(409, 'AFTER_SALE_STATE', `cannot ${act} a ${a.status} request`);
    if (typeof body.note === 'string' && body.note) a.adminNote = body.note;
    a.history.push({ at, status: a.status });
    a.updatedAt = at;
    return { status: 200, data: structuredClone(a) };
  }

  /** The order's subscribe messages, and re-issuing a failed refund (owner). */
  private messageRoutes(req: FakeRequest, path: string, role: 'owner' | 'staff'): FakeAnswer | undefined {
    const messages = /^\/api\/admin\/orders\/([^/]+)\/messages$/.exec(path);
    if (messages && req.method === 'GET') return { status: 200, data: { items: this.messages.get(messages[1]!) ?? [] } };
    const reissue = /^\/api\/admin\/refunds\/([^/]+)\/reissue$/.exec(path);
    if (!reissue || req.method !== 'POST') return undefined;
    if (role !== 'owner') return err(403, 'FORBIDDEN', 'Requires role owner');
    const old = reissue[1]!;
    for (const order of this.orders.values()) {
      const refund = order.refunds.find((r) => r.outRefundNo === old);
      if (!refund) continue;
      if (refund.status !== 'CLOSED' && refund.status !== 'ABNORMAL') return err(409, 'CONFLICT', 'not failed');
      let fresh = this.reissued.get(old);
      if (!fresh) {
        fresh = `${old}-R${++this.seq}`;
        this.reissued.set(old, fresh);
        order.refunds.push({ ...refund, outRefundNo: fresh, status: 'PROCESSING', createdAt: new Date().toISOString() });
        Object.assign(refund, { reissuedAs: fresh });
      }
      return { status: 201, data: { outRefundNo: fresh, status: 'PROCESSING' } };
    }
    return err(404, 'NOT_FOUND', 'Refund not found');
  }
}

/** The API's tabs, as GET /api/admin/orders?tab= has them. */
function inTab(o: AdminOrderDetail, tab: string): boolean {
  if (tab === 'TO_SHIP') return o.status === 'PAID' && !o.shipBlocked;
  if (tab === 'TO_RECEIVE') return o.status === 'SHIPPED';
  if (tab === 'AFTER_SALE') return o.status === 'REFUNDING' || Boolean((o as { openAfterSaleId?: string }).openAfterSaleId);
  return false;
}
