import Router from '@koa/router';
import { isValidObjectId } from 'mongoose';
import { adminProductsQuery, createProductInput, updateProductInput, updateSkuInput } from '@xiaodian/shared';
import type { Services } from '../../context';
import { notFound } from '../../errors';
import { adminOf, requireAdmin } from '../../http/auth';
import { queryOf } from '../../http/query';
import { parseInput } from '../../http/validate';
import { createProduct } from './create-product';
import { listProducts } from './list-products';
import { updateProduct, updateProductSku } from './update-product';

export function adminProductRoutes(s: Services): Router {
  const router = new Router({ prefix: '/api/admin/products' });
  router.use(requireAdmin(s.tokens));

  router.get('/', async (ctx) => {
    ctx.body = await listProducts(s.models, parseInput(adminProductsQuery, queryOf(ctx)), { admin: true });
  });

  router.post('/', async (ctx) => {
    const input = parseInput(createProductInput, ctx.request.body);
    ctx.body = await createProduct(s.models, adminOf(ctx).username, input);
    ctx.status = 201;
  });

  router.patch('/:id', async (ctx) => {
    if (!isValidObjectId(ctx.params.id)) throw notFound('Product');
    const input = parseInput(updateProductInput, ctx.request.body);
    ctx.body = await updateProduct(s.models, adminOf(ctx).username, String(ctx.params.id), input);
  });

  router.patch('/:id/skus/:skuId', async (ctx) => {
    if (!isValidObjectId(ctx.params.id)) throw notFound('Product');
    if (!isValidObjectId(ctx.params.skuId)) throw notFound('SKU');
    const input = parseInput(updateSkuInput, ctx.request.body);
    ctx.body = await updateProductSku(s.models, adminOf(ctx).username, String(ctx.params.id), String(ctx.params.skuId), input);
  });
  return router;
}
