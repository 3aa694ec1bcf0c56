// The two ways WeChat Pay signs (docs/wechat-pay.md §4): merchants with only platform certificates, and a
// migration where both the certificate and the public key are live. The API keeps a serial → key map.
import { afterEach, describe, expect, it } from 'vitest';
import { adminToken, call, createProduct, eventually, shopperToken, startWorld, type World } from './harness';

let world: World | undefined;
afterEach(async () => {
  await world?.stop();
  world = undefined;
});

async function payOnce(w: World): Promise<string> {
  const admin = await adminToken(w);
  const product = await createProduct(w, admin, { priceFen: 500, stock: 5 });
  const token = await shopperToken(w, 'keys');
  const order = await call(w.api.url, 'POST', '/api/orders', { token, body: { items: [{ productId: product.id, quantity: 1 }] } });
  // Prepay answers are signed too: a key the API does not hold would fail here.
  const pay = await call(w.api.url, 'POST', `/api/orders/${order.body.id}/pay`, { token });
  expect(pay.status).toBe(200);
  await w.sandbox.control.pay(String(pay.body.package).replace('prepay_id=', ''), 'SUCCESS');
  return eventually(async () => {
    const o = await call(w.api.url, 'GET', `/api/orders/${order.body.id}`, { token });
    return o.body.status === 'PAID' && (o.body.status as string);
  });
}

describe('WeChat Pay key modes', () => {
  it('works with platform certificates only: downloads them at start and verifies answers and notifications', async () => {
    world = await startWorld({ keyMode: 'certificate', withoutPublicKey: true });
    const serials = world.api.instance.services.keyRing.serials();
    expect(serials.length).toBeGreaterThanOrEqual(1);
    expect(serials.some((s) => s.startsWith('PUB_KEY_ID_'))).toBe(false);
    expect(await payOnce(world)).toBe('PAID');
    expect(await world.api.instance.services.models.Notification.countDocuments({ outcome: 'REFUSED' })).toBe(0);
  });

  it('accepts both keys during a migration from certificates to the public key', async () => {
    world = await startWorld({ keyMode: 'both' });
    const serials = world.api.instance.services.keyRing.serials();
    expect(serials.some((s) => s.startsWith('PUB_KEY_ID_'))).toBe(true);
    expect(serials.some((s) => !s.startsWith('PUB_KEY_ID_'))).toBe(true);
    expect(await payOnce(world)).toBe('PAID');
    expect(await world.api.instance.services.models.Notification.countDocuments({ outcome: 'REFUSED' })).toBe(0);
  });

  it('picks up a rotated platform certificate', async () => {
    world = await startWorld({ keyMode: 'certificate', withoutPublicKey: true });
    const before = world.api.instance.services.keyRing.serials();
    await world.sandbox.control.rotateCertificate();
    // WeChat signs with the new certificate from now on: the first answer with its serial makes the API
    // fetch the certificates again, without waiting for the 12-hourly refresh.
    expect(await payOnce(world)).toBe('PAID');
    const after = world.api.instance.services.keyRing.serials();
    expect(after.length).toBe(before.length + 1);
    expect(await world.api.instance.services.models.Notification.countDocuments({ outcome: 'REFUSED' })).toBe(0);
  });
});
