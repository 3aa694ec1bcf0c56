// The console's own account, staff accounts (the owner's) and the audit trail.
import Router from '@koa/router';
import { adminAuditQuery, changePasswordInput, createStaffInput, resetStaffPasswordInput } from '@xiaodian/shared';
import type { Services } from '../../context';
import { adminOf, requireAdmin } from '../../http/auth';
import { queryOf } from '../../http/query';
import { parseInput } from '../../http/validate';
import { changeOwnPassword } from './change-own-password';
import { createStaff } from './create-staff';
import { listAudit } from './list-audit';
import { listStaff } from './list-staff';
import { logoutAdmin } from './logout-admin';
import { resetStaffPassword, setStaffDisabled } from './manage-staff';
import { parseWithNewPassword } from './new-password';
import { retryAfter } from './retry-after';

export function staffAdminRoutes(s: Services): Router {
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
    const input = parseWithNewPassword(createStaffInput, ctx.request.body);
    ctx.status = 201;
    ctx.body = await createStaff(s, input, adminOf(ctx).username);
  });

  router.post('/staff/:id/disable', owner, async (ctx) => {
    ctx.body = await setStaffDisabled(s, ctx.params.id!, true, adminOf(ctx));
  });

  router.post('/staff/:id/enable', owner, async (ctx) => {
    ctx.body = await setStaffDisabled(s, ctx.params.id!, false, adminOf(ctx));
  });

  router.post('/staff/:id/password', owner, async (ctx) => {
    const input = parseWithNewPassword(resetStaffPasswordInput, ctx.request.body);
    await resetStaffPassword(s, ctx.params.id!, input.password, adminOf(ctx));
    ctx.status = 204;
  });

  router.post('/password', anyAdmin, retryAfter, async (ctx) => {
    const input = parseWithNewPassword(changePasswordInput, ctx.request.body);
    await changeOwnPassword(s, adminOf(ctx), input, ctx.ip);
    ctx.status = 204;
  });

  router.get('/audit', anyAdmin, async (ctx) => {
    ctx.body = await listAudit(s, parseInput(adminAuditQuery, queryOf(ctx)));
  });
  return router;
}
