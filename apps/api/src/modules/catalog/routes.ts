import Router from '@koa/router';
import { isValidObjectId } from 'mongoose';
import { notFound } from '../../errors';
import type { Models } from '../../collections';
import type { ProductDoc } from './model';
import { toProduct } from './dto';

export function catalogRoutes(models: Models): Router {
  const router = new Router({ prefix: '/api/products' });
  router.get('/', async (ctx) => {
    const products = await models.Product.find({ onShelf: true }, { reservations: 0 }).sort({ createdAt: -1 }).limit(500).lean<ProductDoc[]>();
    ctx.body = { items: products.map((p) => toProduct(p)) };
  });
  router.get('/:id', async (ctx) => {
    if (!isValidObjectId(ctx.params.id)) throw notFound('Product');
    const product = await models.Product.findOne({ _id: ctx.params.id, onShelf: true }, { reservations: 0 }).lean<ProductDoc>();
    if (!product) throw notFound('Product');
    ctx.body = toProduct(product);
  });
  return router;
}
