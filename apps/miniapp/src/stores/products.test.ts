import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import type { Product } from '@xiaodian/shared';
import { FakeApi } from '../../test/fake-api';
import { fakeUni } from '../../test/fake-uni';
import { useCartStore } from './cart';
import { useProductsStore } from './products';

const tea: Product = { id: 'tea', name: '乌龙茶', description: '', priceFen: 1999, stock: 3 };
let api: FakeApi;

beforeEach(() => {
  setActivePinia(createPinia());
  api = new FakeApi([tea]);
  fakeUni().responder = api.respond;
});

describe('the catalog', () => {
  it('lists the products and reads one, without the token and without toasts', async () => {
    const catalog = useProductsStore();
    expect((await catalog.loadList()).map((p) => p.id)).toEqual(['tea']);
    expect(catalog.byId.tea).toMatchObject({ priceFen: 1999 });
    expect(await catalog.load('tea')).toMatchObject({ name: '乌龙茶' });
    expect(fakeUni().requests.every((r) => !r.header.Authorization)).toBe(true);

    await expect(catalog.load('nope')).rejects.toMatchObject({ status: 404 });
    expect(fakeUni().toasts).toEqual([]);
  });

  it('brings the cart down to today’s stock', async () => {
    const cart = useCartStore();
    cart.add(tea, 3);
    api.products.get('tea')!.stock = 1;
    const shrunk = cart.syncWithCatalog(await useProductsStore().loadList());
    expect(shrunk).toEqual(['tea']);
    expect(cart.find('tea')?.quantity).toBe(1);
  });
});
