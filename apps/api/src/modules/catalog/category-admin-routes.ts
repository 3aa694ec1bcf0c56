import Router from '@koa/router';
import { isValidObjectId } from 'mongoose';
import { createCategoryInput, updateCategoryInput } from '@xiaodian/shared';
import type { Services } from '../../context';
import { notFound } from '../../errors';
import { adminOf, requireAdmin } from '../../http/auth';
import { parseInput } from '../../http/validate';
import { createCategory, deleteCategory, updateCategory } from './categories';

export function adminCategoryRoutes(s: Services): Router {
  const router = new Router({ prefix: '/api/admin/categories' });
  router.use(requireAdmin(s.tokens));

  router.post('/', async (ctx) => {
    ctx.body = await createCategory(s.models, adminOf(ctx).username, parseInput(createCategoryInput, ctx.request.body));
    ctx.status = 201;
  });
  router.patch('/:id', async (ctx) => {
    if (!isValidObjectId(ctx.params.id)) throw notFound('Category');
    ctx.body = await updateCategory(s.models, adminOf(ctx).username, String(ctx.params.id), parseInput(updateCategoryInput, ctx.request.body));
  });
  router.delete('/:id', async (ctx) => {
    if (!isValidObjectId(ctx.params.id)) throw notFound('Category');
    await deleteCategory(s.models, adminOf(ctx).username, String(ctx.params.id));
    ctx.status = 204;
  });
  return router;
}
