import Router from '@koa/router';
import { isValidObjectId } from 'mongoose';
import { productsQuery } from '@xiaodian/shared';
import { notFound } from '../../errors';
import type { Models } from '../../collections';
import { queryOf } from '../../http/query';
import { parseInput } from '../../http/validate';
import type { CategoryDoc, ProductDoc } from './model';
import { toCategory, toProduct } from './dto';
import { listProducts } from './list-products';
import { skusByProduct } from './load-skus';

export function catalogRoutes(models: Models): Router {
  const router = new Router({ prefix: '/api/products' });
  router.get('/', async (ctx) => {
    ctx.body = await listProducts(models, parseInput(productsQuery, queryOf(ctx)));
  });
  router.get('/:id', async (ctx) => {
    if (!isValidObjectId(ctx.params.id)) throw notFound('Product');
    const product = await models.Product.findOne({ _id: ctx.params.id, onShelf: true }, { reservations: 0 }).lean<ProductDoc>();
    if (!product) throw notFound('Product');
    const skus = await skusByProduct(models, [product._id]);
    ctx.body = toProduct(product, skus.get(String(product._id)) ?? []);
  });
  return router;
}

export function categoryRoutes(models: Models): Router {
  const router = new Router({ prefix: '/api/categories' });
  router.get('/', async (ctx) => {
    const categories = await models.Category.find({}).sort({ sort: 1, name: 1 }).lean<CategoryDoc[]>();
    ctx.body = { items: categories.map(toCategory) };
  });
  return router;
}
