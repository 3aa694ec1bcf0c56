import Router from '@koa/router';
import { isValidObjectId } from 'mongoose';
import { createProductInput, updateProductInput } from '@xiaodian/shared';
import type { Services } from '../../context';
import { badRequest, conflict, notFound } from '../../errors';
import { adminOf, requireAdmin } from '../../http/auth';
import { parseInput } from '../../http/validate';
import type { ProductDoc } from './model';
import { writeAudit } from '../staff/audit';
import { reservedOf, toProduct } from './dto';

export function adminProductRoutes(s: Services): Router {
  const router = new Router({ prefix: '/api/admin/products' });
  router.use(requireAdmin(s.tokens));

  router.get('/', async (ctx) => {
    const q = typeof ctx.query.q === 'string' ? ctx.query.q.trim().slice(0, 64) : '';
    const filter = q ? { name: { $regex: q.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), $options: 'i' } } : {};
    const products = await s.models.Product.find(filter).sort({ createdAt: -1 }).limit(500).lean<ProductDoc[]>();
    ctx.body = { items: products.map((p) => toProduct(p, { admin: true })) };
  });

  router.post('/', async (ctx) => {
    const input = parseInput(createProductInput, ctx.request.body);
    const now = new Date();
    const product = await s.models.Product.create({ ...input, reservations: [], createdAt: now, updatedAt: now });
    await writeAudit(s.models, {
      at: now,
      actor: adminOf(ctx).username,
      action: 'product.create',
      productId: product._id,
      detail: `created “${input.name}” at ${input.priceFen} fen with stock ${input.stock}`,
      stockBefore: 0,
      stockAfter: input.stock,
    });
    ctx.status = 201;
    ctx.body = toProduct(product.toObject() as ProductDoc, { admin: true });
  });

  router.patch('/:id', async (ctx) => {
    if (!isValidObjectId(ctx.params.id)) throw notFound('Product');
    const input = parseInput(updateProductInput, ctx.request.body);
    const { stock, stockReason, imageUrl, maxPerOrder, ...fields } = input;
    if (stock !== undefined && !stockReason) throw badRequest('stockReason: required when changing stock');
    const actor = adminOf(ctx).username;
    const now = new Date();
    const set: Record<string, unknown> = { ...fields, updatedAt: now };
    const unset: Record<string, 1> = {};
    if (imageUrl === null) unset.imageUrl = 1;
    else if (imageUrl !== undefined) set.imageUrl = imageUrl;
    if (maxPerOrder === null) unset.maxPerOrder = 1;
    else if (maxPerOrder !== undefined) set.maxPerOrder = maxPerOrder;
    const unsetting = Object.keys(unset).length > 0 ? { $unset: unset } : {};

    let product: ProductDoc | null = null;
    if (stock === undefined) {
      product = await s.models.Product.findOneAndUpdate({ _id: ctx.params.id }, { $set: set, ...unsetting }, { returnDocument: 'after' }).lean<ProductDoc>();
      if (!product) throw notFound('Product');
    } else {
      // The figure is what is on hand (after a recount, say), reserved units included: available = on hand −
      // reserved. Shoppers reserve and release concurrently, so the write is a compare-and-set on the stock and the
      // exact set of reservations as read (one entry per order, whose quantity never changes): reserved units are
      // counted once, whatever happens in between; a lost round reads again.
      for (let i = 0; i < 10 && !product; i++) {
        const current = await s.models.Product.findById(ctx.params.id, { stock: 1, reservations: 1 }).lean<ProductDoc>();
        if (!current) throw notFound('Product');
        const reserved = reservedOf(current);
        if (stock < reserved) throw conflict('STOCK_BELOW_RESERVED', `${reserved} are held by unpaid orders: on hand cannot be less than that`);
        const orderIds = (current.reservations ?? []).map((r) => r.orderId);
        product = await s.models.Product.findOneAndUpdate(
          {
            _id: ctx.params.id,
            stock: current.stock,
            reservations: { $size: orderIds.length },
            ...(orderIds.length > 0 ? { 'reservations.orderId': { $all: orderIds } } : {}),
          },
          { $set: { ...set, stock: stock - reserved }, ...unsetting },
          { returnDocument: 'after' },
        ).lean<ProductDoc>();
        if (product) {
          await writeAudit(s.models, {
            at: now,
            actor,
            action: 'product.stock',
            productId: product._id,
            detail: stockReason!,
            // On hand, before and after: what the admin counted, whatever unpaid orders held at the time.
            stockBefore: current.stock + reserved,
            stockAfter: stock,
          });
        }
      }
      if (!product) throw conflict('CONFLICT', 'Stock is changing quickly; try again');
    }
    const changed = [...Object.keys(fields), ...(imageUrl !== undefined ? ['imageUrl'] : []), ...(maxPerOrder !== undefined ? ['maxPerOrder'] : [])];
    if (changed.length > 0) {
      await writeAudit(s.models, { at: now, actor, action: 'product.update', productId: product._id, detail: `changed ${changed.join(', ')}` });
    }
    ctx.body = toProduct(product, { admin: true });
  });
  return router;
}
