import { Types } from 'mongoose';
import type { CreateOrderInput } from '@xiaodian/shared';
import { AppError, conflict } from '../../errors';
import type { Models } from '../../collections';
import type { OrderDoc } from './model';
import { secondsUntil } from '../../infra/rate-limit';
import { releasePendingPlaceGathered, takePendingPlace } from './pending-orders';
import { driverCollection } from '../../infra/driver-collection';
import { orderItemsOf, outOfStock } from './order-items';
import { nextOrderNo } from './order-no';
import { quoteOf } from './quote-order';
import { defaultTemplateId } from '../freight/default-template';
import { releaseStock, reserveStock } from './stock';
import { insertOrder, newOrderDocument, placeOrder } from './order-writes';

/** Defaults of MAX_PENDING_ORDERS and ORDER_RATE_LIMIT (config.ts), for callers that pass none. */
const DEFAULT_MAX_PENDING_ORDERS = 5;
const DEFAULT_ORDER_RATE_LIMIT = 20;

/** `XD` + the order id + the attempt number in base 36: 28 characters of [A-Za-z0-9], within WeChat's 6–32. */
export function newOutTradeNo(orderId: Types.ObjectId, seq: number): string {
  // The order id makes it unique; the attempt number tells attempts of one order apart.
  return `XD${String(orderId)}${seq.toString(36).padStart(2, '0')}`.slice(0, 32);
}

/** How long the per-shopper order rate limit counts (ORDER_RATE_LIMIT orders per this window). */
export const ORDER_RATE_WINDOW_MS = 10 * 60_000;

/** 429 TOO_MANY_ATTEMPTS: the shopper placed ORDER_RATE_LIMIT orders in the last 10 minutes (the route sends Retry-After). */
export class TooManyOrdersError extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super('TOO_MANY_ATTEMPTS', { status: 429, message: `Too many orders in a short time; try again in ${retryAfterSeconds} s` });
  }
}

export interface CreateOrderDeps {
  models: Models;
  orderTtlSeconds: number;
  /** Unpaid orders one shopper may hold at once (config MAX_PENDING_ORDERS). */
  maxPendingOrders?: number;
  /** Orders one shopper may place per 10 minutes (config ORDER_RATE_LIMIT). */
  orderRateLimit?: number;
  /** Runs after each item is reserved (with its product): lets a test stall the process there, as a slow database would. */
  afterReserve?: (productId: Types.ObjectId, skuId: Types.ObjectId) => Promise<void>;
}

/**
 * Creates an order in three steps, each safe to crash after: (1) the shopper's place among their unpaid orders
 * is taken and the order is written in stage RESERVING, (2) stock is reserved item by item with guarded updates,
 * (3) the order becomes PLACED. A failure in (2) or (3) — including the sweeper having taken a stalled order for
 * dead and removed it — gives back everything this call took before answering; a crash is cleaned up by the
 * reservation sweeper, which removes orders stuck in RESERVING and releases reservations and places whose order
 * is gone.
 */
export async function createOrder(deps: CreateOrderDeps, shopper: { userId: string; openid: string }, input: CreateOrderInput): Promise<OrderDoc> {
  const { models } = deps;
  // The store's default shipping template is read alongside the products (every order needs both).
  const [lines, defaultId] = await Promise.all([orderItemsOf(models, input), defaultTemplateId(models)]);
  const { items } = lines;
  const { itemsFen, shippingFeeFen, totalFen } = await quoteOf(models, lines, input.address, Promise.resolve(defaultId));
  const userId = new Types.ObjectId(shopper.userId);
  const orderId = new Types.ObjectId();
  const maxPending = deps.maxPendingOrders ?? DEFAULT_MAX_PENDING_ORDERS;
  const now = new Date();
  // Both per-shopper limits in one guarded update, shared by every instance (pending-orders.ts); the order number
  // is taken meanwhile (a refused order leaves a gap in the day's sequence, no more).
  const numbered = nextOrderNo(models, now);
  // Awaited below, once the place is taken; a failure there is handled like any failure to write the order.
  numbered.catch(() => undefined);
  const place = await takePendingPlace(models, userId, orderId, {
    maxPending,
    ratePerWindow: deps.orderRateLimit ?? DEFAULT_ORDER_RATE_LIMIT,
    windowMs: ORDER_RATE_WINDOW_MS,
  });
  if (!place.taken && place.refusedBy === 'RATE') throw new TooManyOrdersError(secondsUntil(place.retryAt));
  if (!place.taken) throw conflict('TOO_MANY_PENDING_ORDERS', `You already have ${maxPending} unpaid orders; pay or cancel one first`);

  const outTradeNo = newOutTradeNo(orderId, 1);
  const reserved: typeof items = [];
  let order: OrderDoc;
  // Everything this call took goes back before it answers with a failure.
  const abandon = async () => {
    for (const taken of reserved) await releaseStock(models, taken.skuId, orderId, taken.quantity);
    // Independent of each other: both at once (a flash sale's late buyers abandon many orders together).
    await Promise.all([driverCollection<OrderDoc>(models.Order).deleteOne({ _id: orderId, stage: 'RESERVING' }), releasePendingPlaceGathered(models, userId, orderId)]);
  };
  try {
    const orderNo = await numbered;
    order = newOrderDocument({
      _id: orderId,
      orderNo,
      userId,
      openid: shopper.openid,
      items,
      itemsFen,
      shippingFeeFen,
      totalFen,
      address: input.address,
      ...(input.note ? { buyerNote: input.note } : {}),
      status: 'PENDING_PAYMENT',
      stage: 'RESERVING',
      outTradeNo,
      attemptSeq: 0,
      createdAt: now,
      expiresAt: new Date(now.getTime() + deps.orderTtlSeconds * 1000),
      events: [{ at: now, status: 'PENDING_PAYMENT', code: 'PLACED' }],
    });
    if (!(await insertOrder(models, order))) throw new Error(`order ${orderNo} was refused by the database (its number taken twice?)`);
  } catch (err) {
    await abandon();
    throw err;
  }

  for (const item of items) {
    const taken = await reserveStock(models, item.skuId, orderId, item.quantity).catch(async (err: unknown) => {
      // Failed to write or to learn the outcome: whatever this item may hold goes back too (a release is guarded
      // by the order's reservation entry, so one that never happened gives back nothing).
      reserved.push(item);
      await abandon().catch(() => undefined);
      throw err;
    });
    if (taken) {
      reserved.push(item);
      await deps.afterReserve?.(item.productId, item.skuId);
      continue;
    }
    // All or nothing: give back what this order took, then forget the order.
    await abandon();
    // How many are left now, for the shopper's message (a moment's figure: others are buying too). A refused
    // single unit needs no look: fewer than one is none (the usual refusal when a flash sale runs out).
    if (item.quantity === 1) throw outOfStock(item, 0);
    const left = await models.Sku.findById(item.skuId, { stock: 1, onShelf: 1 }).lean<{ stock?: number; onShelf?: boolean }>();
    throw outOfStock(item, left && left.onShelf !== false ? (left.stock ?? 0) : 0);
  }
  const placing = await placeOrder(models, orderId);
  if (placing !== 'PLACED') {
    // GONE: only the sweeper could have removed it, and only after a long stall. It released what the order held
    // when it looked; whatever was reserved after that would be held for an order that no longer exists. FAILED:
    // the order is still RESERVING, so it was never placed. Either way, everything goes back.
    await abandon();
    if (placing === 'FAILED') throw new Error(`order ${String(orderId)} could not be moved to PLACED`);
    throw conflict('OUT_OF_STOCK', 'The order took too long to reserve its stock; please try again');
  }
  // The order as written, now placed: only this call moves it until it answers.
  return { ...order, stage: 'PLACED' };
}
