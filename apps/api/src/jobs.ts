// Every background job of the API. Each lives with the feature whose work it does; every job claims its work
// item by item in the database, so every instance may run all of them.
import type { Job } from './infra/job-runner';
import { runAfterSaleRefunds } from './modules/aftersales/after-sale-refund-job';
import { runOrphanImages } from './modules/images/orphan-images-job';
import { runMessages } from './modules/messages/messages-job';
import { runReservationSweeper } from './modules/orders/reservation-sweeper-job';
import { runOrderExpiry } from './modules/payments/order-expiry-job';
import { runPaymentSync } from './modules/payments/payment-sync-job';
import { runReconciliationJob } from './modules/reconciliation/reconciliation-job';
import { runRefundSync } from './modules/refunds/refund-sync-job';
import { runAutoComplete } from './modules/shipping/auto-complete-job';
import { runShippingUpload } from './modules/shipping/shipping-upload-job';

export const JOBS: readonly Job[] = [
  { name: 'order-expiry', everyMs: 5_000, run: runOrderExpiry },
  { name: 'payment-sync', everyMs: 10_000, run: runPaymentSync },
  { name: 'refund-sync', everyMs: 15_000, run: runRefundSync },
  { name: 'reservation-sweeper', everyMs: 30_000, run: runReservationSweeper },
  { name: 'shipping-upload', everyMs: 15_000, run: runShippingUpload },
  // Days-long deadlines: once a minute is plenty (one indexed query when nothing is due).
  { name: 'auto-complete', everyMs: 60_000, run: runAutoComplete },
  // Subscribe messages leave within seconds of the change they report (the contract allows 60 s).
  { name: 'messages', everyMs: 5_000, run: runMessages },
  // After-sale refunds a crash left unstarted (rare: one query when there are none).
  { name: 'after-sale-refunds', everyMs: 30_000, run: runAfterSaleRefunds },
  // Uploads never attached are deleted a day after; a late run costs nothing but storage.
  { name: 'orphan-images', everyMs: 10 * 60_000, run: runOrphanImages },
  // Cheap when there is nothing to do (one query); the bill of yesterday is picked up soon after 10:00 Beijing.
  { name: 'reconciliation', everyMs: 5 * 60_000, run: runReconciliationJob },
];
