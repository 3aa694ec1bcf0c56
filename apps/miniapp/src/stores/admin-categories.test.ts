import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { fakeUni } from '../../test/fake-uni';
import { FakeAdminApi } from './admin.fake';
import { useAdminStore } from './admin';
import { useAdminCategoriesStore } from './admin-categories';

let api: FakeAdminApi;

async function start() {
  setActivePinia(createPinia());
  (fakeUni() as unknown as { reLaunch: () => void }).reLaunch = () => undefined;
  await useAdminStore().login('owner', 'owner-password');
  return useAdminCategoriesStore();
}

beforeEach(() => {
  api = new FakeAdminApi();
  fakeUni().responder = api.respond;
});

const names = (c: { items: { name: string }[] }) => c.items.map((x) => x.name);

describe('categories in the console', () => {
  it('creates categories after the last one, refusing an empty, too long or repeated name before calling the API', async () => {
    const categories = await start();
    expect(await categories.create(' 茶叶 ')).toMatchObject({ ok: true, category: { name: '茶叶', sort: 10 } });
    expect(await categories.create('茶具')).toMatchObject({ ok: true, category: { sort: 20 } });
    const posts = () => fakeUni().requests.filter((r) => r.method === 'POST' && r.url.endsWith('/api/admin/categories'));
    expect(posts().map((r) => r.data)).toEqual([
      { name: '茶叶', sort: 10 },
      { name: '茶具', sort: 20 },
    ]);

    expect(await categories.create('  ')).toEqual({ ok: false, error: '请输入分类名称' });
    expect(await categories.create('茶'.repeat(21))).toEqual({ ok: false, error: '分类名称最多 20 个字' });
    expect(await categories.create('茶叶')).toEqual({ ok: false, error: '已经有「茶叶」了' });
    expect(posts()).toHaveLength(2);
    expect(names(categories)).toEqual(['茶叶', '茶具']);
  });

  it('renames, and moves a category up or down by renumbering the order (only what changed is written)', async () => {
    const categories = await start();
    for (const name of ['茶叶', '茶具', '点心']) await categories.create(name);
    const [tea, , snacks] = categories.items;

    expect(await categories.rename(tea!.id, ' 好茶 ')).toMatchObject({ ok: true });
    expect(api.categories.get(tea!.id)!.name).toBe('好茶');

    const before = fakeUni().requests.length;
    expect(await categories.move(snacks!.id, -1)).toEqual({ ok: true });
    expect(names(categories)).toEqual(['好茶', '点心', '茶具']);
    const patches = fakeUni().requests.slice(before).filter((r) => r.method === 'PATCH');
    expect(patches.map((r) => r.data)).toEqual([{ sort: 20 }, { sort: 30 }]);
    // The first cannot go further up: nothing sent.
    const count = fakeUni().requests.length;
    expect(await categories.move(tea!.id, -1)).toEqual({ ok: true });
    expect(fakeUni().requests.length).toBe(count);
  });

  it('deletes an empty category; one with products stays, refused in Chinese (409 CATEGORY_NOT_EMPTY)', async () => {
    const categories = await start();
    await categories.create('茶叶');
    await categories.create('空的');
    const [tea, empty] = categories.items;
    api.products.set('p1', { id: 'p1', name: '乌龙茶', description: '', priceFen: 100, stock: 1, images: [], specs: [], skus: [], categoryId: tea!.id });

    expect(await categories.remove(tea!.id)).toEqual({ ok: false, error: '该分类下还有商品，请先移走或删除这些商品' });
    expect(names(categories)).toEqual(['茶叶', '空的']);
    expect(await categories.remove(empty!.id)).toEqual({ ok: true });
    expect(names(categories)).toEqual(['茶叶']);
    expect([...api.categories.keys()]).toEqual([tea!.id]);
    expect(categories.nameOf(tea!.id)).toBe('茶叶');
  });
});
