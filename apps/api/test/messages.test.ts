// Subscribe messages through the durable outbox, against the sandbox's /cgi-bin/message/subscribe/send: PAID,
// SHIPPED and REFUNDED reach the shopper with the right data once they allowed them; 43101 is final; 5xx and
// token errors are retried; draining and sending twice at once (two instances) sends one message; a message
// claimed by an instance that died is sent after its lease; the owner binds their WeChat with a one-time code
// and hears of paid orders. The jobs are run by hand with the clock they would see.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../src/context';
import { createMessagesFor, runOutboxDrain, type OrderWithOutbox } from '../src/modules/messages/drain-outbox';
import { runMessages } from '../src/modules/messages/messages-job';
import { claimDueMessages, runMessageSender, SEND_LEASE_MS, sendRetryDelayMs } from '../src/modules/messages/send-messages';
import { redeemBindingCode } from '../src/modules/messages/wechat-binding';
import { adminToken, call, createProduct, eventually, startWorld, type World } from './harness';

let world: World;
let admin: string;
let templates: { paid: string; shipped: string; refunded: string; ownerOrder: string; ownerAfterSale: string };

beforeAll(async () => {
  world = await startWorld();
  admin = await adminToken(world);
  const env = world.sandbox.apiEnv;
  templates = {
    paid: env.WECHAT_TEMPLATE_PAID!,
    shipped: env.WECHAT_TEMPLATE_SHIPPED!,
    refunded: env.WECHAT_TEMPLATE_REFUNDED!,
    ownerOrder: env.WECHAT_TEMPLATE_OWNER_ORDER!,
    ownerAfterSale: env.WECHAT_TEMPLATE_OWNER_AFTERSALE!,
  };
});
afterAll(async () => world?.stop());
afterEach(async () => world.sandbox.control.clearFaults());

const services = (): Services => world.api.instance.services;
const later = (ms: number, from = new Date()) => new Date(from.getTime() + ms);

interface Shopper {
  token: string;
  userId: string;
  openid: string;
}

async function login(user: string): Promise<Shopper> {
  const { code } = await world.sandbox.control.loginCode(user);
  const res = await call(world.api.url, 'POST', '/api/auth/login', { body: { code } });
  expect(res.status).toBe(200);
  return { token: res.body.token, userId: res.body.user.id, openid: res.body.user.openid };
}

/** Places and pays an order of two pieces of 乌龙茶 at ¥19.99. */
async function paidOrder(shopper: Shopper): Promise<{ id: string; orderNo: string }> {
  const product = await createProduct(world, admin, { name: '乌龙茶', priceFen: 1999 });
  const placed = await call(world.api.url, 'POST', '/api/orders', { token: shopper.token, body: { items: [{ productId: product.id, quantity: 2 }] } });
  expect(placed.status).toBe(201);
  const pay = await call(world.api.url, 'POST', `/api/orders/${placed.body.id}/pay`, { token: shopper.token });
  await world.sandbox.control.pay(String(pay.body.package).replace('prepay_id=', ''), 'SUCCESS');
  const order = await eventually(async () => {
    const res = await call(world.api.url, 'GET', `/api/orders/${placed.body.id}`, { token: shopper.token });
    return res.body.status === 'PAID' ? res.body : undefined;
  });
  return { id: placed.body.id, orderNo: order.orderNo ?? order.outTradeNo };
}

const messagesOf = async (orderId: string) => {
  const res = await call(world.api.url, 'GET', `/api/admin/orders/${orderId}/messages`, { token: admin });
  expect(res.status).toBe(200);
  return res.body.items as Array<Record<string, any>>;
};
const received = (openid: string) => world.sandbox.control.messages(openid);

describe('subscribe templates', () => {
  it('lists the configured template ids (the sandbox writes all five into api.env)', async () => {
    const res = await call(world.api.url, 'GET', '/api/subscribe-templates');
    expect(res.status).toBe(200);
    expect(res.body).toEqual(templates);
  });
});

describe('messages to the shopper', () => {
  it('PAID, SHIPPED and REFUNDED arrive with the order number, amounts in yuan and the order page, once allowed', async () => {
    const alice = await login('msg-alice');
    await world.sandbox.control.subscribe(alice.openid, [templates.paid, templates.shipped, templates.refunded]);
    const order = await paidOrder(alice);
    // The state change left its messages in the outbox; nothing is sent before the job runs.
    expect(await received(alice.openid)).toEqual([]);
    await runMessages(services());
    const [paid] = await received(alice.openid);
    expect(paid).toMatchObject({
      template_id: templates.paid,
      page: `pages/orders/detail?id=${order.id}`,
      data: {
        character_string1: { value: order.orderNo },
        amount2: { value: '¥39.98' },
        thing3: { value: '乌龙茶 等 2 件' },
        time4: { value: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d$/) },
      },
    });

    const shipped = await call(world.api.url, 'POST', `/api/admin/orders/${order.id}/ship`, { token: admin, body: { trackingNo: 'SF1234567890', expressCompany: '顺丰速运' } });
    expect(shipped.status).toBe(200);
    await runMessages(services());
    expect((await received(alice.openid))[1]).toMatchObject({
      template_id: templates.shipped,
      data: { character_string1: { value: order.orderNo }, thing2: { value: '顺丰速运' }, character_string3: { value: 'SF1234567890' }, thing4: { value: '乌龙茶 等 2 件' } },
    });

    const refund = await call(world.api.url, 'POST', `/api/admin/orders/${order.id}/refunds`, { token: admin, body: { amountFen: 1230, reason: '少发一件' } });
    expect(refund.status).toBe(201);
    await world.sandbox.control.settleRefund(refund.body.outRefundNo, 'SUCCESS');
    const refunded = await eventually(async () => {
      await runMessages(services());
      return (await received(alice.openid))[2];
    }, 10_000);
    expect(refunded).toMatchObject({ template_id: templates.refunded, data: { character_string1: { value: order.orderNo }, amount2: { value: '¥12.30' } } });

    // The admin order detail lists them: PAID and SHIPPED and REFUNDED sent, plus the owner's (no one bound: none).
    const listed = await messagesOf(order.id);
    expect(listed.map((m) => [m.event, m.status, m.attempts])).toEqual([
      ['PAID', 'SENT', 1],
      ['SHIPPED', 'SENT', 1],
      ['REFUNDED', 'SENT', 1],
    ]);
    expect(listed[0]).toMatchObject({ templateId: templates.paid, openid: `${alice.openid.slice(0, 4)}…${alice.openid.slice(-4)}`, sentAt: expect.any(String) });
    // Nothing is sent twice by later runs.
    await runMessages(services(), later(3_600_000));
    expect(await received(alice.openid)).toHaveLength(3);
  });

  it('records 43101 (not allowed) as final: FAILED with the errcode, never retried', async () => {
    const bob = await login('msg-bob');
    const order = await paidOrder(bob);
    await runMessages(services());
    const [paid] = await messagesOf(order.id);
    expect(paid).toMatchObject({ event: 'PAID', status: 'FAILED', errcode: 43101, attempts: 1 });
    // Allowing it afterwards changes nothing for this message: it is not tried again.
    await world.sandbox.control.subscribe(bob.openid, [templates.paid]);
    await runMessages(services(), later(24 * 3_600_000));
    expect((await messagesOf(order.id))[0]).toMatchObject({ status: 'FAILED', errcode: 43101, attempts: 1 });
    expect(await received(bob.openid)).toEqual([]);
  });

  it('retries a 5xx with backoff, then sends it once', async () => {
    const carol = await login('msg-carol');
    await world.sandbox.control.subscribe(carol.openid, [templates.paid, templates.paid]);
    await world.sandbox.control.subscribe(carol.openid, [templates.paid]);
    const order = await paidOrder(carol);
    await world.sandbox.control.setFault({ kind: 'http_5xx', endpoints: ['subscribe_send'], count: 1, status: 502 });
    const t0 = new Date();
    await runMessages(services(), t0);
    expect((await messagesOf(order.id))[0]).toMatchObject({ status: 'PENDING', attempts: 1, lastError: expect.stringContaining('502') });
    // Not due again before its backoff.
    expect(await runMessageSender(services(), later(sendRetryDelayMs(1) - 1_000, t0))).toBe(0);
    expect(await runMessageSender(services(), later(sendRetryDelayMs(1), t0))).toBe(1);
    const [paid] = await messagesOf(order.id);
    expect(paid).toMatchObject({ status: 'SENT', attempts: 2 });
    expect(paid!.lastError).toBeUndefined();
    expect(await received(carol.openid)).toHaveLength(1);
  });

  it('retries token errors: a new token at once, and a later attempt when WeChat refuses that one too', async () => {
    const dave = await login('msg-dave');
    await world.sandbox.control.subscribe(dave.openid, [templates.paid]);
    await world.sandbox.control.subscribe(dave.openid, [templates.paid]);
    const first = await paidOrder(dave);
    // One refusal: the call is made again with a new token, in the same attempt.
    await world.sandbox.control.setFault({ kind: 'token_invalid', endpoints: ['subscribe_send'], count: 1 });
    await runMessages(services());
    expect((await messagesOf(first.id))[0]).toMatchObject({ status: 'SENT', attempts: 1 });
    await world.sandbox.control.clearFaults();

    const second = await paidOrder(dave);
    await world.sandbox.control.setFault({ kind: 'token_invalid', endpoints: ['subscribe_send'], count: 2 });
    const t0 = new Date();
    await runMessages(services(), t0);
    expect((await messagesOf(second.id))[0]).toMatchObject({ status: 'PENDING', attempts: 1, errcode: 40001 });
    await runMessageSender(services(), later(sendRetryDelayMs(1), t0));
    const [paid] = await messagesOf(second.id);
    expect(paid).toMatchObject({ status: 'SENT', attempts: 2 });
    expect(paid!.errcode).toBeUndefined();
    expect(await received(dave.openid)).toHaveLength(2);
  });

  it('sends one message when two instances drain and send the same outbox at once', async () => {
    const erin = await login('msg-erin');
    // Quota for three: a doubled message would be accepted, and seen.
    for (let i = 0; i < 3; i++) await world.sandbox.control.subscribe(erin.openid, [templates.paid]);
    const order = await paidOrder(erin);
    const other = (await world.startAnotherInstance()).instance.services;
    const now = new Date();
    await Promise.all([runOutboxDrain(services(), now), runOutboxDrain(other, now), runOutboxDrain(services(), now)]);
    await Promise.all([runMessageSender(services(), now), runMessageSender(other, now), runMessageSender(other, now)]);
    expect(await received(erin.openid)).toHaveLength(1);
    expect((await messagesOf(order.id)).map((m) => [m.event, m.status, m.attempts])).toEqual([['PAID', 'SENT', 1]]);
    // The outbox is empty: later runs find nothing to do for this order.
    const stored = await services().models.Order.findById(order.id).lean<{ outbox: unknown[] }>();
    expect(stored!.outbox).toEqual([]);
  });

  it('keeps the message across a crash between the payment and the send, and a drain cut short before its $pull', async () => {
    const jack = await login('msg-jack');
    for (let i = 0; i < 3; i++) await world.sandbox.control.subscribe(jack.openid, [templates.paid]);
    const order = await paidOrder(jack);
    // The payment wrote its messages into the order in the same update as PAID: nothing else exists yet, and an
    // instance that crashed now would leave exactly this for any other to find.
    const stored = (await services().models.Order.findById(order.id).lean<OrderWithOutbox & { status: string }>())!;
    expect(stored.status).toBe('PAID');
    expect(stored.outbox!.map((e) => e.key).sort()).toEqual(['OWNER_ORDER', 'PAID']);
    expect(await messagesOf(order.id)).toEqual([]);
    // Another instance starts draining: it creates the PAID message and dies before taking the entry off.
    const dying = (await world.startAnotherInstance()).instance.services;
    await createMessagesFor(dying, stored, stored.outbox!.find((e) => e.key === 'PAID')!);
    expect((await messagesOf(order.id)).map((m) => [m.event, m.status])).toEqual([['PAID', 'PENDING']]);
    // The sender sends it; the next drain finds the entry again and the message already there (sent, so left as
    // it is, never queued again): one message, sent once.
    expect(await runMessageSender(services())).toBe(1);
    expect(await received(jack.openid)).toHaveLength(1);
    await runOutboxDrain(services());
    await runMessages(services(), later(3_600_000));
    expect(await received(jack.openid)).toHaveLength(1);
    expect((await messagesOf(order.id)).map((m) => [m.event, m.status, m.attempts])).toEqual([['PAID', 'SENT', 1]]);
    expect((await services().models.Order.findById(order.id).lean<OrderWithOutbox>())!.outbox).toEqual([]);
  });

  it('re-sends a message claimed by an instance that died, once its lease has passed', async () => {
    const frank = await login('msg-frank');
    for (let i = 0; i < 2; i++) await world.sandbox.control.subscribe(frank.openid, [templates.paid]);
    const order = await paidOrder(frank);
    const now = new Date();
    await runOutboxDrain(services(), now);
    // The dying instance claims the message and never gets further.
    const dead = (await world.startAnotherInstance()).instance.services;
    expect((await claimDueMessages(dead, now)).map((m) => m.event)).toContain('PAID');
    // Within the lease no one else touches it.
    expect(await runMessageSender(services(), later(SEND_LEASE_MS - 1_000, now))).toBe(0);
    expect(await received(frank.openid)).toEqual([]);
    // After it, another instance sends it.
    expect(await runMessageSender(services(), later(SEND_LEASE_MS + 1, now))).toBeGreaterThanOrEqual(1);
    expect(await received(frank.openid)).toHaveLength(1);
    expect((await messagesOf(order.id))[0]).toMatchObject({ status: 'SENT', attempts: 2 });
  });

  it('records a message whose template is not configured as SKIPPED, and sends none', async () => {
    const other = await startWorld({ env: { WECHAT_TEMPLATE_PAID: '' } });
    try {
      const templatesThere = await call(other.api.url, 'GET', '/api/subscribe-templates');
      expect(templatesThere.body.paid).toBeUndefined();
      expect(templatesThere.body.shipped).toBe(other.sandbox.apiEnv.WECHAT_TEMPLATE_SHIPPED);
      const ownerThere = await adminToken(other);
      const { code } = await other.sandbox.control.loginCode('skip');
      const shopper = (await call(other.api.url, 'POST', '/api/auth/login', { body: { code } })).body;
      await other.sandbox.control.subscribe(shopper.user.openid, [other.sandbox.apiEnv.WECHAT_TEMPLATE_PAID!]);
      const product = await createProduct(other, ownerThere, { priceFen: 500 });
      const placed = await call(other.api.url, 'POST', '/api/orders', { token: shopper.token, body: { items: [{ productId: product.id, quantity: 1 }] } });
      const pay = await call(other.api.url, 'POST', `/api/orders/${placed.body.id}/pay`, { token: shopper.token });
      await other.sandbox.control.pay(String(pay.body.package).replace('prepay_id=', ''), 'SUCCESS');
      await eventually(async () => (await call(other.api.url, 'GET', `/api/orders/${placed.body.id}`, { token: shopper.token })).body.status === 'PAID');
      await runMessages(other.api.instance.services);
      const listed = await call(other.api.url, 'GET', `/api/admin/orders/${placed.body.id}/messages`, { token: ownerThere });
      expect(listed.body.items).toEqual([{ id: expect.any(String), event: 'PAID', openid: expect.any(String), status: 'SKIPPED', attempts: 0 }]);
      expect(await other.sandbox.control.messages(shopper.user.openid)).toEqual([]);
    } finally {
      await other.stop();
    }
  });

  it('answers 404 for the messages of an order that does not exist', async () => {
    expect((await call(world.api.url, 'GET', '/api/admin/orders/0123456789abcdef01234567/messages', { token: admin })).status).toBe(404);
    expect((await call(world.api.url, 'GET', '/api/admin/orders/nope/messages', { token: admin })).status).toBe(404);
    expect((await call(world.api.url, 'GET', '/api/admin/orders/0123456789abcdef01234567/messages')).status).toBe(401);
  });
});

describe("the owner's WeChat", () => {
  const newCode = async () => {
    const res = await call(world.api.url, 'POST', '/api/admin/me/wechat-binding', { token: admin });
    expect(res.status).toBe(201);
    expect(res.body.code).toMatch(/^\d{6}$/);
    expect(Date.parse(res.body.expiresAt) - Date.now()).toBeGreaterThan(9 * 60_000);
    return res.body.code as string;
  };
  const bind = (shopper: Shopper, code: string) => call(world.api.url, 'POST', '/api/wechat-binding', { token: shopper.token, body: { code } });
  const me = async () => (await call(world.api.url, 'GET', '/api/admin/me', { token: admin })).body;

  it('binds with a one-time code (not twice, not a wrong one, not without logging in) and hears of every paid order and after-sale request', async () => {
    expect(await me()).toMatchObject({ username: 'owner', role: 'owner', wechatBound: false, notify: true });
    const ownerWx = await login('msg-owner');
    const code = await newCode();
    const wrong = code === '000000' ? '000001' : '000000';
    expect((await bind(ownerWx, wrong)).body.error.code).toBe('BINDING_CODE_INVALID');
    expect((await call(world.api.url, 'POST', '/api/wechat-binding', { body: { code } })).status).toBe(401);
    const bound = await bind(ownerWx, code);
    expect(bound.status).toBe(200);
    expect(bound.body).toEqual({ staffName: 'owner' });
    const reused = await bind(await login('msg-intruder'), code);
    expect(reused.status).toBe(400);
    expect(reused.body.error.code).toBe('BINDING_CODE_INVALID');
    expect(await me()).toMatchObject({ wechatBound: true, notify: true });

    // The owner allowed the new-order template in the mini program; a shopper pays.
    await world.sandbox.control.subscribe(ownerWx.openid, [templates.ownerOrder]);
    const order = await paidOrder(await login('msg-gina'));
    await runMessages(services());
    const [newOrder] = await received(ownerWx.openid);
    expect(newOrder).toMatchObject({
      template_id: templates.ownerOrder,
      data: { character_string1: { value: order.orderNo }, amount2: { value: '¥39.98' }, thing3: { value: '乌龙茶 等 2 件' } },
    });
    expect(newOrder!.page).toBeUndefined();
    const listed = await messagesOf(order.id);
    expect(listed.find((m) => m.event === 'OWNER_ORDER')).toMatchObject({ status: 'SENT', templateId: templates.ownerOrder });

    // And of every after-sale request, with its type and amount.
    await world.sandbox.control.subscribe(ownerWx.openid, [templates.ownerAfterSale]);
    const mina = await login('msg-mina');
    const unhappy = await paidOrder(mina);
    const asked = await call(world.api.url, 'POST', `/api/orders/${unhappy.id}/after-sales`, { token: mina.token, body: { type: 'REFUND_ONLY', amountFen: 1000, reason: 'DAMAGED' } });
    expect(asked.status).toBe(201);
    await runMessages(services());
    expect((await received(ownerWx.openid)).find((m) => m.template_id === templates.ownerAfterSale)).toMatchObject({
      data: { character_string1: { value: unhappy.orderNo }, phrase2: { value: '仅退款' }, amount3: { value: '¥10.00' }, time4: { value: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d$/) } },
    });
    expect((await messagesOf(unhappy.id)).find((m) => m.event === 'OWNER_AFTERSALE')).toMatchObject({ status: 'SENT', attempts: 1 });

    // notify off: no more owner messages; unbinding: not bound any more.
    const off = await call(world.api.url, 'PATCH', '/api/admin/me', { token: admin, body: { notify: false } });
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ wechatBound: true, notify: false });
    expect((await call(world.api.url, 'PATCH', '/api/admin/me', { token: admin, body: { notify: 'no' } })).status).toBe(400);
    await world.sandbox.control.subscribe(ownerWx.openid, [templates.ownerOrder]);
    const quiet = await paidOrder(await login('msg-hank'));
    await runMessages(services());
    expect((await messagesOf(quiet.id)).some((m) => m.event === 'OWNER_ORDER')).toBe(false);
    expect(await received(ownerWx.openid)).toHaveLength(2);
    await call(world.api.url, 'PATCH', '/api/admin/me', { token: admin, body: { notify: true } });
    expect((await call(world.api.url, 'DELETE', '/api/admin/me/wechat-binding', { token: admin })).status).toBe(204);
    expect(await me()).toMatchObject({ wechatBound: false, notify: true });
  });

  it('staff hear of paid orders only once they opt in', async () => {
    expect((await call(world.api.url, 'POST', '/api/admin/staff', { token: admin, body: { username: 'msg-packer', password: 'packer-password-1' } })).status).toBe(201);
    const staff = (await call(world.api.url, 'POST', '/api/admin/login', { body: { username: 'msg-packer', password: 'packer-password-1' } })).body.token as string;
    const code = (await call(world.api.url, 'POST', '/api/admin/me/wechat-binding', { token: staff })).body.code as string;
    const packerWx = await login('msg-packer-wx');
    expect((await bind(packerWx, code)).body).toEqual({ staffName: 'msg-packer' });
    expect((await call(world.api.url, 'GET', '/api/admin/me', { token: staff })).body).toMatchObject({ role: 'staff', wechatBound: true, notify: false });
    for (let i = 0; i < 2; i++) await world.sandbox.control.subscribe(packerWx.openid, [templates.ownerOrder]);

    const before = await paidOrder(await login('msg-kate'));
    await runMessages(services());
    expect((await messagesOf(before.id)).some((m) => m.event === 'OWNER_ORDER')).toBe(false);

    expect((await call(world.api.url, 'PATCH', '/api/admin/me', { token: staff, body: { notify: true } })).body).toMatchObject({ notify: true });
    const after = await paidOrder(await login('msg-liam'));
    await runMessages(services());
    expect((await messagesOf(after.id)).filter((m) => m.event === 'OWNER_ORDER')).toMatchObject([{ status: 'SENT' }]);
    expect(await received(packerWx.openid)).toMatchObject([{ template_id: templates.ownerOrder, data: { character_string1: { value: after.orderNo } } }]);
  });

  it('refuses an expired code, and a sixth wrong code in 10 minutes with 429', async () => {
    const ivy = await login('msg-ivy');
    const code = await newCode();
    // Eleven minutes later (the redemption's clock), the code is no longer good.
    const session = { kind: 'shopper' as const, userId: ivy.userId, openid: ivy.openid, tokenVersion: 0 };
    await expect(redeemBindingCode(services(), session, code, later(11 * 60_000))).rejects.toMatchObject({ code: 'BINDING_CODE_INVALID' });
    // A new code ends the account's earlier unused one.
    const fresh = await newCode();
    expect((await bind(ivy, code)).body.error.code).toBe('BINDING_CODE_INVALID');

    const guesser = await login('msg-guesser');
    const wrong = fresh === '000000' ? '000001' : '000000';
    for (let i = 0; i < 5; i++) expect((await bind(guesser, wrong)).status).toBe(400);
    const refused = await bind(guesser, fresh);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('TOO_MANY_ATTEMPTS');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another shopper is not limited, and the code was not used up by the refused attempt.
    expect((await bind(ivy, fresh)).status).toBe(200);
    await call(world.api.url, 'DELETE', '/api/admin/me/wechat-binding', { token: admin });
  });
});
