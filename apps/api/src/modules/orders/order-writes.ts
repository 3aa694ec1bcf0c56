// The two writes of every new order, gathered with the concurrent orders' (gathered-writes.ts): its insert in stage
// RESERVING, and its move to PLACED once its stock is reserved. Through the driver's collection: the document is
// built by createOrder from validated input, with the model's defaults applied (newOrderDocument), so mongoose's
// per-document casting and validation would only cost time on every order.
import { mongo } from 'mongoose';
import type { Models } from '../../collections';
import type { Types } from 'mongoose';
import { driverCollection } from '../../infra/driver-collection';
import { perModels } from '../../infra/per-models';
import { gatherWritesEach } from './gathered-writes';
import type { OrderDoc } from './model';

/**
 * The order as stored: `fields` (of their stored types already) with the model's defaults filled in, by hand —
 * building a mongoose document costs about a millisecond per order. test/order-document.test.ts keeps these
 * defaults equal to the schema's.
 */
export function newOrderDocument(fields: Record<string, unknown> & { _id: Types.ObjectId }): OrderDoc {
  const defaults = { attemptSeq: 0, paidFen: 0, refundedFen: 0, refundCommittedFen: 0, refundsInFlight: 0, refundNos: [], refundsCounted: [], outbox: [], events: [] };
  return { ...defaults, ...fields } as unknown as OrderDoc;
}

const orderWritesOf = perModels((models: Models) => {
  const orders = driverCollection<OrderDoc>(models.Order);
  return {
    insert: gatherWritesEach<OrderDoc>(async (docs) => {
      try {
        await orders.insertMany(docs, { ordered: false });
        return docs.map(() => true);
      } catch (err) {
        // Unordered: every document but the refused ones is written. Anything else fails the batch.
        if (!(err instanceof mongo.MongoBulkWriteError)) throw err;
        const refused = new Set((Array.isArray(err.writeErrors) ? err.writeErrors : [err.writeErrors]).map((e) => e.index));
        return docs.map((_, i) => !refused.has(i));
      }
    }),
    place: gatherWritesEach<Types.ObjectId>(async (ids) => {
      const res = await orders.updateMany({ _id: { $in: ids }, stage: 'RESERVING' }, { $set: { stage: 'PLACED' } });
      if (res.modifiedCount === ids.length) return ids.map(() => true);
      // Some order was no longer there in RESERVING (the sweeper removed it after a long stall): only its creator
      // moves an order to PLACED, so the ones that are PLACED now are the ones this write moved.
      const now = await orders.find({ _id: { $in: ids } }, { projection: { stage: 1 } }).toArray();
      const placed = new Set(now.filter((o) => o.stage === 'PLACED').map((o) => String(o._id)));
      return ids.map((id) => placed.has(String(id)));
    }),
  };
});

/** Writes the new order (stage RESERVING); false when the database refused it (a duplicate order number). */
export function insertOrder(models: Models, doc: OrderDoc): Promise<boolean> {
  return orderWritesOf(models).insert(doc);
}

/** RESERVING → PLACED; false when the order is no longer there in RESERVING. */
export function placeOrder(models: Models, orderId: Types.ObjectId): Promise<boolean> {
  return orderWritesOf(models).place(orderId);
}
