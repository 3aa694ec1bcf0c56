import { Types } from 'mongoose';
import type { CreateOrderInput } from '@xiaodian/shared';
import { AppError, conflict } from '../../errors';
import type { Models } from '../../collections';
import type { OrderDoc } from './model';
import type { ProductDoc } from '../catalog/model';
import { releaseStock, reserveStock } from './stock';

/** `XD` + the order id + the attempt number in base 36: 28 characters of [A-Za-z0-9], within WeChat's 6–32. */
export function newOutTradeNo(orderId: Types.ObjectId, seq: number): string {
  // The order id makes it unique; the attempt number tells attempts of one order apart.
  return `XD${String(orderId)}${seq.toString(36).padStart(2, '0')}`.slice(0, 32);
}

/**
 * Creates an order in three steps, each safe to crash after: (1) the order is written in stage RESERVING,
 * (2) stock is reserved item by item with guarded updates, (3) the order becomes PLACED. A failure in (2)
 * releases what was taken; a crash is cleaned up by the reservation sweeper, which releases the stock of
 * orders stuck in RESERVING.
 */
export async function createOrder(
  deps: { models: Models; orderTtlSeconds: number },
  shopper: { userId: string; openid: string },
  input: CreateOrderInput,
): Promise<OrderDoc> {
  const { models } = deps;
  const ids = input.items.map((i) => new Types.ObjectId(i.productId));
  const products = await models.Product.find({ _id: { $in: ids } }, { reservations: 0 }).lean<ProductDoc[]>();
  const byId = new Map(products.map((p) => [String(p._id), p]));
  const items = input.items.map((i) => {
    const product = byId.get(i.productId);
    if (!product || product.onShelf === false) {
      throw new AppError('PRODUCT_UNAVAILABLE', { status: 409, message: `Product ${i.productId} is not for sale` });
    }
    return { productId: product._id, name: product.name, priceFen: product.priceFen, quantity: i.quantity };
  });
  for (const item of items) {
    const product = byId.get(String(item.productId))!;
    if (product.stock < item.quantity) throw conflict('OUT_OF_STOCK', `Only ${product.stock} of “${product.name}” left`);
  }

  const now = new Date();
  const orderId = new Types.ObjectId();
  const outTradeNo = newOutTradeNo(orderId, 1);
  await models.Order.create({
    _id: orderId,
    userId: new Types.ObjectId(shopper.userId),
    openid: shopper.openid,
    items,
    totalFen: items.reduce((sum, i) => sum + i.priceFen * i.quantity, 0),
    address: input.address,
    status: 'PENDING_PAYMENT',
    stage: 'RESERVING',
    outTradeNo,
    attemptSeq: 0,
    createdAt: now,
    expiresAt: new Date(now.getTime() + deps.orderTtlSeconds * 1000),
    events: [{ at: now, status: 'PENDING_PAYMENT', note: 'order placed' }],
  });

  const reserved: typeof items = [];
  for (const item of items) {
    if (await reserveStock(models, item.productId, orderId, item.quantity)) {
      reserved.push(item);
      continue;
    }
    // All or nothing: give back what this order took, then forget the order.
    for (const taken of reserved) await releaseStock(models, taken.productId, orderId, taken.quantity);
    await models.Order.deleteOne({ _id: orderId, stage: 'RESERVING' });
    throw conflict('OUT_OF_STOCK', `“${item.name}” no longer has ${item.quantity} in stock`);
  }
  const placed = await models.Order.findOneAndUpdate(
    { _id: orderId, stage: 'RESERVING' },
    { $set: { stage: 'PLACED' } },
    { returnDocument: 'after' },
  ).lean<OrderDoc>();
  // Only the sweeper could have moved it, and only after a long stall: the stock is gone, so is the order.
  if (!placed) throw conflict('OUT_OF_STOCK', 'The order took too long to reserve its stock; please try again');
  return placed;
}
