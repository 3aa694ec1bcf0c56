import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import type { ShippingTemplate } from '@xiaodian/shared';
import { fakeUni } from '../../test/fake-uni';
import type { FakeRequest } from '../../test/fake-uni';
import { FakeAdminApi } from './admin.fake';
import { useAdminStore } from './admin';
import { useAdminShippingTemplatesStore } from './admin-shipping-templates';

const API = 'http://127.0.0.1:3000';
let api: FakeAdminApi;
/** The templates as the API holds them; the admin fake has no freight room, so this test answers its two routes. */
let stored: ShippingTemplate[];

function respond(req: FakeRequest) {
  if (req.url === `${API}/api/admin/shipping-templates` && req.method === 'GET') return { status: 200, data: stored };
  const id = req.url.startsWith(`${API}/api/admin/shipping-templates/`) ? req.url.split('/').pop() : undefined;
  if (id && req.method === 'PATCH') {
    // As the API does: null removes 满额包邮, isDefault false clears the default only on the default.
    const body = JSON.parse(JSON.stringify(req.data)) as Partial<ShippingTemplate> & { freeAboveFen?: number | null };
    stored = stored.map((t) => {
      if (t.id !== id) return body.isDefault === true ? { ...t, isDefault: false } : t;
      const { freeAboveFen, ...rest } = { ...t, ...body };
      return { ...rest, ...(freeAboveFen != null ? { freeAboveFen } : {}) };
    });
    return { status: 200, data: stored.find((t) => t.id === id) };
  }
  return api.respond(req);
}

async function start() {
  setActivePinia(createPinia());
  (fakeUni() as unknown as { reLaunch: () => void }).reLaunch = () => undefined;
  await useAdminStore().login('owner', 'owner-password');
  const store = useAdminShippingTemplatesStore();
  await store.load();
  return store;
}

const patches = () => fakeUni().requests.filter((r) => r.method === 'PATCH' && r.url.includes('/api/admin/shipping-templates/'));

beforeEach(() => {
  api = new FakeAdminApi();
  stored = [
    { id: 't1', name: '普通快递', isDefault: true, mode: 'FLAT', rules: [{ provinces: [], firstFen: 800 }], freeAboveFen: 9900, undeliverable: [] },
    { id: 't2', name: '按件', isDefault: false, mode: 'PIECE', rules: [{ provinces: [], firstFen: 1000, first: 1 }], undeliverable: [] },
  ];
  fakeUni().responder = respond;
});

describe('the console shipping templates', () => {
  it('sends a cleared 满额包邮 as null, so the API removes it', async () => {
    const store = await start();
    store.edit('t1');
    store.draft!.freeAboveYuan = ' ';
    expect((await store.saveForm()).ok).toBe(true);
    expect(patches().map((r) => r.data)).toEqual([{ name: '普通快递', mode: 'FLAT', rules: [{ provinces: [], firstFen: 800 }], undeliverable: [], freeAboveFen: null }]);
    expect(store.items.find((t) => t.id === 't1')).not.toHaveProperty('freeAboveFen');
  });

  it('leaves freeAboveFen out for a template that had none and the form left empty', async () => {
    const store = await start();
    store.edit('t2');
    store.draft!.name = '按件计费';
    expect((await store.saveForm()).ok).toBe(true);
    expect(patches()[0]!.data).not.toHaveProperty('freeAboveFen');
  });

  it('取消默认 sends isDefault false and reads the list again: no template is the default', async () => {
    const store = await start();
    expect(await store.unsetDefault('t1')).toMatchObject({ ok: true });
    expect(patches().map((r) => r.data)).toEqual([{ isDefault: false }]);
    expect(store.items.filter((t) => t.isDefault)).toEqual([]);
  });
});
