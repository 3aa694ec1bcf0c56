// The admin console's API beyond products: account, staff, orders, refunds, shipping, anomalies, audit, dashboard.
// Any admin may read and ship; refunds, staff accounts and resolving anomalies are the owner's.
import Router from '@koa/router';
import type { Context } from 'koa';
import { adminAnomaliesQuery, adminAuditQuery, adminOrdersQuery, createStaffInput, refundInput, resolveAnomalyInput, shipInput } from '@xiaodian/shared';
import type { Services } from '../../context';
import { badRequest } from '../../errors';
import { adminOf, requireAdmin } from '../../http/auth';
import { parseInput } from '../../http/validate';
import { createStaff } from './create-staff';
import { toAdminOrder } from './dto';
import { getDashboard } from './get-dashboard';
import { getOrderDetail } from './get-order-detail';
import { listAnomalies } from './list-anomalies';
import { listAudit } from './list-audit';
import { listOrders } from './list-orders';
import { listStaff } from './list-staff';
import { logoutAdmin } from './logout-admin';
import { refundOrder } from './refund-order';
import { resolveAnomaly } from './resolve-anomaly';
import { shipOrder } from './ship-order';

/** Query parameters as given, without the empty ones (`?status=&q=` means "no filter"). */
function queryOf(ctx: Context): Record<string, string> {
  return Object.fromEntries(Object.entries(ctx.query).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''));
}

/** An Idempotency-Key header, if the caller sent one: printable ASCII, at most 128 characters. */
function idempotencyKeyOf(ctx: Context): string | undefined {
  const key = ctx.get('idempotency-key');
  if (!key) return undefined;
  if (!/^[\x21-\x7e]{1,128}$/.test(key)) throw badRequest('Idempotency-Key: 1 to 128 printable ASCII characters');
  return key;
}

export function adminRoutes(s: Services): Router {
  const router = new Router({ prefix: '/api/admin' });
  const anyAdmin = requireAdmin(s.tokens);
  const owner = requireAdmin(s.tokens, ['owner']);

  router.get('/me', anyAdmin, (ctx) => {
    const { adminId, username, role } = adminOf(ctx);
    ctx.body = { id: adminId, username, role };
  });

  router.post('/logout', anyAdmin, async (ctx) => {
    await logoutAdmin(s, adminOf(ctx));
    ctx.status = 204;
  });

  router.get('/staff', owner, async (ctx) => {
    ctx.body = { items: await listStaff(s) };
  });

  router.post('/staff', owner, async (ctx) => {
    const input = parseInput(createStaffInput, ctx.request.body);
    ctx.status = 201;
    ctx.body = await createStaff(s, input, adminOf(ctx).username);
  });

  router.get('/orders', anyAdmin, async (ctx) => {
    ctx.body = await listOrders(s, parseInput(adminOrdersQuery, queryOf(ctx)));
  });

  router.get('/orders/:id', anyAdmin, async (ctx) => {
    ctx.body = await getOrderDetail(s, ctx.params.id!);
  });

  router.post('/orders/:id/refunds', owner, async (ctx) => {
    const input = parseInput(refundInput, ctx.request.body);
    const idempotencyKey = idempotencyKeyOf(ctx);
    const { refund } = await refundOrder(s, { ...input, orderId: ctx.params.id!, actor: adminOf(ctx).username, ...(idempotencyKey ? { idempotencyKey } : {}) });
    ctx.status = 201;
    ctx.body = { outRefundNo: refund.outRefundNo, status: refund.status };
  });

  router.post('/orders/:id/ship', anyAdmin, async (ctx) => {
    const input = parseInput(shipInput, ctx.request.body);
    ctx.body = toAdminOrder(await shipOrder(s, ctx.params.id!, input, adminOf(ctx).username));
  });

  router.get('/anomalies', anyAdmin, async (ctx) => {
    const { status } = parseInput(adminAnomaliesQuery, queryOf(ctx));
    ctx.body = { items: await listAnomalies(s, status) };
  });

  router.post('/anomalies/:id/resolve', owner, async (ctx) => {
    const { note } = parseInput(resolveAnomalyInput, ctx.request.body);
    ctx.body = await resolveAnomaly(s, ctx.params.id!, note, adminOf(ctx).username);
  });

  router.get('/audit', anyAdmin, async (ctx) => {
    ctx.body = await listAudit(s, parseInput(adminAuditQuery, queryOf(ctx)));
  });

  router.get('/dashboard', anyAdmin, async (ctx) => {
    ctx.body = await getDashboard(s);
  });
  return router;
}
