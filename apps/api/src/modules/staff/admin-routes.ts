// The console's own account, staff accounts (the owner's) and the audit trail.
import Router from '@koa/router';
import { adminAuditQuery, adminMePatchInput, changePasswordInput, createStaffInput, resetStaffPasswordInput } from '@xiaodian/shared';
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

  // `wechatBound`/`notify`: whether the owner's messages reach this account (the binding itself: messages room).
  const me = async (adminId: string, username: string, role: 'owner' | 'staff') => {
    const account = await s.models.Admin.findById(adminId).select({ wechatOpenid: 1, notify: 1 }).lean();
    return { id: adminId, username, role, wechatBound: Boolean(account?.wechatOpenid), notify: account?.notify ?? role === 'owner' };
  };

  router.get('/me', anyAdmin, async (ctx) => {
    const { adminId, username, role } = adminOf(ctx);
    ctx.body = await me(adminId, username, role);
  });

  router.patch('/me', anyAdmin, async (ctx) => {
    const { adminId, username, role } = adminOf(ctx);
    const { notify } = parseInput(adminMePatchInput, ctx.request.body);
    await s.models.Admin.updateOne({ _id: adminId }, { $set: { notify } });
    ctx.body = await me(adminId, username, role);
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
