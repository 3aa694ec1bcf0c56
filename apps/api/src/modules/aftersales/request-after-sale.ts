// A shopper asks for money back. The order update is the commit point: one compare-and-set takes the order's one
// open-request slot (`openAfterSaleId` absent → this id), checks the money still refundable and the state as read,
// and writes the timeline entry and the owner's outbox message with it. The request document is written right
// after from the same data, which the timeline entry carries whole, so a crash between the two is repaired from
// the order (ensureOpenAfterSale) instead of leaving the order blocked by a request nobody can see.
import { Types } from 'mongoose';
import { isAfterSaleOpen, type AfterSaleStatus, type CreateAfterSaleInput, type OrderStatus } from '@xiaodian/shared';
import type { Services } from '../../context';
import { AppError, conflict } from '../../errors';
import { attachImages, imageIdOf } from '../images/attach-images';
import { findOwnOrder } from '../orders/find-own-order';
import type { OrderDoc } from '../orders/model';
import { outboxEntry } from '../orders/outbox';
import { partialRoom, refundExceedsItems, takesShippingFee } from '../refunds/refund-room';
import type { AfterSaleDoc } from './model';

const DAY_MS = 24 * 3600 * 1000;
/** Orders an after-sale applies to: money reached them, and no full refund is under way or done. */
const ELIGIBLE: readonly OrderStatus[] = ['PAID', 'SHIPPED', 'COMPLETED'];
const MAX_ROUNDS = 10;

/** What the timeline entry AFTER_SALE_REQUESTED carries: enough to write the request again after a crash. */
interface RequestedData {
  afterSaleId: string;
  type: CreateAfterSaleInput['type'];
  amountFen: number;
  reason: CreateAfterSaleInput['reason'];
  description?: string;
  images: string[];
}

export async function requestAfterSale(s: Services, userId: string, orderId: string, input: CreateAfterSaleInput): Promise<AfterSaleDoc> {
  const { models } = s;
  let order = await findOwnOrder(s, userId, orderId);
  refuse(s, order, input);
  const images = input.images.map((given) => imageIdOf(given) ?? given);
  await attachImages(models, images, 'after-sale');

  const id = new Types.ObjectId();
  const data: RequestedData = {
    afterSaleId: String(id),
    type: input.type,
    amountFen: input.amountFen,
    reason: input.reason,
    ...(input.description ? { description: input.description } : {}),
    images,
  };
  for (let round = 0; round < MAX_ROUNDS; round++) {
    if (order.openAfterSaleId && (await ensureOpenAfterSale(s, order))) throw openConflict();
    const paidFen = order.paidFen ?? 0;
    const committed = order.refundCommittedFen ?? 0;
    // The whole remaining amount as read (fee included), else room beside the fee: a shopper's partial request
    // never takes the fee (refunds/refund-room.ts).
    const whole = committed + input.amountFen === paidFen;
    const taken = await models.Order.updateOne(
      {
        _id: order._id,
        userId: order.userId,
        status: order.status,
        openAfterSaleId: { $exists: false },
        paidFen,
        refundCommittedFen: whole ? committed : partialRoom(order, input.amountFen, false),
        ...(order.status === 'COMPLETED' ? { completedAt: { $gte: windowStart(s) } } : {}),
      },
      {
        $set: { openAfterSaleId: id },
        $push: {
          events: { at: new Date(), status: order.status, code: 'AFTER_SALE_REQUESTED', data },
          outbox: outboxEntry('OWNER_AFTERSALE', `OWNER_AFTERSALE:${id}`, { afterSaleId: String(id), type: input.type, amountFen: input.amountFen }),
        },
      },
    );
    if (taken.modifiedCount === 1) return writeRequest(s, order, data);
    // Someone changed the order between our read and the update: read it again and judge again.
    order = await findOwnOrder(s, userId, orderId);
    refuse(s, order, input);
  }
  throw conflict('CONFLICT', 'The order is changing quickly; try again');
}

/** The rules, on the order as read; the compare-and-set repeats the ones that can change. */
function refuse(s: Services, order: OrderDoc, input: CreateAfterSaleInput): void {
  const status = order.status as OrderStatus;
  if (!ELIGIBLE.includes(status)) {
    throw new AppError('ORDER_NOT_REFUNDABLE', { status: 409, message: `A ${status} order takes no after-sale request` });
  }
  if (input.type === 'RETURN_REFUND' && status === 'PAID') {
    throw new AppError('ORDER_STATE', { status: 409, message: 'Nothing was shipped yet: ask for a refund only' });
  }
  if (status === 'COMPLETED' && (!order.completedAt || order.completedAt < windowStart(s))) {
    throw new AppError('AFTER_SALE_EXPIRED', { status: 409, message: `After-sale requests are accepted for ${s.config.afterSaleDays} days after completion` });
  }
  const refundable = (order.paidFen ?? 0) - (order.refundCommittedFen ?? 0);
  if (input.amountFen > refundable) {
    throw new AppError('REFUND_EXCEEDS_PAID', { status: 409, message: `At most ${Math.max(0, refundable)} fen of this order can still be refunded` });
  }
  if (takesShippingFee(order, input.amountFen, false)) throw refundExceedsItems(order);
}

function windowStart(s: Services): Date {
  return new Date(Date.now() - s.config.afterSaleDays * DAY_MS);
}

function openConflict(): AppError {
  return conflict('AFTER_SALE_OPEN', 'This order already has an open after-sale request');
}

async function writeRequest(s: Services, order: OrderDoc, data: RequestedData): Promise<AfterSaleDoc> {
  const id = new Types.ObjectId(data.afterSaleId);
  const at = new Date();
  await s.models.AfterSale.updateOne(
    { _id: id },
    {
      $setOnInsert: {
        orderId: order._id,
        userId: order.userId,
        type: data.type,
        status: 'REQUESTED',
        amountFen: data.amountFen,
        reason: data.reason,
        ...(data.description ? { description: data.description } : {}),
        images: data.images,
        history: [{ at, status: 'REQUESTED' }],
        createdAt: at,
        updatedAt: at,
      },
    },
    { upsert: true },
  );
  return (await s.models.AfterSale.findById(id).lean<AfterSaleDoc>())!;
}

/**
 * Whether the order's `openAfterSaleId` names a request that is really open. Repairs what a crash left: a request
 * the order took a slot for but that was never written is written from the timeline; a request that ended while
 * the order still points at it gives the slot back (compare-and-set on the id, so a newer request is untouched).
 */
export async function ensureOpenAfterSale(s: Services, order: OrderDoc): Promise<boolean> {
  const id = order.openAfterSaleId;
  if (!id) return false;
  const existing = await s.models.AfterSale.findById(id).lean<AfterSaleDoc>();
  if (existing) {
    if (isAfterSaleOpen(existing.status as AfterSaleStatus)) return true;
    await releaseOrderSlot(s, order._id, id);
    return false;
  }
  const requested = (order.events ?? []).find((e) => e.code === 'AFTER_SALE_REQUESTED' && (e.data as RequestedData | undefined)?.afterSaleId === String(id));
  if (requested) {
    await writeRequest(s, order, requested.data as RequestedData);
    return true;
  }
  await releaseOrderSlot(s, order._id, id);
  return false;
}

/** Gives the order's open-request slot back, if this request still holds it. */
export async function releaseOrderSlot(s: Pick<Services, 'models'>, orderId: Types.ObjectId, afterSaleId: Types.ObjectId, event?: Record<string, unknown>): Promise<void> {
  await s.models.Order.updateOne({ _id: orderId, openAfterSaleId: afterSaleId }, { $unset: { openAfterSaleId: 1 }, ...(event ? { $push: { events: event } } : {}) });
}
