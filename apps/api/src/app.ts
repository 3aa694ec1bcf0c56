// Builds the Koa application from its dependencies without listening, so tests and server.ts share it.
import type Router from '@koa/router';
import Koa from 'koa';
import bodyParser from 'koa-bodyparser';
import type { Connection } from 'mongoose';
import type { Services } from './context';
import { bodyErrorOf } from './errors';
import { errorHandler } from './http/error-handler';
import { requestContext } from './http/request-context';
import { afterSaleAdminRoutes } from './modules/aftersales/admin-routes';
import { afterSaleRoutes } from './modules/aftersales/routes';
import { anomalyAdminRoutes } from './modules/anomalies/admin-routes';
import { adminProductRoutes } from './modules/catalog/admin-routes';
import { adminCategoryRoutes } from './modules/catalog/category-admin-routes';
import { catalogRoutes, categoryRoutes } from './modules/catalog/routes';
import { dashboardAdminRoutes } from './modules/dashboard/admin-routes';
import { healthRoutes } from './modules/health/routes';
import { adminImageRoutes } from './modules/images/admin-routes';
import { imageRoutes } from './modules/images/routes';
import { messageAdminRoutes } from './modules/messages/admin-routes';
import { messageRoutes } from './modules/messages/routes';
import { orderRoutes } from './modules/orders/routes';
import { adminShippingTemplateRoutes } from './modules/freight/admin-routes';
import { paymentRoutes } from './modules/payments/routes';
import { pushRoutes } from './modules/push/routes';
import { reconciliationAdminRoutes } from './modules/reconciliation/admin-routes';
import { refundAdminRoutes } from './modules/refunds/admin-routes';
import { refundRoutes } from './modules/refunds/routes';
import { settleAbnormalRefund } from './modules/refunds/settle-abnormal-refund';
import { shippingAdminRoutes } from './modules/shipping/admin-routes';
import { shopperOrderRoutes } from './modules/shipping/routes';
import { shopperRoutes } from './modules/shoppers/routes';
import { staffAdminRoutes } from './modules/staff/admin-routes';
import { staffRoutes } from './modules/staff/routes';
import { storeAdminRoutes } from './modules/store/admin-routes';
import { storeRoutes } from './modules/store/routes';

export interface AppDeps {
  services: Services;
  db: Connection;
}

/** Every router of the API; the OpenAPI test reads their routes, so add new ones here. */
export function apiRouters(services: Services, db: Connection): Router[] {
  return [
    healthRoutes(db),
    shopperRoutes(services),
    staffRoutes(services),
    storeRoutes(services),
    imageRoutes(services),
    categoryRoutes(services.models),
    catalogRoutes(services.models),
    orderRoutes(services),
    paymentRoutes(services),
    refundRoutes(services),
    shopperOrderRoutes(services),
    messageRoutes(services),
    afterSaleRoutes(services),
    adminImageRoutes(services),
    adminCategoryRoutes(services),
    adminShippingTemplateRoutes(services),
    adminProductRoutes(services),
    staffAdminRoutes(services),
    storeAdminRoutes(services),
    dashboardAdminRoutes(services),
    refundAdminRoutes(services),
    shippingAdminRoutes(services),
    messageAdminRoutes(services),
    afterSaleAdminRoutes(services),
    anomalyAdminRoutes(services, { REFUND_ABNORMAL: settleAbnormalRefund }),
    reconciliationAdminRoutes(services),
    pushRoutes(services),
  ];
}

/**
 * JSON bodies only. WeChat's signatures cover the raw bytes: koa-bodyparser keeps them in ctx.request.rawBody.
 * Whatever the parser throws (malformed JSON, a bare string or null, a bad Content-Encoding) is a 400
 * INVALID_BODY; errors of the routes after it pass through untouched.
 */
function jsonBody(): Koa.Middleware {
  const parse = bodyParser({ enableTypes: ['json'], jsonLimit: '256kb', strict: true });
  return async (ctx, next) => {
    let parsed = false;
    try {
      await parse(ctx, async () => {
        parsed = true;
      });
    } catch (err) {
      if (!parsed) throw bodyErrorOf(err as Error, true);
      throw err;
    }
    await next();
  };
}

export function createApp({ services, db }: AppDeps): Koa {
  const app = new Koa({ proxy: true });
  app.silent = true; // errors are logged by errorHandler with the request id, not printed by Koa
  app.use(requestContext(services.logger));
  app.use(errorHandler());
  app.use(jsonBody());
  for (const router of apiRouters(services, db)) {
    app.use(router.routes());
    app.use(router.allowedMethods());
  }
  return app;
}
