// A small in-memory model of the API's public contract (docs/openapi.yaml), answering the fake uni.request.
// It keeps just enough behaviour to test the client: one-time login codes, tokens that can be revoked,
// stock reserved by orders, payment parameters, cancel, and a status that tests move by hand.
import type { Address, Order, OrderStatus, PayParams, Product } from '@xiaodian/shared';
import type { FakeAnswer, FakeRequest } from './fake-uni';

export const API = 'http://127.0.0.1:3000';

const err = (status: number, code: string, message: string): FakeAnswer => ({ status, data: { error: { code, message } } });

export class FakeApi {
  readonly products = new Map<string, Product>();
  readonly orders = new Map<string, Order & { userId: string }>();
  /** Valid tokens → user id. */
  readonly tokens = new Map<string, string>();
  readonly usedCodes = new Set<string>();
  /** Codes the API (WeChat) rejects. */
  readonly rejectedCodes = new Set<string>();
  /** MAX_PENDING_ORDERS: unpaid orders one shopper may hold (then 409 TOO_MANY_PENDING_ORDERS). */
  maxPendingOrders = Infinity;
  /** While set, placing an order answers 429 TOO_MANY_ATTEMPTS with this Retry-After (seconds). */
  orderRetryAfter: number | undefined;
  private seq = 0;

  constructor(products: Product[] = []) {
    for (const p of products) this.products.set(p.id, { ...p });
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
      return { status: 200, data: { items: [...this.products.values()] } };
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
      const items = body.items as { productId: string; quantity: number }[];
      for (const i of items) {
        const p = this.products.get(i.productId);
        if (p?.maxPerOrder !== undefined && i.quantity > p.maxPerOrder) {
          return err(409, 'LIMIT_PER_ORDER_EXCEEDED', `At most ${p.maxPerOrder} of “${p.name}” per order`);
        }
        if (!p || p.stock < i.quantity) return err(409, 'OUT_OF_STOCK', `Only ${p?.stock ?? 0} left`);
      }
      const pending = [...this.orders.values()].filter((o) => o.userId === userId && o.status === 'PENDING_PAYMENT').length;
      if (pending >= this.maxPendingOrders) {
        return err(409, 'TOO_MANY_PENDING_ORDERS', `You already have ${pending} unpaid orders; pay or cancel one first`);
      }
      const lines = items.map((i) => {
        const p = this.products.get(i.productId)!;
        p.stock -= i.quantity;
        return { productId: p.id, name: p.name, priceFen: p.priceFen, quantity: i.quantity };
      });
      const now = new Date();
      const order: Order & { userId: string } = {
        id: `order-${++this.seq}`,
        outTradeNo: `XD${this.seq}`,
        status: 'PENDING_PAYMENT',
        totalFen: lines.reduce((s, l) => s + l.priceFen * l.quantity, 0),
        items: lines,
        ...(body.address ? { address: body.address as Address } : {}),
        createdAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + 900_000).toISOString(),
        userId,
      };
      this.orders.set(order.id, order);
      return { status: 201, data: this.view(order) };
    }
    if (req.method === 'GET' && path === '/api/orders') {
      const mine = [...this.orders.values()].filter((o) => o.userId === userId).reverse();
      return { status: 200, data: { items: mine.map((o) => this.view(o)) } };
    }
    const one = /^\/api\/orders\/([^/]+)(\/pay|\/cancel)?$/.exec(path);
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
      if (req.method === 'POST' && one[2] === '/cancel') {
        if (order.status !== 'PENDING_PAYMENT') return err(409, 'ORDER_NOT_CANCELLABLE', '订单不可取消');
        order.status = 'CLOSED';
        for (const l of order.items) this.products.get(l.productId)!.stock += l.quantity;
        return { status: 200, data: this.view(order) };
      }
    }
    return err(404, 'NOT_FOUND', `no route ${req.method} ${path}`);
  };

  private view(order: Order & { userId: string }): Order {
    const { userId: _userId, ...rest } = order;
    return JSON.parse(JSON.stringify(rest)) as Order;
  }
}

export const PRODUCTS: Product[] = [
  { id: 'a'.repeat(24), name: '云南小粒咖啡', description: '250g 中度烘焙', priceFen: 4990, stock: 3 },
  { id: 'b'.repeat(24), name: '手冲滤杯', description: '陶瓷', priceFen: 12900, stock: 10 },
  { id: 'c'.repeat(24), name: '限量马克杯', description: '已售罄', priceFen: 5900, stock: 0 },
];
