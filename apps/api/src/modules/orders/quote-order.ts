import type { Address, OrderQuote, QuoteOrderInput } from '@xiaodian/shared';
import type { Models } from '../../collections';
import { defaultTemplateId } from '../freight/default-template';
import { orderShippingFee } from '../freight/order-shipping-fee';
import { orderItemsOf, type OrderLines } from './order-items';

/** What resolved lines cost to this address: the items, the shipping fee the API computes, and both together. */
export async function quoteOf(models: Models, lines: OrderLines, address: Address | undefined, defaultIdRead?: Promise<string | undefined>): Promise<OrderQuote> {
  const itemsFen = lines.items.reduce((sum, i) => sum + i.priceFen * i.quantity, 0);
  const shippingFeeFen = await orderShippingFee(models, lines.feeLines, address, defaultIdRead);
  return { itemsFen, shippingFeeFen, totalFen: itemsFen + shippingFeeFen };
}

/**
 * `POST /api/orders/quote`: the price an order of these items to this address would have now, refused as placing
 * it would be (unavailable products, limits, stock as read, not delivered there); nothing is reserved.
 */
export async function quoteOrder(models: Models, input: QuoteOrderInput): Promise<OrderQuote> {
  const [lines, defaultId] = await Promise.all([orderItemsOf(models, input), defaultTemplateId(models)]);
  return quoteOf(models, lines, input.address, Promise.resolve(defaultId));
}
