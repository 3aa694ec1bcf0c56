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
import { toProduct } from './dto';
import { skusByProduct } from './load-skus';
import type { ProductDoc } from './model';
import { updateProduct, updateProductSku } from './update-product';

export function adminProductRoutes(s: Services): Router {
  const router = new Router({ prefix: '/api/admin/products' });
  router.use(requireAdmin(s.tokens));

  router.get('/', async (ctx) => {
    ctx.body = await listProducts(s.models, parseInput(adminProductsQuery, queryOf(ctx)), { admin: true });
  });

  // One product as the editor opens it, on the shelf or not, with its SKUs' on-hand and reserved stock.
  router.get('/:id', async (ctx) => {
    if (!isValidObjectId(ctx.params.id)) throw notFound('Product');
    const product = await s.models.Product.findById(ctx.params.id, { reservations: 0 }).lean<ProductDoc>();
    if (!product) throw notFound('Product');
    const skus = await skusByProduct(s.models, [product._id], { reservations: true });
    ctx.body = toProduct(product, skus.get(String(product._id)) ?? [], { admin: true });
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
