// Anomalies in the console: any admin reads them, the owner resolves them.
import Router from '@koa/router';
import { adminAnomaliesQuery, resolveAnomalyInput } from '@xiaodian/shared';
import type { Services } from '../../context';
import { adminOf, requireAdmin } from '../../http/auth';
import { queryOf } from '../../http/query';
import { parseInput } from '../../http/validate';
import { listAnomalies } from './list-anomalies';
import { resolveAnomaly, type AnomalySettlers } from './resolve-anomaly';

export function anomalyAdminRoutes(s: Services, settlers: AnomalySettlers): Router {
  const router = new Router({ prefix: '/api/admin' });
  router.get('/anomalies', requireAdmin(s.tokens), async (ctx) => {
    const { status } = parseInput(adminAnomaliesQuery, queryOf(ctx));
    ctx.body = { items: await listAnomalies(s, status) };
  });

  router.post('/anomalies/:id/resolve', requireAdmin(s.tokens, ['owner']), async (ctx) => {
    const { note } = parseInput(resolveAnomalyInput, ctx.request.body);
    ctx.body = await resolveAnomaly(s, settlers, ctx.params.id!, note, adminOf(ctx).username);
  });
  return router;
}
