import { plainText, shipInput, type ErrorCode } from '@xiaodian/shared';
import { z } from 'zod';
import type { Services } from '../../context';
import { AppError } from '../../errors';
import type { OrderDoc } from '../orders/model';
import { shipOrder } from './ship-order';

/** A courier's import is a few hundred parcels a day for a small shop; more in one request is refused (400). */
export const MAX_BATCH_ROWS = 500;

/** One parcel: the batch's row, and what an imported sheet's line must read as to be sent. */
export const shipBatchRow = shipInput.pick({ expressCompany: true, trackingNo: true }).extend({ orderNo: plainText({ min: 1, max: 32 }) });

export const shipBatchInput = z.object({
  rows: z.array(shipBatchRow).min(1).max(MAX_BATCH_ROWS),
});
export type ShipBatchInput = z.infer<typeof shipBatchInput>;

export interface ShipBatchResult {
  orderNo: string;
  ok: boolean;
  code?: ErrorCode;
}

/**
 * Ships each row on its own through the single ship's compare-and-set (so a row racing another admin's ship
 * ends in one shipment), and reports each row's outcome in the order given: an unknown order number is
 * NOT_FOUND, an order not 待发货 is ORDER_NOT_SHIPPABLE, and an order number on more than one row is CONFLICT on
 * every one of its rows and not shipped at all (which tracking number is right is the owner's call).
 */
export async function shipBatch(s: Pick<Services, 'models'>, input: ShipBatchInput, actor: string): Promise<{ results: ShipBatchResult[] }> {
  const seen = new Map<string, number>();
  for (const row of input.rows) seen.set(row.orderNo, (seen.get(row.orderNo) ?? 0) + 1);
  const orders = await s.models.Order.find({ stage: 'PLACED', orderNo: { $in: [...seen.keys()] } }, { _id: 1, orderNo: 1 }).lean<Pick<OrderDoc, '_id' | 'orderNo'>[]>();
  const idOf = new Map(orders.map((o) => [o.orderNo, String(o._id)]));
  const results: ShipBatchResult[] = [];
  // One after another: the rows share nothing, but a burst of 500 parallel updates would starve other requests.
  for (const row of input.rows) {
    if (seen.get(row.orderNo)! > 1) {
      results.push({ orderNo: row.orderNo, ok: false, code: 'CONFLICT' });
      continue;
    }
    const id = idOf.get(row.orderNo);
    if (!id) {
      results.push({ orderNo: row.orderNo, ok: false, code: 'NOT_FOUND' });
      continue;
    }
    try {
      await shipOrder(s, id, { expressCompany: row.expressCompany, trackingNo: row.trackingNo }, actor);
      results.push({ orderNo: row.orderNo, ok: true });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      results.push({ orderNo: row.orderNo, ok: false, code: err.code });
    }
  }
  return { results };
}
