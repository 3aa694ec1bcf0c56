import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import type { StoreInfo } from '@xiaodian/shared';
import { fakeUni } from '../../test/fake-uni';
import type { FakeRequest } from '../../test/fake-uni';
import { canOpenSection } from '@/utils/admin-view';
import { FakeAdminApi } from './admin.fake';
import { useAdminStore } from './admin';
import { storeInfoInputOf, useAdminStoreInfoStore } from './admin-store-info';

const API = 'http://127.0.0.1:3000';
let api: FakeAdminApi;
/** The store info as the API holds it; the admin fake has no store room, so this test answers its two routes. */
let stored: StoreInfo;
/** The next PATCH's answer when the API refuses it. */
let refusal: { status: number; code: string } | undefined;

function respond(req: FakeRequest) {
  if (req.url === `${API}/api/store` && req.method === 'GET') return { status: 200, data: stored };
  if (req.url === `${API}/api/admin/store` && req.method === 'PATCH') {
    if (!req.header.Authorization) return { status: 401, data: { error: { code: 'UNAUTHORIZED', message: 'no token' } } };
    if (refusal) return { status: refusal.status, data: { error: { code: refusal.code, message: 'refused' } } };
    const body = JSON.parse(JSON.stringify(req.data)) as { name: string; servicePhone: string; afterSalePolicy: string };
    stored = { name: body.name, afterSalePolicy: body.afterSalePolicy, ...(body.servicePhone ? { servicePhone: body.servicePhone } : {}) };
    return { status: 200, data: stored };
  }
  return api.respond(req);
}

async function start() {
  setActivePinia(createPinia());
  (fakeUni() as unknown as { reLaunch: () => void }).reLaunch = () => undefined;
  await useAdminStore().login('owner', 'owner-password');
  return useAdminStoreInfoStore();
}

const patches = () => fakeUni().requests.filter((r) => r.url === `${API}/api/admin/store`);

beforeEach(() => {
  api = new FakeAdminApi();
  stored = { name: '小店', afterSalePolicy: '订单确认收货后 7 天内可申请售后。' };
  refusal = undefined;
  fakeUni().responder = respond;
});

describe('the console store-info editor', () => {
  it('is the owner’s section only', () => {
    expect(canOpenSection('store', 'owner')).toBe(true);
    expect(canOpenSection('store', 'staff')).toBe(false);
    expect(canOpenSection('store', undefined)).toBe(false);
  });

  it('reads what shoppers see and saves the three fields, trimmed; an empty phone is sent empty (removed)', async () => {
    const store = await start();
    expect(await store.load()).toEqual(stored);
    const result = await store.save({ name: ' 山间茶铺 ', servicePhone: '', afterSalePolicy: '七天无理由退换。\n生鲜除外。 ' });
    expect(result).toEqual({ ok: true, info: { name: '山间茶铺', afterSalePolicy: '七天无理由退换。\n生鲜除外。' } });
    expect(patches().map((r) => r.data)).toEqual([{ name: '山间茶铺', servicePhone: '', afterSalePolicy: '七天无理由退换。\n生鲜除外。' }]);
    expect(patches()[0]!.header.Authorization).toMatch(/^Bearer /);
    expect(store.info).toEqual(result.ok && result.info);
  });

  it('explains each bad field in Chinese and sends nothing', async () => {
    const store = await start();
    const result = await store.save({ name: '  ', servicePhone: '+86 138', afterSalePolicy: '退'.repeat(2001) });
    expect(result).toEqual({
      ok: false,
      error: '请填写店铺名称',
      errors: { name: '请填写店铺名称', servicePhone: '客服电话只能包含数字和 -', afterSalePolicy: '售后政策最多 2000 字（现在 2001 字）' },
    });
    expect(storeInfoInputOf({ name: '店'.repeat(31), servicePhone: '1'.repeat(21), afterSalePolicy: '' })).toEqual({
      ok: false,
      errors: { name: '店铺名称最多 30 个字', servicePhone: '客服电话最多 20 位' },
    });
    expect(patches()).toEqual([]);
  });

  it('shows the API’s refusal in Chinese (a staff member’s 403, say)', async () => {
    const store = await start();
    refusal = { status: 403, code: 'FORBIDDEN' };
    const result = await store.save({ name: '山间茶铺', servicePhone: '400-800-1234', afterSalePolicy: '' });
    expect(result).toEqual({ ok: false, error: '没有权限进行此操作' });
    expect(stored.name).toBe('小店');
  });
});
