// The console's views across features: the order list and detail, and the sales dashboard.
import Router from '@koa/router';
import type { Services } from '../../context';
import { adminOf, requireAdmin } from '../../http/auth';
import { queryOf } from '../../http/query';
import { parseInput } from '../../http/validate';
import { writeAudit } from '../staff/audit';
import { checkExportRange, ordersExportQuery, streamOrdersExport, XLSX_CONTENT_TYPE } from './export-orders';
import { getDashboard } from './get-dashboard';
import { getOrderDetail } from './get-order-detail';
import { adminOrdersListQuery, listOrders } from './list-orders';
import { countOrderTabs } from './order-tabs';

export function dashboardAdminRoutes(s: Services): Router {
  const router = new Router({ prefix: '/api/admin' });
  const anyAdmin = requireAdmin(s.tokens);

  router.get('/orders', anyAdmin, async (ctx) => {
    ctx.body = await listOrders(s, parseInput(adminOrdersListQuery, queryOf(ctx)));
  });

  // Before /orders/:id, which would take "export" for an id.
  router.get('/orders/export', anyAdmin, async (ctx) => {
    const range = parseInput(ordersExportQuery, queryOf(ctx));
    checkExportRange(range);
    await writeAudit(s.models, { actor: adminOf(ctx).username, action: 'orders.export', detail: `exported the orders of ${range.from}..${range.to}` });
    ctx.attachment(`orders-${range.from}-${range.to}.xlsx`);
    ctx.type = XLSX_CONTENT_TYPE;
    ctx.body = streamOrdersExport(s, range);
  });

  // Before /orders/:id, which would take "counts" for an id.
  router.get('/orders/counts', anyAdmin, async (ctx) => {
    ctx.body = await countOrderTabs(s);
  });

  router.get('/orders/:id', anyAdmin, async (ctx) => {
    ctx.body = await getOrderDetail(s, ctx.params.id!);
  });

  router.get('/dashboard', anyAdmin, async (ctx) => {
    ctx.body = await getDashboard(s);
  });
  return router;
}
