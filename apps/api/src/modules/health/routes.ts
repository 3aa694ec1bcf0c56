import Router from '@koa/router';
import type { Connection } from 'mongoose';

export function healthRoutes(db: Connection): Router {
  const router = new Router();
  router.get('/api/health', (ctx) => {
    // readyState 1 = connected: a load balancer should not send traffic to an instance without its database.
    if (db.readyState !== 1) {
      ctx.status = 503;
      ctx.body = { status: 'unavailable', database: 'disconnected' };
      return;
    }
    ctx.body = { status: 'ok' };
  });
  return router;
}
