// Every collection of the API, bound to one mongoose connection (not the global default) so that tests can run
// two API instances against one database, as two servers behind a load balancer would. Each feature defines
// and owns its models; this file only gathers them for the Services object.
import type { Connection } from 'mongoose';
import { infraModels } from './infra/model';
import { afterSaleModels } from './modules/aftersales/model';
import { anomalyModels } from './modules/anomalies/model';
import { catalogModels } from './modules/catalog/model';
import { freightModels } from './modules/freight/model';
import { imageModels } from './modules/images/model';
import { messageModels } from './modules/messages/model';
import { orderModels } from './modules/orders/model';
import { paymentModels } from './modules/payments/model';
import { reconciliationModels } from './modules/reconciliation/model';
import { refundModels } from './modules/refunds/model';
import { shippingModels } from './modules/shipping/model';
import { shopperModels } from './modules/shoppers/model';
import { staffModels } from './modules/staff/model';
import { storeModels } from './modules/store/model';
import { wechatModels } from './modules/wechat/model';

export function defineModels(db: Connection) {
  return {
    ...infraModels(db),
    ...wechatModels(db),
    ...shopperModels(db),
    ...staffModels(db),
    ...storeModels(db),
    ...anomalyModels(db),
    ...imageModels(db),
    ...catalogModels(db),
    ...freightModels(db),
    ...orderModels(db),
    ...paymentModels(db),
    ...refundModels(db),
    ...shippingModels(db),
    ...messageModels(db),
    ...afterSaleModels(db),
    ...reconciliationModels(db),
  };
}

export type Models = ReturnType<typeof defineModels>;
