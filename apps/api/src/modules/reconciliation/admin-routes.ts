import Router from '@koa/router';
import { reconciliationInput } from '@xiaodian/shared';
import type { Services } from '../../context';
import { notFound } from '../../errors';
import { adminOf, requireAdmin } from '../../http/auth';
import { parseInput } from '../../http/validate';
import { writeAudit } from '../staff/audit';
import { toReport, toSummary } from './dto';
import { reconciliationWorkbook } from './export-reconciliation';
import { getReconciliation, listReconciliations } from './list-reconciliations';
import { reconcileDate } from './reconcile-date';

/** Owner and staff may run and read reconciliations. */
export function reconciliationAdminRoutes(s: Services): Router {
  const router = new Router({ prefix: '/api/admin/reconciliations' });
  router.use(requireAdmin(s.tokens, ['owner', 'staff']));

  router.post('/', async (ctx) => {
    const { date } = parseInput(reconciliationInput, ctx.request.body);
    const done = await reconcileDate(s, date, { trigger: 'admin', wait: true });
    ctx.body = toReport(done!);
  });

  router.get('/', async (ctx) => {
    ctx.body = { items: (await listReconciliations(s.models)).map(toSummary) };
  });

  router.get('/:date', async (ctx) => {
    const found = await getReconciliation(s.models, ctx.params.date!);
    if (!found?.reconciledAt) throw notFound(`Reconciliation of ${ctx.params.date}`);
    ctx.body = toReport(found);
  });

  router.get('/:date/export', async (ctx) => {
    const found = await getReconciliation(s.models, ctx.params.date!);
    if (!found?.reconciledAt) throw notFound(`Reconciliation of ${ctx.params.date}`);
    const file = await reconciliationWorkbook(toReport(found));
    await writeAudit(s.models, { actor: adminOf(ctx).username, action: 'reconciliation.export', detail: `exported the reconciliation of ${found.date}` });
    ctx.attachment(`reconciliation-${found.date}.xlsx`);
    ctx.type = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    ctx.body = file;
  });

  return router;
}
