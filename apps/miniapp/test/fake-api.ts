// A small in-memory model of the API's public contract (docs/openapi.yaml), answering the fake uni.request.
// It keeps just enough behaviour to test the client: one-time login codes, tokens that can be revoked,
// stock reserved by orders, payment parameters, cancel, and a status that tests move by hand.
import { ORDER_GROUPS, STATUS_OF_ORDER_GROUP, type Address, type AfterSale, type Category, type OrderGroup, type OrderItem, type OrderStatus, type PayParams, type Product, type Sku } from '@xiaodian/shared';
import type { ShopperOrder } from '../src/api/orders';
import type { StoreInfo } from '../src/api/store';
import type { FakeAnswer, FakeRequest } from './fake-uni';

export const API = 'http://127.0.0.1:3000';

/** An answer the fake API gives (never a network error). */
type Answer = Exclude<FakeAnswer, 'network-error'>;
const err = (status: number, code: string, message: string): Answer => ({ status, data: { error: { code, message } } });

export class FakeApi {
  readonly products = new Map<string, Product>();
  readonly categories: Category[] = [];
  readonly orders = new Map<string, ShopperOrder & { userId: string }>();
  readonly afterSales = new Map<string, AfterSale>();
  /** `GET /api/subscribe-templates`. */
  templates: Record<string, string> = {};
  /** Valid owner binding codes → staff name (one use each). */
  readonly bindingCodes = new Map<string, string>();
  /** What `GET /api/store` answers (the store-info page). */
  store: StoreInfo = { name: '小店', afterSalePolicy: '订单确认收货后 7 天内，可在订单详情中申请售后。' };
  /** Photos uploaded (`POST /api/images`): file path → url. */
  readonly uploads: string[] = [];
  /** Valid tokens → user id. */
  readonly tokens = new Map<string, string>();
  /** The queries of `GET /api/orders`, in order. */
  readonly listQueries: { group?: string; page: number; pageSize: number }[] = [];
  readonly usedCodes = new Set<string>();
  /** Codes the API (WeChat) rejects. */
  readonly rejectedCodes = new Set<string>();
  /** MAX_PENDING_ORDERS: unpaid orders one shopper may hold (then 409 TOO_MANY_PENDING_ORDERS). */
  maxPendingOrders = Infinity;
  /** The shop's one shipping template, simplified: a flat fee per order, free from `freeAboveFen`. */
  shipping: { feeFen: number; freeAboveFen?: number; undeliverable: string[] } = { feeFen: 0, undeliverable: [] };
  /** While set, placing an order answers 429 TOO_MANY_ATTEMPTS with this Retry-After (seconds). */
  orderRetryAfter: number | undefined;
  private seq = 0;

  constructor(products: Product[] = [], categories: Category[] = []) {
    for (const p of products) this.products.set(p.id, JSON.parse(JSON.stringify(p)) as Product);
    this.categories.push(...categories);
  }

  /** Sets one SKU's stock, and the product's (the sum), as an admin's change would. */
  setSkuStock(productId: string, skuId: string, stock: number): void {
    const p = this.products.get(productId)!;
    p.skus.find((s) => s.id === skuId)!.stock = stock;
    p.stock = p.skus.reduce((n, s) => n + s.stock, 0);
  }

  /** Forget every token (as after a restart with a new JWT key): the next call answers 401. */
  revokeTokens(): void {
    this.tokens.clear();
  }

  setStatus(orderId: string, status: OrderStatus): void {
    const order = this.orders.get(orderId);
    if (!order) throw new Error(`no order ${orderId}`);
    order.status = status;
    if (status === 'PAID') order.paidAt = new Date().toISOString();
  }

  /** The admin ships an order: SHIPPED, with its shipment and the event. */
  ship(orderId: string, expressCompany: string, trackingNo: string): void {
    const order = this.orders.get(orderId)!;
    const at = new Date().toISOString();
    order.status = 'SHIPPED';
    order.shipment = { expressCompany, trackingNo, shippedAt: at };
    order.events = [...(order.events ?? []), { at, status: 'SHIPPED', code: 'SHIPPED', data: { expressCompany, trackingNo } }];
  }

  /** The order completes (the shopper in the app, or WeChat's settlement push). */
  complete(orderId: string, via: 'SHOPPER' | 'WECHAT'): void {
    const order = this.orders.get(orderId)!;
    const at = new Date().toISOString();
    order.status = 'COMPLETED';
    order.completedAt = at;
    order.events = [...(order.events ?? []), { at, status: 'COMPLETED', code: 'COMPLETED', data: { via } }];
  }

  /** A photo upload as `POST /api/images` answers it (uni.uploadFile in the tests calls this). */
  upload(filePath: string, token: string | undefined): FakeAnswer {
    if (!token || !this.tokens.has(token)) return err(401, 'UNAUTHORIZED', 'missing or bad token');
    if (filePath.endsWith('.gif')) return err(400, 'UNSUPPORTED_IMAGE', 'not a JPEG, PNG or WebP image');
    const id = `photo${this.uploads.length + 1}`;
    this.uploads.push(filePath);
    return { status: 201, data: { id, url: `/api/images/${id}`, width: 800, height: 600 } };
  }

  readonly respond = (req: FakeRequest): FakeAnswer => {
    const url = new URL(req.url);
    if (url.origin !== API) return err(404, 'NOT_FOUND', `wrong host ${url.origin}`);
    const path = url.pathname;
    const body = (req.data ?? {}) as Record<string, unknown>;

    if (req.method === 'POST' && path === '/api/auth/login') {
      const code = String(body.code ?? '');
      if (!code || this.usedCodes.has(code) || this.rejectedCodes.has(code)) {
        return err(401, 'WX_LOGIN_FAILED', 'WeChat rejected the login code');
      }
      this.usedCodes.add(code);
      const token = `token-${++this.seq}`;
      this.tokens.set(token, 'user-1');
      return { status: 200, data: { token, user: { id: 'user-1', openid: 'openid-alice' } } };
    }
    if (req.method === 'GET' && path === '/api/products') {
      // The API's filters: a category, a literal piece of the name in any case, pages.
      const q = (url.searchParams.get('q') ?? '').trim().toLowerCase();
      const categoryId = url.searchParams.get('categoryId');
      const matching = [...this.products.values()].filter(
        (p) => (!categoryId || p.categoryId === categoryId) && (!q || p.name.toLowerCase().includes(q)),
      );
      const page = Number(url.searchParams.get('page') ?? 1);
      const pageSize = Number(url.searchParams.get('pageSize') ?? 500);
      return { status: 200, data: { items: matching.slice((page - 1) * pageSize, page * pageSize), total: matching.length } };
    }
    if (req.method === 'GET' && path === '/api/subscribe-templates') {
      return { status: 200, data: this.templates };
    }
    if (req.method === 'GET' && path === '/api/categories') {
      return { status: 200, data: { items: this.categories } };
    }
    if (req.method === 'GET' && path === '/api/store') {
      return { status: 200, data: this.store };
    }
    const product = /^\/api\/products\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && product) {
      const p = this.products.get(decodeURIComponent(product[1]!));
      return p ? { status: 200, data: p } : err(404, 'NOT_FOUND', 'no such product');
    }

    // Everything below needs a shopper's token.
    const auth = req.header.Authorization ?? '';
    const userId = this.tokens.get(auth.replace(/^Bearer /, ''));
    if (!userId) return err(401, 'UNAUTHORIZED', 'missing or bad token');

    if (req.method === 'POST' && path === '/api/orders') {
      if (this.orderRetryAfter !== undefined) {
        const wait = this.orderRetryAfter;
        const error = { code: 'TOO_MANY_ATTEMPTS', message: `Too many orders in a short time; try again in ${wait} s` };
        return { status: 429, data: { error }, headers: { 'Retry-After': String(wait) } };
      }
      const priced = this.price(body);
      if ('status' in priced) return priced;
      const { picked, shippingFeeFen } = priced;
      const pending = [...this.orders.values()].filter((o) => o.userId === userId && o.status === 'PENDING_PAYMENT').length;
      if (pending >= this.maxPendingOrders) {
        return err(409, 'TOO_MANY_PENDING_ORDERS', `You already have ${pending} unpaid orders; pay or cancel one first`);
      }
      const lines = picked.map(({ p, sku, quantity }): OrderItem => {
        this.setSkuStock(p.id, sku.id, sku.stock - quantity);
        const image = sku.imageUrl ?? p.imageUrl;
        return {
          productId: p.id,
          skuId: sku.id,
          name: p.name,
          specs: sku.specs,
          priceFen: sku.priceFen,
          quantity,
          ...(image ? { imageUrl: image.replace(/\/medium$/, '/thumb') } : {}),
        };
      });
      const now = new Date();
      const seq = ++this.seq;
      const order: ShopperOrder & { userId: string } = {
        id: `order-${seq}`,
        orderNo: `261130${String(seq).padStart(4, '0')}`,
        outTradeNo: `XD${seq}`,
        status: 'PENDING_PAYMENT',
        totalFen: lines.reduce((s, l) => s + l.priceFen * l.quantity, 0) + shippingFeeFen,
        itemsFen: lines.reduce((s, l) => s + l.priceFen * l.quantity, 0),
        shippingFeeFen,
        items: lines,
        ...(typeof body.note === 'string' ? { buyerNote: body.note } : {}),
        ...(body.address ? { address: body.address as Address } : {}),
        createdAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + 900_000).toISOString(),
        userId,
      };
      this.orders.set(order.id, order);
      return { status: 201, data: this.view(order) };
    }
    if (req.method === 'POST' && path === '/api/orders/quote') {
      const priced = this.price(body);
      if ('status' in priced) return priced;
      const itemsFen = priced.picked.reduce((n, { sku, quantity }) => n + sku.priceFen * quantity, 0);
      return { status: 200, data: { itemsFen, shippingFeeFen: priced.shippingFeeFen, totalFen: itemsFen + priced.shippingFeeFen } };
    }
    if (req.method === 'POST' && path === '/api/wechat-binding') {
      const staffName = this.bindingCodes.get(String(body.code ?? ''));
      if (!staffName) return err(400, 'BINDING_CODE_INVALID', 'binding code unknown or expired');
      this.bindingCodes.delete(String(body.code));
      return { status: 200, data: { staffName } };
    }
    const afterSale = /^\/api\/after-sales\/([^/]+)\/(cancel|return)$/.exec(path);
    if (req.method === 'POST' && afterSale) {
      const a = this.afterSales.get(decodeURIComponent(afterSale[1]!));
      const order = a ? this.orders.get(a.orderId) : undefined;
      if (!a || !order || order.userId !== userId) return err(404, 'NOT_FOUND', 'no such after-sale');
      const at = new Date().toISOString();
      if (afterSale[2] === 'cancel') {
        if (!['REQUESTED', 'APPROVED', 'RETURNING'].includes(a.status)) return err(409, 'AFTER_SALE_STATE', 'refund already started');
        a.status = 'CANCELLED';
        delete order.openAfterSaleId;
      } else {
        if (a.type !== 'RETURN_REFUND' || a.status !== 'APPROVED') return err(409, 'AFTER_SALE_STATE', 'not waiting for a return');
        a.status = 'RETURNING';
        a.returnShipment = { expressCompany: String(body.expressCompany), trackingNo: String(body.trackingNo), at };
      }
      a.history.push({ at, status: a.status });
      a.updatedAt = at;
      return { status: 200, data: structuredClone(a) };
    }
    if (req.method === 'GET' && path === '/api/orders') {
      // The API's tabs (the shared ORDER_GROUPS) and pages; 售后 as the API defines it.
      const group = url.searchParams.get('group');
      if (group && !(ORDER_GROUPS as readonly string[]).includes(group)) return err(400, 'VALIDATION_FAILED', 'group: invalid option');
      const inGroup = (o: ShopperOrder) =>
        !group ||
        (group === 'AFTER_SALE'
          ? o.openAfterSaleId !== undefined || (o.refunds?.length ?? 0) > 0 || o.status === 'REFUNDING' || o.status === 'REFUNDED'
          : o.status === STATUS_OF_ORDER_GROUP[group as Exclude<OrderGroup, 'AFTER_SALE'>]);
      const mine = [...this.orders.values()].filter((o) => o.userId === userId && inGroup(o)).reverse();
      const page = Number(url.searchParams.get('page') ?? 1);
      const pageSize = Number(url.searchParams.get('pageSize') ?? 100);
      this.listQueries.push({ group: group ?? undefined, page, pageSize });
      return { status: 200, data: { items: mine.slice((page - 1) * pageSize, page * pageSize).map((o) => this.view(o)), total: mine.length } };
    }
    const one = /^\/api\/orders\/([^/]+)(\/pay|\/cancel|\/confirm-receipt|\/after-sales)?$/.exec(path);
    if (one) {
      const order = this.orders.get(decodeURIComponent(one[1]!));
      if (!order || order.userId !== userId) return err(404, 'NOT_FOUND', 'no such order');
      if (req.method === 'GET' && !one[2]) return { status: 200, data: this.view(order) };
      if (req.method === 'POST' && one[2] === '/pay') {
        if (order.status !== 'PENDING_PAYMENT') return err(409, 'ORDER_NOT_PAYABLE', '订单不可支付');
        const params: PayParams = {
          appId: 'wx-sandbox-app',
          timeStamp: '1700000000',
          nonceStr: `nonce${order.id}`,
          package: `prepay_id=wx${order.id}`,
          signType: 'RSA',
          paySign: `sig-${order.id}==`,
        };
        return { status: 200, data: params };
      }
      if (req.method === 'POST' && one[2] === '/confirm-receipt') {
        if (order.status !== 'SHIPPED') return err(409, 'ORDER_STATE', 'order is not SHIPPED');
        this.complete(order.id, 'SHOPPER');
        return { status: 200, data: this.view(order) };
      }
      if (req.method === 'GET' && one[2] === '/after-sales') {
        const items = [...this.afterSales.values()].filter((a) => a.orderId === order.id).reverse();
        return { status: 200, data: { items: structuredClone(items) } };
      }
      if (req.method === 'POST' && one[2] === '/after-sales') {
        return this.requestAfterSale(order, body);
      }
      if (req.method === 'POST' && one[2] === '/cancel') {
        if (order.status !== 'PENDING_PAYMENT') return err(409, 'ORDER_NOT_CANCELLABLE', '订单不可取消');
        order.status = 'CLOSED';
        for (const l of order.items) {
          const sku = this.products.get(l.productId)!.skus.find((s) => s.id === l.skuId)!;
          this.setSkuStock(l.productId, sku.id, sku.stock + l.quantity);
        }
        return { status: 200, data: this.view(order) };
      }
    }
    return err(404, 'NOT_FOUND', `no route ${req.method} ${path}`);
  };

  /** The API's checks of an order's items and address, in its order, and the shipping fee it would charge. */
  private price(body: Record<string, unknown>): Answer | { picked: { p: Product; sku: Sku; quantity: number }[]; shippingFeeFen: number } {
    const items = body.items as { productId: string; skuId?: string; quantity: number }[];
    const picked: { p: Product; sku: Sku; quantity: number }[] = [];
    for (const i of items) {
      const p = this.products.get(i.productId);
      if (!p) return err(409, 'OUT_OF_STOCK', 'Only 0 left');
      // The API's rule: a product with several SKUs is ordered by SKU, and only by one of its own.
      const sku = i.skuId === undefined ? (p.skus.length === 1 ? p.skus[0] : undefined) : p.skus.find((s) => s.id === i.skuId);
      if (!sku) return err(400, 'VALIDATION_FAILED', i.skuId ? 'skuId is not one of the product’s SKUs' : 'skuId is required');
      const ofProduct = items.filter((o) => o.productId === p.id).reduce((n, o) => n + o.quantity, 0);
      if (p.maxPerOrder !== undefined && ofProduct > p.maxPerOrder) {
        return err(409, 'LIMIT_PER_ORDER_EXCEEDED', `At most ${p.maxPerOrder} of “${p.name}” per order`);
      }
      if (sku.stock < i.quantity) return err(409, 'OUT_OF_STOCK', `Only ${sku.stock} left`);
      picked.push({ p, sku, quantity: i.quantity });
    }
    const province = (body.address as Address | undefined)?.province;
    if (province !== undefined && this.shipping.undeliverable.includes(province)) {
      return { status: 409, data: { error: { code: 'NOT_DELIVERABLE', message: `${province} is not delivered to`, details: { province } } } };
    }
    const itemsFen = picked.reduce((n, { sku, quantity }) => n + sku.priceFen * quantity, 0);
    const free = this.shipping.freeAboveFen !== undefined && itemsFen >= this.shipping.freeAboveFen;
    return { picked, shippingFeeFen: free ? 0 : this.shipping.feeFen };
  }

  /** The contract's rules for a new request, in the order the API checks them. */
  private requestAfterSale(order: ShopperOrder & { userId: string }, body: Record<string, unknown>): FakeAnswer {
    if (!['PAID', 'SHIPPED', 'COMPLETED'].includes(order.status)) return err(409, 'ORDER_NOT_REFUNDABLE', 'order not paid');
    if (order.openAfterSaleId) return err(409, 'AFTER_SALE_OPEN', 'an after-sale request is open');
    const amountFen = Number(body.amountFen);
    const taken = (order.refunds ?? []).filter((r) => r.status !== 'CLOSED' && r.status !== 'ABNORMAL').reduce((n, r) => n + r.amountFen, 0);
    if (amountFen > order.totalFen - taken) return err(409, 'REFUND_EXCEEDS_PAID', 'more than refundable');
    const at = new Date().toISOString();
    const a: AfterSale = {
      id: `as-${++this.seq}`,
      orderId: order.id,
      type: body.type as AfterSale['type'],
      status: 'REQUESTED',
      amountFen,
      reason: body.reason as AfterSale['reason'],
      ...(typeof body.description === 'string' ? { description: body.description } : {}),
      images: (body.images as string[] | undefined) ?? [],
      history: [{ at, status: 'REQUESTED' }],
      createdAt: at,
      updatedAt: at,
    };
    this.afterSales.set(a.id, a);
    order.openAfterSaleId = a.id;
    return { status: 201, data: structuredClone(a) };
  }

  private view(order: ShopperOrder & { userId: string }): ShopperOrder {
    const { userId: _userId, ...rest } = order;
    return JSON.parse(JSON.stringify(rest)) as ShopperOrder;
  }
}

/** A product without specs, as the API answers it: one SKU whose specs are `{}`. */
export function plainProduct(p: Pick<Product, 'id' | 'name' | 'description' | 'priceFen' | 'stock'> & Partial<Product>): Product {
  return { images: [], specs: [], skus: [{ id: `${p.id.slice(0, 20)}5a5a`, specs: {}, priceFen: p.priceFen, stock: p.stock }], ...p };
}

export const CATEGORIES: Category[] = [
  { id: 'e'.repeat(24), name: '咖啡', sort: 1 },
  { id: 'f'.repeat(24), name: '服饰', sort: 2 },
];

const shirtSku = (id: string, color: string, size: string, priceFen: number, stock: number): Sku => ({
  id,
  specs: { 颜色: color, 尺寸: size },
  priceFen,
  stock,
  imageUrl: `/api/images/${color === '红色' ? 'red' : 'blue'}shirt/medium`,
});

/** 2 × 3 specs: red M and every blue but L sold out; L costs more. */
export const SHIRT: Product = {
  id: 'd'.repeat(24),
  name: '纯棉 T 恤',
  description: '2 色 3 码',
  priceFen: 3900,
  stock: 9,
  imageUrl: '/api/images/shirt1/medium',
  images: ['/api/images/shirt1', '/api/images/shirt2'],
  categoryId: CATEGORIES[1]!.id,
  specs: [
    { name: '颜色', values: ['红色', '蓝色'] },
    { name: '尺寸', values: ['S', 'M', 'L'] },
  ],
  skus: [
    shirtSku('d1'.padEnd(24, '0'), '红色', 'S', 3900, 2),
    shirtSku('d2'.padEnd(24, '0'), '红色', 'M', 3900, 0),
    shirtSku('d3'.padEnd(24, '0'), '红色', 'L', 4500, 4),
    shirtSku('d4'.padEnd(24, '0'), '蓝色', 'S', 3900, 0),
    shirtSku('d5'.padEnd(24, '0'), '蓝色', 'M', 3900, 0),
    shirtSku('d6'.padEnd(24, '0'), '蓝色', 'L', 5900, 3),
  ],
};

export const PRODUCTS: Product[] = [
  plainProduct({ id: 'a'.repeat(24), name: '云南小粒咖啡', description: '250g 中度烘焙', priceFen: 4990, stock: 3, categoryId: CATEGORIES[0]!.id, imageUrl: '/api/images/coffee/medium', images: ['/api/images/coffee'] }),
  plainProduct({ id: 'b'.repeat(24), name: '手冲滤杯', description: '陶瓷', priceFen: 12900, stock: 10, categoryId: CATEGORIES[0]!.id }),
  plainProduct({ id: 'c'.repeat(24), name: '限量马克杯', description: '已售罄', priceFen: 5900, stock: 0 }),
  SHIRT,
];
