// The console's views across features: the order list and detail, and the sales dashboard.
import Router from '@koa/router';
import { adminOrdersQuery } from '@xiaodian/shared';
import type { Services } from '../../context';
import { requireAdmin } from '../../http/auth';
import { queryOf } from '../../http/query';
import { parseInput } from '../../http/validate';
import { getDashboard } from './get-dashboard';
import { getOrderDetail } from './get-order-detail';
import { listOrders } from './list-orders';

export function dashboardAdminRoutes(s: Services): Router {
  const router = new Router({ prefix: '/api/admin' });
  const anyAdmin = requireAdmin(s.tokens);

  router.get('/orders', anyAdmin, async (ctx) => {
    ctx.body = await listOrders(s, parseInput(adminOrdersQuery, queryOf(ctx)));
  });

  router.get('/orders/:id', anyAdmin, async (ctx) => {
    ctx.body = await getOrderDetail(s, ctx.params.id!);
  });

  router.get('/dashboard', anyAdmin, async (ctx) => {
    ctx.body = await getDashboard(s);
  });
  return router;
}
