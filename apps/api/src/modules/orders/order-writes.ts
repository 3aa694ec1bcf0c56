// The two writes of every new order, gathered with the concurrent orders' (gathered-writes.ts): its insert in stage
// RESERVING, and its move to PLACED once its stock is reserved. Through the driver's collection: the document is
// built by createOrder from validated input, with the model's defaults applied (newOrderDocument), so mongoose's
// per-document casting and validation would only cost time on every order.
import type { Types } from 'mongoose';
import type { Models } from '../../collections';
import { isOnlyDuplicateKeys, writeErrorsOf } from '../../infra/duplicate-key';
import { driverCollection } from '../../infra/driver-collection';
import { perModels } from '../../infra/per-models';
import { gatherEach, gatherWritesEach } from '../../infra/gathered-writes';
import type { OrderDoc } from './model';

/**
 * The order as stored: `fields` (of their stored types already) with the model's defaults filled in, by hand —
 * building a mongoose document costs about a millisecond per order. test/order-document.test.ts keeps these
 * defaults equal to the schema's. (No `__v`: nothing reads the version key, and moves never write it.)
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
        // Unordered: every document but the refused ones is written. Only a duplicate key is a refusal of one
        // document; anything else fails the batch (its callers give back what they took).
        if (!isOnlyDuplicateKeys(err)) throw err;
        const refused = new Set(writeErrorsOf(err).map((e) => e.index));
        return docs.map((_, i) => !refused.has(i));
      }
    }),
    // One updateOne each in a bulk (single-document writes, which a replica set retries after a failover; a
    // multi-document update is not retried). Only an order's creator moves it to PLACED, so whenever the answer is
    // not a clean "all of them" — fewer modified (the sweeper removed an order after a long stall) or an error —
    // the orders' stages as they are now say which ones this write moved.
    place: gatherEach<Types.ObjectId, PlaceAnswer>(async (ids) => {
      let failed = false;
      const res = await orders
        .bulkWrite(
          ids.map((_id) => ({ updateOne: { filter: { _id, stage: 'RESERVING' as const }, update: { $set: { stage: 'PLACED' as const } } } })),
          { ordered: false },
        )
        .catch(() => {
          failed = true;
          return undefined;
        });
      if (res?.modifiedCount === ids.length) return ids.map(() => 'PLACED');
      const stages = new Map((await orders.find({ _id: { $in: ids } }, { projection: { stage: 1 } }).toArray()).map((o) => [String(o._id), o.stage]));
      return ids.map((id) => {
        const stage = stages.get(String(id));
        return stage === 'PLACED' ? 'PLACED' : stage === 'RESERVING' && failed ? 'FAILED' : 'GONE';
      });
    }),
  };
});

/** What the move to PLACED did: moved it, found it gone (the sweeper removed it), or failed to write. */
export type PlaceAnswer = 'PLACED' | 'GONE' | 'FAILED';

/** Writes the new order (stage RESERVING); false when the database refused it (a duplicate order number). */
export function insertOrder(models: Models, doc: OrderDoc): Promise<boolean> {
  return orderWritesOf(models).insert(doc);
}

/** RESERVING → PLACED. */
export function placeOrder(models: Models, orderId: Types.ObjectId): Promise<PlaceAnswer> {
  return orderWritesOf(models).place(orderId);
}
