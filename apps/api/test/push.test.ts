// WeChat's message push at /api/wechat/push: URL verification, plain and safe mode with pushes built here with the
// test's own sha1 and AES code (not the API's), forged, stale and foreign pushes refused without a change, the
// settlement push completing a shipped order once however often it comes, the shipping push and unknown events
// acknowledged and ignored, the shipping reminder as one owner alert a day, and the sandbox's confirm-receipt.
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { adminToken, call, createProduct, eventually, shopperToken, startWorld, type World } from './harness';

let world: World;
let owner: string;
let token: string;
let aesKey: string;
let appid: string;

beforeAll(async () => {
  world = await startWorld();
  owner = await adminToken(world);
  token = world.sandbox.apiEnv.WECHAT_PUSH_TOKEN!;
  aesKey = world.sandbox.apiEnv.WECHAT_PUSH_AES_KEY!;
  appid = world.sandbox.identity.appid;
  await world.sandbox.control.setPushUrl(`${world.api.url}/api/wechat/push`);
});
afterAll(async () => world?.stop());
afterEach(async () => world.api.instance.services.drain());

const services = () => world.api.instance.services;
const stored = async (orderId: string) => (await services().models.Order.findById(orderId).lean())!;
const sha1 = (...parts: string[]) => createHash('sha1').update(parts.sort().join('')).digest('hex');
const now = () => String(Math.floor(Date.now() / 1000));

/** WeChat's layout, written here from its documentation: random(16) + length(4, BE) + message + appid, PKCS#7 to 32. */
function encrypt(message: string, forAppid = appid, key = aesKey): string {
  const aes = Buffer.from(`${key}=`, 'base64');
  const body = Buffer.from(message);
  const plain = Buffer.concat([randomBytes(16), Buffer.from([0, 0, 0, 0].map((_, i) => (body.length >>> (8 * (3 - i))) & 0xff)), body, Buffer.from(forAppid)]);
  const pad = 32 - (plain.length % 32);
  const cipher = createCipheriv('aes-256-cbc', aes, aes.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])), cipher.final()]).toString('base64');
}

interface SafePush {
  message: Record<string, unknown>;
  timestamp?: string;
  forAppid?: string;
  /** Sign with another token (a forger's). */
  signToken?: string;
}

function safePush({ message, timestamp = now(), forAppid, signToken = token }: SafePush) {
  const nonce = randomBytes(6).toString('hex');
  const Encrypt = encrypt(JSON.stringify(message), forAppid);
  const query = new URLSearchParams({ signature: sha1(signToken, timestamp, nonce), timestamp, nonce, encrypt_type: 'aes', msg_signature: sha1(signToken, timestamp, nonce, Encrypt) });
  return call(world.api.url, 'POST', `/api/wechat/push?${query}`, { body: { ToUserName: 'gh_test', Encrypt } });
}

function plainPush(message: Record<string, unknown>, timestamp = now()) {
  const nonce = randomBytes(6).toString('hex');
  const query = new URLSearchParams({ signature: sha1(token, timestamp, nonce), timestamp, nonce });
  return call(world.api.url, 'POST', `/api/wechat/push?${query}`, { body: message });
}

const settlement = (transactionId: string, extra: Record<string, unknown> = {}) => ({
  ToUserName: 'gh_test',
  FromUserName: 'o-shopper',
  CreateTime: Number(now()),
  MsgType: 'event',
  Event: 'trade_manage_order_settlement',
  transaction_id: transactionId,
  merchant_id: world.sandbox.identity.mchid,
  sub_merchant_id: '',
  merchant_trade_no: 'X',
  pay_time: Number(now()) - 3600,
  shipped_time: Number(now()) - 1800,
  estimated_settlement_time: Number(now()),
  confirm_receive_method: 2,
  confirm_receive_time: Number(now()),
  settlement_time: Number(now()),
  ...extra,
});

async function paidOrder(user: string): Promise<{ id: string; transactionId: string }> {
  const shopper = await shopperToken(world, user);
  const product = await createProduct(world, owner, { priceFen: 3000, stock: 5 });
  const order = (await call(world.api.url, 'POST', '/api/orders', { token: shopper, body: { items: [{ productId: product.id, quantity: 1 }] } })).body;
  const pay = await call(world.api.url, 'POST', `/api/orders/${order.id}/pay`, { token: shopper });
  await world.sandbox.control.pay(String(pay.body.package).replace('prepay_id=', ''), 'SUCCESS');
  const paid = await eventually(async () => {
    const o = (await call(world.api.url, 'GET', `/api/admin/orders/${order.id}`, { token: owner })).body;
    return o.status === 'PAID' && o;
  });
  return { id: order.id, transactionId: paid.transactionId };
}

async function shippedOrder(user: string) {
  const order = await paidOrder(user);
  expect((await call(world.api.url, 'POST', `/api/admin/orders/${order.id}/ship`, { token: owner, body: { trackingNo: 'SF9', expressCompany: '顺丰速运' } })).status).toBe(200);
  return order;
}

describe('URL verification', () => {
  it('echoes echostr for a good signature, refuses a bad or stale one', async () => {
    const timestamp = now();
    const good = await call(world.api.url, 'GET', `/api/wechat/push?signature=${sha1(token, timestamp, 'n1')}&timestamp=${timestamp}&nonce=n1&echostr=hello-123`);
    expect(good.status).toBe(200);
    expect(good.body).toBe('hello-123');
    expect((await call(world.api.url, 'GET', `/api/wechat/push?signature=${sha1('forged', timestamp, 'n1')}&timestamp=${timestamp}&nonce=n1&echostr=x`)).status).toBe(401);
    const old = String(Number(timestamp) - 600);
    expect((await call(world.api.url, 'GET', `/api/wechat/push?signature=${sha1(token, old, 'n1')}&timestamp=${old}&nonce=n1&echostr=x`)).status).toBe(401);
    expect((await call(world.api.url, 'GET', '/api/wechat/push?echostr=x')).status).toBe(401);
  });
});

describe('the settlement push', () => {
  it('in safe mode completes a shipped order once; a duplicate answers success and changes nothing', async () => {
    const order = await shippedOrder('push-settle');
    const first = await safePush({ message: settlement(order.transactionId) });
    expect(first.status).toBe(200);
    expect(first.body).toBe('success');
    const completed = await stored(order.id);
    expect(completed.status).toBe('COMPLETED');
    expect(completed.completedAt).toBeInstanceOf(Date);
    const again = await safePush({ message: settlement(order.transactionId) });
    expect(again.body).toBe('success');
    const after = await stored(order.id);
    expect(after.completedAt).toEqual(completed.completedAt);
    expect(after.events.filter((e: any) => e.status === 'COMPLETED')).toHaveLength(1);
  });

  it('the push sent when shipping is recorded (no settlement time) changes nothing', async () => {
    const order = await shippedOrder('push-shipping-recorded');
    const { confirm_receive_method: _m, confirm_receive_time: _c, settlement_time: _s, ...shippingPush } = settlement(order.transactionId);
    expect((await safePush({ message: shippingPush })).body).toBe('success');
    expect((await stored(order.id)).status).toBe('SHIPPED');
  });

  it('refuses a bad signature, a stale timestamp and another appid, changing nothing', async () => {
    const order = await shippedOrder('push-forged');
    const forged = await safePush({ message: settlement(order.transactionId), signToken: 'not-the-token' });
    expect(forged.status).toBe(401);
    const stale = await safePush({ message: settlement(order.transactionId), timestamp: String(Number(now()) - 3600) });
    expect(stale.status).toBe(401);
    const foreign = await safePush({ message: settlement(order.transactionId), forAppid: 'wx0000000000000000' });
    expect(foreign.status).toBe(403);
    // A message encrypted with another key does not decrypt to our layout.
    const nonce = 'abc';
    const timestamp = now();
    const otherKey = randomBytes(32).toString('base64').slice(0, 43);
    const Encrypt = encrypt(JSON.stringify(settlement(order.transactionId)), appid, otherKey);
    const query = new URLSearchParams({ timestamp, nonce, encrypt_type: 'aes', msg_signature: sha1(token, timestamp, nonce, Encrypt) });
    const undecryptable = await call(world.api.url, 'POST', `/api/wechat/push?${query}`, { body: { ToUserName: 'gh', Encrypt } });
    expect(undecryptable.status).toBeGreaterThanOrEqual(400);
    expect(undecryptable.status).toBeLessThan(500);
    expect((await stored(order.id)).status).toBe('SHIPPED');
  });

  it('in plain mode too; unknown events and other shops’ transactions answer success and change nothing', async () => {
    const order = await shippedOrder('push-plain');
    expect((await plainPush({ MsgType: 'event', Event: 'user_enter_tempsession', transaction_id: order.transactionId })).body).toBe('success');
    expect((await plainPush(settlement('4200009999999999999999999999'))).body).toBe('success');
    expect((await stored(order.id)).status).toBe('SHIPPED');
    expect((await plainPush(settlement(order.transactionId), String(Number(now()) - 900))).status).toBe(401);
    expect((await plainPush(settlement(order.transactionId))).body).toBe('success');
    expect((await stored(order.id)).status).toBe('COMPLETED');
  });

  it('the sandbox’s confirm-receipt reaches the API and completes the order', async () => {
    const order = await shippedOrder('push-sandbox');
    const push = await world.sandbox.control.confirmReceipt(order.transactionId);
    expect(push).toMatchObject({ status: 'delivered', event: 'trade_manage_order_settlement' });
    expect(push.attempts.at(-1)).toMatchObject({ status: 200, answer: 'success' });
    expect((await stored(order.id)).status).toBe('COMPLETED');
  });
});

describe('the shipping reminder', () => {
  it('flags an unshipped order and writes one owner alert per day, however often WeChat reminds', async () => {
    const order = await paidOrder('push-remind');
    const remind = { MsgType: 'event', Event: 'trade_manage_remind_shipping', transaction_id: order.transactionId, merchant_id: world.sandbox.identity.mchid, msg: '请尽快发货' };
    expect((await safePush({ message: remind })).body).toBe('success');
    const flagged = await stored(order.id);
    expect(flagged.shippingRemindedAt).toBeInstanceOf(Date);
    const alerts = () => flagged.outbox.filter((m: any) => m.event === 'OWNER_REMIND_SHIPPING');
    expect(alerts()).toEqual([expect.objectContaining({ key: expect.stringMatching(/^OWNER_REMIND_SHIPPING:\d{8}$/), event: 'OWNER_REMIND_SHIPPING' })]);
    expect((await world.sandbox.control.remindShipping(order.transactionId)).status).toBe('delivered');
    const again = await stored(order.id);
    expect(again.outbox.filter((m: any) => m.event === 'OWNER_REMIND_SHIPPING')).toHaveLength(1);
    expect(again.shippingRemindedAt).toEqual(flagged.shippingRemindedAt);
  });
});
