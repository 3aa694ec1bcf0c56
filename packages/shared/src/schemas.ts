// The wire schemas of the public contract (docs/contract.md). The API validates every input with these and
// the mini program types its calls with the same definitions.
import { z } from 'zod';
import { ORDER_STATUSES } from './order-status';

const fen = z.number().int().nonnegative().max(100_000_000_00);
const objectId = z.string().regex(/^[a-f0-9]{24}$/, 'must be an id');

export const loginInput = z.object({ code: z.string().min(1).max(128) });
export type LoginInput = z.infer<typeof loginInput>;

export const adminLoginInput = z.object({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(256),
});
export type AdminLoginInput = z.infer<typeof adminLoginInput>;

/** The fields of WeChat's `chooseAddress`. */
export const address = z.object({
  name: z.string().trim().min(1).max(64),
  phone: z.string().trim().regex(/^[0-9+\- ]{5,20}$/, 'must be a phone number'),
  province: z.string().trim().min(1).max(32),
  city: z.string().trim().min(1).max(32),
  district: z.string().trim().min(1).max(32),
  detail: z.string().trim().min(1).max(200),
  postalCode: z.string().trim().max(16).optional(),
});
export type Address = z.infer<typeof address>;

export const createOrderInput = z.object({
  items: z
    .array(z.object({ productId: objectId, quantity: z.number().int().min(1).max(99) }))
    .min(1)
    .max(20)
    .refine((items) => new Set(items.map((i) => i.productId)).size === items.length, 'each product at most once'),
  address: address.optional(),
});
export type CreateOrderInput = z.infer<typeof createOrderInput>;

export const product = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  priceFen: fen,
  stock: z.number().int().nonnegative(),
  imageUrl: z.string().optional(),
  onShelf: z.boolean().optional(),
});
export type Product = z.infer<typeof product>;

export const createProductInput = z.object({
  name: z.string().trim().min(1).max(100),
  description: z.string().max(2000).default(''),
  priceFen: fen.min(1),
  stock: z.number().int().nonnegative().max(1_000_000),
  imageUrl: z.string().url().max(500).optional(),
  onShelf: z.boolean().default(true),
});
export type CreateProductInput = z.infer<typeof createProductInput>;

export const updateProductInput = z
  .object({
    name: z.string().trim().min(1).max(100),
    description: z.string().max(2000),
    priceFen: fen.min(1),
    imageUrl: z.string().url().max(500).nullable(),
    onShelf: z.boolean(),
    /** Absolute stock, set with a reason for the audit log. */
    stock: z.number().int().nonnegative().max(1_000_000),
    stockReason: z.string().trim().min(1).max(200),
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, 'nothing to change');
export type UpdateProductInput = z.infer<typeof updateProductInput>;

export const orderStatus = z.enum(ORDER_STATUSES);

export const orderItem = z.object({
  productId: z.string(),
  name: z.string(),
  priceFen: fen,
  quantity: z.number().int().positive(),
});
export type OrderItem = z.infer<typeof orderItem>;

export const order = z.object({
  id: z.string(),
  outTradeNo: z.string(),
  status: orderStatus,
  totalFen: fen,
  refundedFen: fen.optional(),
  items: z.array(orderItem),
  address: address.optional(),
  createdAt: z.string(),
  expiresAt: z.string(),
  paidAt: z.string().optional(),
  transactionId: z.string().optional(),
  shipping: z
    .object({ trackingNo: z.string(), expressCompany: z.string(), shippedAt: z.string() })
    .optional(),
  events: z.array(z.object({ at: z.string(), status: orderStatus, note: z.string().optional() })).optional(),
});
export type Order = z.infer<typeof order>;

/** What `POST /api/orders/:id/pay` returns: the arguments of `wx.requestPayment` (plus appId for the H5 cashier). */
export const payParams = z.object({
  appId: z.string(),
  timeStamp: z.string(),
  nonceStr: z.string(),
  package: z.string().startsWith('prepay_id='),
  signType: z.literal('RSA'),
  paySign: z.string(),
});
export type PayParams = z.infer<typeof payParams>;

export const refundInput = z.object({
  amountFen: fen.min(1),
  reason: z.string().trim().min(1).max(80),
});
export type RefundInput = z.infer<typeof refundInput>;

export const shipInput = z.object({
  trackingNo: z.string().trim().min(1).max(128),
  expressCompany: z.string().trim().min(1).max(64),
});
export type ShipInput = z.infer<typeof shipInput>;

export const adminOrdersQuery = z.object({
  status: orderStatus.optional(),
  q: z.string().trim().max(64).optional(),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
});
export type AdminOrdersQuery = z.infer<typeof adminOrdersQuery>;

export const reconciliationInput = z.object({ date: z.iso.date() });

export const DISCREPANCY_KINDS = ['MISSING_LOCALLY', 'MISSING_AT_WECHAT', 'AMOUNT_MISMATCH', 'REFUND_MISMATCH'] as const;
export const DISCREPANCY_ACTIONS = ['HEALED', 'REFUNDED', 'FLAGGED'] as const;
export const report = z.object({
  date: z.string(),
  billRows: z.number().int(),
  matched: z.number().int(),
  discrepancies: z.array(
    z.object({
      kind: z.enum(DISCREPANCY_KINDS),
      outTradeNo: z.string(),
      transactionId: z.string().optional(),
      detail: z.string(),
      action: z.enum(DISCREPANCY_ACTIONS),
    }),
  ),
});
export type Report = z.infer<typeof report>;
