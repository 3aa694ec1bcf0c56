import Router from '@koa/router';
import { isValidObjectId } from 'mongoose';
import { shippingTemplateInput, updateShippingTemplateInput } from '@xiaodian/shared';
import type { Services } from '../../context';
import { notFound } from '../../errors';
import { adminOf, requireAdmin } from '../../http/auth';
import { parseInput } from '../../http/validate';
import { createShippingTemplate, deleteShippingTemplate, listShippingTemplates, updateShippingTemplate } from './templates';

export function adminShippingTemplateRoutes(s: Services): Router {
  const router = new Router({ prefix: '/api/admin/shipping-templates' });
  // Fees are the owner's business, as prices are.
  router.use(requireAdmin(s.tokens, ['owner']));

  router.get('/', async (ctx) => {
    ctx.body = await listShippingTemplates(s.models);
  });
  router.post('/', async (ctx) => {
    ctx.body = await createShippingTemplate(s.models, adminOf(ctx).username, parseInput(shippingTemplateInput, ctx.request.body));
    ctx.status = 201;
  });
  router.patch('/:id', async (ctx) => {
    if (!isValidObjectId(ctx.params.id)) throw notFound('Shipping template');
    ctx.body = await updateShippingTemplate(s.models, adminOf(ctx).username, String(ctx.params.id), parseInput(updateShippingTemplateInput, ctx.request.body));
  });
  router.delete('/:id', async (ctx) => {
    if (!isValidObjectId(ctx.params.id)) throw notFound('Shipping template');
    await deleteShippingTemplate(s.models, adminOf(ctx).username, String(ctx.params.id));
    ctx.status = 204;
  });
  return router;
}
