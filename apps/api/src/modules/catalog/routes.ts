import Router from '@koa/router';
import { isValidObjectId } from 'mongoose';
import { productsQuery } from '@xiaodian/shared';
import { notFound } from '../../errors';
import type { Models } from '../../collections';
import { queryOf } from '../../http/query';
import { parseInput } from '../../http/validate';
import type { ProductDoc } from './model';
import { toProduct } from './dto';

export function catalogRoutes(models: Models): Router {
  const router = new Router({ prefix: '/api/products' });
  router.get('/', async (ctx) => {
    const { page, pageSize } = parseInput(productsQuery, queryOf(ctx));
    const onShelf = { onShelf: true };
    const [products, total] = await Promise.all([
      models.Product.find(onShelf, { reservations: 0 })
        .sort({ createdAt: -1, _id: -1 })
        .skip((page - 1) * pageSize)
        .limit(pageSize)
        .lean<ProductDoc[]>(),
      models.Product.countDocuments(onShelf),
    ]);
    ctx.body = { items: products.map((p) => toProduct(p)), total };
  });
  router.get('/:id', async (ctx) => {
    if (!isValidObjectId(ctx.params.id)) throw notFound('Product');
    const product = await models.Product.findOne({ _id: ctx.params.id, onShelf: true }, { reservations: 0 }).lean<ProductDoc>();
    if (!product) throw notFound('Product');
    ctx.body = toProduct(product);
  });
  return router;
}
