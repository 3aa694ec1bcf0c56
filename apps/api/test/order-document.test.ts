// createOrder writes its order through the driver (orders/order-writes.ts), with the model's defaults filled in by
// hand: this keeps that hand-made document equal to what the mongoose model would have stored.
import mongoose, { Types } from 'mongoose';
import { describe, expect, it } from 'vitest';
import { orderModels } from '../src/modules/orders/model';
import { newOrderDocument } from '../src/modules/orders/order-writes';

describe('a new order as written', () => {
  it('has exactly the fields and defaults the Order model gives the same input', () => {
    const { Order } = orderModels(mongoose.createConnection());
    const now = new Date();
    const fields = {
      _id: new Types.ObjectId(),
      orderNo: '2612010001',
      userId: new Types.ObjectId(),
      openid: 'o-test',
      items: [{ productId: new Types.ObjectId(), skuId: new Types.ObjectId(), name: '茶', specs: { 规格: '大' }, priceFen: 990, quantity: 2, imageUrl: '/i/1.webp' }],
      itemsFen: 1980,
      shippingFeeFen: 600,
      totalFen: 2580,
      address: { name: '张三', phone: '13800000000', province: '广东省', city: '广州市', district: '天河区', detail: '体育西路 1 号' },
      buyerNote: '请放门口',
      status: 'PENDING_PAYMENT',
      stage: 'RESERVING',
      outTradeNo: 'XD0000000000000000000000000001',
      createdAt: now,
      expiresAt: new Date(now.getTime() + 900_000),
      events: [{ at: now, status: 'PENDING_PAYMENT', code: 'PLACED' }],
    };
    expect(newOrderDocument(fields)).toEqual(new Order(fields).toObject());
  });
});
