// The wire schemas of the public contract (docs/openapi.yaml). The API validates every input with these and
// the mini program types its calls with the same definitions.
import { z } from 'zod';
import { hasControlCharacters, isImageUrl, normalizePhone } from './text';
import { PASSWORD_MIN_LENGTH, passwordProblem } from './passwords';
import { ORDER_STATUSES, REFUND_STATUSES } from './order-status';
import { ORDER_EVENT_CODES } from './order-events';
import { SHIPPING_MODES, shippingTemplateProblem } from './shipping-fee';

const fen = z.number().int().nonnegative().max(100_000_000_00);
const objectId = z.string().regex(/^[a-f0-9]{24}$/, 'must be an id');

/**
 * Trimmed text without control characters or bidi overrides (NUL, C0/C1, U+202A–U+202E, U+2066–U+2069): what a
 * person types into a name, an address or a note. `multiline` allows line breaks and tabs.
 */
export function plainText(options: { min?: number; max: number; multiline?: boolean }) {
  return z
    .string()
    .trim()
    .min(options.min ?? 0)
    .max(options.max)
    .refine((text) => !hasControlCharacters(text, { multiline: options.multiline }), 'must not contain control characters');
}

/** A product image: an https: URL or one of the API's own image paths (`/api/images/…`). */
export const imageUrl = z
  .string()
  .trim()
  .max(500)
  .refine(isImageUrl, 'must be an https: URL or an /api/images/ path');

/** A mainland mobile number (11 digits, starting with 1) or a landline with its area code and an optional extension. */
export const phoneNumber = z
  .string()
  .max(32)
  .transform((text, ctx) => {
    const phone = normalizePhone(text);
    if (phone === undefined) {
      ctx.addIssue({ code: 'custom', message: 'must be an 11-digit mobile number or a landline with its area code (010-12345678)' });
      return z.NEVER;
    }
    return phone;
  });

export const loginInput = z.object({ code: z.string().min(1).max(128) });
export type LoginInput = z.infer<typeof loginInput>;

export const adminLoginInput = z.object({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(256),
});
export type AdminLoginInput = z.infer<typeof adminLoginInput>;

/** The fields of WeChat's `chooseAddress`. */
export const address = z.object({
  name: plainText({ min: 1, max: 64 }),
  phone: phoneNumber,
  province: plainText({ min: 1, max: 32 }),
  city: plainText({ min: 1, max: 32 }),
  district: plainText({ min: 1, max: 32 }),
  detail: plainText({ min: 1, max: 200 }),
  postalCode: plainText({ max: 16 }).optional(),
});
export type Address = z.infer<typeof address>;

export const createOrderInput = z.object({
  items: z
    .array(
      z.object({
        productId: objectId,
        /** Required when the product has more than one SKU; a product without specs may omit it. */
        skuId: objectId.optional(),
        quantity: z.number().int().min(1).max(99),
      }),
    )
    .min(1)
    .max(20)
    .refine((items) => new Set(items.map((i) => `${i.productId}:${i.skuId ?? ''}`)).size === items.length, 'each product or SKU at most once'),
  address: address.optional(),
  /** 买家留言, shown on the admin order. */
  note: plainText({ max: 200, multiline: true }).optional(),
});
export type CreateOrderInput = z.infer<typeof createOrderInput>;

/** `POST /api/orders/quote`: what an order of these items to this address would cost (nothing is reserved). */
export const quoteOrderInput = createOrderInput.omit({ note: true });
export type QuoteOrderInput = z.infer<typeof quoteOrderInput>;

/** `200` of `POST /api/orders/quote`. */
export const orderQuote = z.object({ itemsFen: fen, shippingFeeFen: fen, totalFen: fen });
export type OrderQuote = z.infer<typeof orderQuote>;

// ---- Shipping templates (运费模板) ----

const provinceName = plainText({ min: 1, max: 32 });
const shippingRule = z.object({
  /** Empty: everywhere the other rules do not name. */
  provinces: z.array(provinceName).max(40),
  firstFen: fen,
  /** PIECE: pieces; WEIGHT: grams (up to 1000 kg). */
  first: z.number().int().min(0).max(1_000_000).optional(),
  nextFen: fen.optional(),
  next: z.number().int().min(0).max(1_000_000).optional(),
});

const shippingTemplateFields = z.object({
  name: plainText({ min: 1, max: 40 }),
  isDefault: z.boolean(),
  mode: z.enum(SHIPPING_MODES),
  rules: z.array(shippingRule).min(1).max(40),
  freeAboveFen: fen.optional(),
  undeliverable: z.array(provinceName).max(40),
});

/** `POST /api/admin/shipping-templates`; also the whole of a `PATCH` (a template is replaced as one, so it stays sound). */
export const shippingTemplateInput = shippingTemplateFields
  .extend({ isDefault: z.boolean().default(false), undeliverable: z.array(provinceName).max(40).default([]) })
  .superRefine((template, ctx) => {
    const problem = shippingTemplateProblem(template);
    if (problem) ctx.addIssue({ code: 'custom', path: ['rules'], message: problem });
  });
export type ShippingTemplateInput = z.infer<typeof shippingTemplateInput>;

/**
 * `PATCH /api/admin/shipping-templates/:id`: the fields given replace the stored ones; the result is validated whole.
 * `freeAboveFen: null` removes 满额包邮 (leaving the field out keeps it); `isDefault: false` clears the default
 * only if it is still this template.
 */
export const updateShippingTemplateInput = shippingTemplateFields
  .partial()
  .extend({ freeAboveFen: fen.nullable().optional() })
  .refine((v) => Object.keys(v).length > 0, 'nothing to change');
export type UpdateShippingTemplateInput = z.infer<typeof updateShippingTemplateInput>;

export const shippingTemplate = shippingTemplateFields.extend({ id: z.string() });
export type ShippingTemplate = z.infer<typeof shippingTemplate>;

// ---- Catalog: categories, specs (SKUs), images, search ----

/** The catalog's limits, shared by the API's validation and the console's editor. */
export const CATALOG_LIMITS = {
  /** Spec dimensions per product (颜色 × 尺寸 × …). */
  specs: 3,
  specNameMax: 10,
  /** Values per dimension. */
  specValues: 20,
  specValueMax: 20,
  skus: 100,
  images: 9,
  categoryNameMax: 20,
} as const;

/** A SKU's choice in each dimension: `{颜色: '红', 尺寸: 'M'}`; `{}` for the one SKU of a product without specs. */
export const skuSpecs = z.record(z.string(), z.string());
export type SkuSpecs = z.infer<typeof skuSpecs>;

/** A spec dimension: its name and the values it offers, in the order shoppers see them. */
export const specDimension = z.object({
  name: plainText({ min: 1, max: CATALOG_LIMITS.specNameMax }),
  values: z
    .array(plainText({ min: 1, max: CATALOG_LIMITS.specValueMax }))
    .min(1)
    .max(CATALOG_LIMITS.specValues)
    .refine((values) => new Set(values).size === values.length, 'each value at most once'),
});
export type SpecDimension = z.infer<typeof specDimension>;

/** An image as a client sends it back: the id an upload answered, or the url it answered (`/api/images/<id>`). */
export const imageRef = z.string().trim().min(1).max(500);

export const sku = z.object({
  id: z.string(),
  specs: skuSpecs,
  priceFen: fen,
  /** Available: what can still be ordered of this SKU. */
  stock: z.number().int().nonnegative(),
  /** The SKU's own image (medium size), when it has one. */
  imageUrl: z.string().optional(),
  /** Grams per unit, for WEIGHT shipping templates (absent: weighs nothing). */
  weightGrams: z.number().int().nonnegative().optional(),
  /** Admin only: units of this SKU held by unpaid orders. */
  reservedStock: z.number().int().nonnegative().optional(),
  /** Admin only: units on the shelf (stock + reservedStock); a stock edit sets this figure. */
  onHandStock: z.number().int().nonnegative().optional(),
});
export type Sku = z.infer<typeof sku>;

export const category = z.object({ id: z.string(), name: z.string(), sort: z.number().int() });
export type Category = z.infer<typeof category>;

export const product = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  /** The lowest SKU price ("¥39 起"). */
  priceFen: fen,
  /** Available: the sum of the SKUs' available stock (on hand minus what unpaid orders hold). */
  stock: z.number().int().nonnegative(),
  /** The first image's medium size (or the url a product made before images had). */
  imageUrl: z.string().optional(),
  /** The gallery, in order: urls the API serves (`/api/images/<id>`). */
  images: z.array(z.string()),
  categoryId: z.string().optional(),
  /** Empty for a product without specs (which has exactly one SKU, whose specs are `{}`). */
  specs: z.array(specDimension),
  skus: z.array(sku),
  onShelf: z.boolean().optional(),
  /** At most this many of the product in one order, its SKUs together (absent: no limit but the order's own). */
  maxPerOrder: z.number().int().positive().optional(),
  /** Admin views: the product's shipping template (absent: the store's default). */
  shippingTemplateId: z.string().optional(),
  /** Admin only: units held by unpaid orders. */
  reservedStock: z.number().int().nonnegative().optional(),
  /** Admin only: units on the shelf, reserved or not (stock + reservedStock); a stock edit sets this figure. */
  onHandStock: z.number().int().nonnegative().optional(),
});
export type Product = z.infer<typeof product>;

const page = z.coerce.number().int().min(1).max(10_000).default(1);

/** Products of one category and/or whose name contains `q` (literal text, any case). */
const productFilters = {
  categoryId: objectId.optional(),
  q: z.string().trim().max(64).optional(),
};

/** `GET /api/products?categoryId=&q=&page=&pageSize=` → `{items, total}`; without paging, the first 500 as before paging. */
export const productsQuery = z.object({ ...productFilters, page, pageSize: z.coerce.number().int().min(1).max(500).default(500) });
export type ProductsQuery = z.infer<typeof productsQuery>;

/** `GET /api/admin/products?categoryId=&q=&page=&pageSize=` → `{items, total}` (off-shelf products too). */
export const adminProductsQuery = productsQuery;
export type AdminProductsQuery = ProductsQuery;

/** `GET /api/orders?page=&pageSize=` → `{items, total}` (own orders, newest first); without them, the newest 100 as before. */
export const ownOrdersQuery = z.object({ page, pageSize: z.coerce.number().int().min(1).max(100).default(100) });
export type OwnOrdersQuery = z.infer<typeof ownOrdersQuery>;

const stockFigure = z.number().int().nonnegative().max(1_000_000);
/** Grams per unit (WEIGHT shipping templates), up to 1000 kg. */
const weightGrams = z.number().int().min(0).max(1_000_000);

/** A row of the SKU matrix as the console sends it. */
export const skuInput = z.object({
  specs: skuSpecs,
  priceFen: fen.min(1),
  stock: stockFigure,
  /** The SKU's own image: an uploaded image's id or url. */
  image: imageRef.optional(),
  /** Grams per unit (absent: weighs nothing under a WEIGHT template). */
  weightGrams: weightGrams.optional(),
});
export type SkuInput = z.infer<typeof skuInput>;

/** Every combination of the dimensions' values, in the order of the dimensions (the console's matrix rows). */
export function specCombinations(specs: readonly SpecDimension[]): SkuSpecs[] {
  return specs.reduce<SkuSpecs[]>(
    (rows, dim) => rows.flatMap((row) => dim.values.map((value) => ({ ...row, [dim.name]: value }))),
    [{}],
  );
}

/** A stable key of a SKU's specs in the dimensions' order: the same choice always gives the same key. */
export function specsKey(specs: readonly SpecDimension[], choice: SkuSpecs): string {
  return JSON.stringify(specs.map((dim) => choice[dim.name] ?? null));
}

/**
 * What is wrong with a SKU matrix, if anything: the dimensions must have distinct names and be at most 3, their
 * combinations at most 100, and `skus` must list every combination exactly once, naming each dimension and
 * nothing else. Without dimensions the matrix is the one SKU whose specs are `{}`.
 */
export function skuMatrixProblem(specs: readonly SpecDimension[], skus: readonly { specs: SkuSpecs }[]): string | undefined {
  if (specs.length > CATALOG_LIMITS.specs) return `at most ${CATALOG_LIMITS.specs} spec dimensions`;
  if (new Set(specs.map((d) => d.name)).size !== specs.length) return 'spec names must differ';
  const combinations = specs.reduce((n, d) => n * d.values.length, 1);
  if (combinations > CATALOG_LIMITS.skus) return `at most ${CATALOG_LIMITS.skus} SKUs (the specs make ${combinations})`;
  const names = new Set(specs.map((d) => d.name));
  const seen = new Set<string>();
  for (const sku of skus) {
    const keys = Object.keys(sku.specs);
    if (keys.length !== names.size || keys.some((k) => !names.has(k))) return `a SKU must name exactly the specs ${[...names].join(', ') || '(none)'}`;
    for (const dim of specs) {
      if (!dim.values.includes(sku.specs[dim.name]!)) return `${dim.name}: “${sku.specs[dim.name]}” is not one of its values`;
    }
    const key = specsKey(specs, sku.specs);
    if (seen.has(key)) return `the combination ${key} is listed twice`;
    seen.add(key);
  }
  if (seen.size !== combinations) return `skus must list every combination of the specs (${combinations}), ${combinations - seen.size} missing`;
  return undefined;
}

/**
 * `POST /api/admin/products`. With `specs`, `skus` lists every combination exactly once; without, `priceFen` and
 * `stock` make its one SKU (or `skus` holds that one SKU with specs `{}`).
 */
export const createProductInput = z
  .object({
    name: plainText({ min: 1, max: 100 }),
    description: plainText({ max: 2000, multiline: true }).default(''),
    categoryId: objectId.optional(),
    /** The gallery, in order: uploaded images' ids or urls. */
    images: z.array(imageRef).max(CATALOG_LIMITS.images).optional(),
    specs: z.array(specDimension).max(CATALOG_LIMITS.specs).optional(),
    skus: z.array(skuInput).min(1).max(CATALOG_LIMITS.skus).optional(),
    priceFen: fen.min(1).optional(),
    stock: stockFigure.optional(),
    /** Without specs: the one SKU's grams per unit (with skus, set per SKU). */
    weightGrams: weightGrams.optional(),
    /** An image url from before uploads (https: or /api/images/…); `images` is the way now. */
    imageUrl: imageUrl.optional(),
    onShelf: z.boolean().default(true),
    maxPerOrder: z.number().int().min(1).max(99).optional(),
    /** Absent: the store's default template. */
    shippingTemplateId: objectId.optional(),
  })
  .superRefine((input, ctx) => {
    const specs = input.specs ?? [];
    if (input.skus !== undefined && input.weightGrams !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['weightGrams'], message: 'with skus, weightGrams is set per SKU' });
      return;
    }
    if (input.skus === undefined) {
      if (specs.length > 0) ctx.addIssue({ code: 'custom', path: ['skus'], message: 'required with specs: one per combination' });
      else if (input.priceFen === undefined || input.stock === undefined) {
        ctx.addIssue({ code: 'custom', path: [input.priceFen === undefined ? 'priceFen' : 'stock'], message: 'priceFen and stock are required without skus' });
      }
      return;
    }
    const problem = skuMatrixProblem(specs, input.skus);
    if (problem) ctx.addIssue({ code: 'custom', path: ['skus'], message: problem });
  });
export type CreateProductInput = z.infer<typeof createProductInput>;

/**
 * `PATCH /api/admin/products/:id`. `priceFen`, `stock` and `weightGrams` edit the one SKU of a product without specs; `specs`
 * with `skus` replace the SKU matrix (refused while any SKU holds reservations).
 */
export const updateProductInput = z
  .object({
    name: plainText({ min: 1, max: 100 }),
    description: plainText({ max: 2000, multiline: true }),
    priceFen: fen.min(1),
    /** The one SKU's grams per unit (a product without specs). */
    weightGrams,
    imageUrl: imageUrl.nullable(),
    /** The gallery, in order (replaces it; `[]` removes every image). */
    images: z.array(imageRef).max(CATALOG_LIMITS.images),
    /** null: no category. */
    categoryId: objectId.nullable(),
    specs: z.array(specDimension).max(CATALOG_LIMITS.specs),
    skus: z.array(skuInput).min(1).max(CATALOG_LIMITS.skus),
    onShelf: z.boolean(),
    /** At most this many in one order; null lifts the limit. */
    maxPerOrder: z.number().int().min(1).max(99).nullable(),
    /** null: the store's default template. */
    shippingTemplateId: objectId.nullable(),
    /** Absolute on-hand stock (reserved units included), set with a reason for the audit log. */
    stock: stockFigure,
    stockReason: plainText({ min: 1, max: 200 }),
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, 'nothing to change')
  .superRefine((input, ctx) => {
    if (input.specs === undefined && input.skus === undefined) return;
    if (input.specs === undefined || input.skus === undefined) {
      ctx.addIssue({ code: 'custom', path: [input.specs === undefined ? 'specs' : 'skus'], message: 'specs and skus change together' });
      return;
    }
    if (input.priceFen !== undefined || input.stock !== undefined || input.weightGrams !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['skus'], message: 'with skus, price, stock and weight are set per SKU' });
      return;
    }
    const problem = skuMatrixProblem(input.specs, input.skus);
    if (problem) ctx.addIssue({ code: 'custom', path: ['skus'], message: problem });
  });
export type UpdateProductInput = z.infer<typeof updateProductInput>;

/** `PATCH /api/admin/products/:id/skus/:skuId`: a stock change needs a reason (the audit log's). */
export const updateSkuInput = z
  .object({
    priceFen: fen.min(1),
    /** Absolute on-hand stock of the SKU (reserved units included). */
    stock: stockFigure,
    stockReason: plainText({ min: 1, max: 200 }),
    /** The SKU's own image (id or url); null removes it. */
    image: imageRef.nullable(),
    /** Grams per unit. */
    weightGrams,
  })
  .partial()
  .refine((v) => v.priceFen !== undefined || v.stock !== undefined || v.image !== undefined || v.weightGrams !== undefined, 'nothing to change')
  .refine((v) => v.stock === undefined || v.stockReason !== undefined, { path: ['stockReason'], message: 'required when changing stock' });
export type UpdateSkuInput = z.infer<typeof updateSkuInput>;

/** `POST /api/admin/categories`: shown by `sort` (ascending), then name. */
export const createCategoryInput = z.object({
  name: plainText({ min: 1, max: CATALOG_LIMITS.categoryNameMax }),
  sort: z.number().int().min(-1_000_000).max(1_000_000).default(0),
});
export type CreateCategoryInput = z.input<typeof createCategoryInput>;

/** `PATCH /api/admin/categories/:id`: rename and/or move. */
export const updateCategoryInput = z
  .object({ name: plainText({ min: 1, max: CATALOG_LIMITS.categoryNameMax }), sort: z.number().int().min(-1_000_000).max(1_000_000) })
  .partial()
  .refine((v) => Object.keys(v).length > 0, 'nothing to change');
export type UpdateCategoryInput = z.infer<typeof updateCategoryInput>;

export const orderStatus = z.enum(ORDER_STATUSES);

/**
 * Why an order closed: it expired unpaid, the shopper cancelled it, or WeChat took a payment the shop had to refuse
 * (a wrong amount, another appid) — that money is refunded automatically.
 */
export const CLOSED_REASONS = ['EXPIRED', 'CANCELLED', 'PAYMENT_REFUSED'] as const;
export type ClosedReason = (typeof CLOSED_REASONS)[number];

/** An order line: a snapshot of the SKU at ordering (name, specs, price, thumbnail). */
export const orderItem = z.object({
  productId: z.string(),
  skuId: z.string(),
  name: z.string(),
  /** The SKU's choice (`{}` for a product without specs). */
  specs: skuSpecs,
  priceFen: fen,
  quantity: z.number().int().positive(),
  /** The thumbnail of the SKU's image, else the product's first image. */
  imageUrl: z.string().optional(),
});
export type OrderItem = z.infer<typeof orderItem>;

/** A timeline entry: the status after it and, since issue 13, what happened as a code with its data (rendered by the client). */
export const orderEventView = z.object({
  at: z.string(),
  status: orderStatus,
  code: z.enum(ORDER_EVENT_CODES).optional(),
  data: z.record(z.string(), z.unknown()).optional(),
});
export type OrderEventView = z.infer<typeof orderEventView>;

/** A refund of the order as the shopper sees it (PENDING: the shop is still sending it to WeChat). */
export const orderRefund = z.object({
  outRefundNo: z.string(),
  amountFen: fen,
  reason: z.string(),
  status: z.enum(REFUND_STATUSES),
  createdAt: z.string(),
  successAt: z.string().optional(),
});
export type OrderRefund = z.infer<typeof orderRefund>;

export const order = z.object({
  id: z.string(),
  /** The number a person reads and types (`2611300042`); absent on orders from before it. */
  orderNo: z.string().optional(),
  outTradeNo: z.string(),
  status: orderStatus,
  /**
   * The items' prices together; `totalFen = itemsFen + shippingFeeFen`. The API always sends both (orders from
   * before fees: `itemsFen = totalFen`, `shippingFeeFen = 0`); optional here only so that clients' fixtures
   * written before fees still type.
   */
  itemsFen: fen.optional(),
  shippingFeeFen: fen.optional(),
  totalFen: fen,
  refundedFen: fen.optional(),
  /** paid − refunds started and not failed (≥ 0): a refund of exactly this much is whole and includes the fee. */
  refundableFen: fen.optional(),
  /** max(0, refundableFen − shippingFeeFen): the most a partial refund (or after-sale request) may take without the fee. */
  partialRefundMaxFen: fen.optional(),
  items: z.array(orderItem),
  /** 买家留言. */
  buyerNote: z.string().optional(),
  address: address.optional(),
  createdAt: z.string(),
  expiresAt: z.string(),
  paidAt: z.string().optional(),
  transactionId: z.string().optional(),
  /** Why a CLOSED order closed, for the client to render. */
  closedReason: z.enum(CLOSED_REASONS).optional(),
  shipping: z
    .object({ trackingNo: z.string(), expressCompany: z.string(), shippedAt: z.string() })
    .optional(),
  /** The same as `shipping` under the contract's name (carrier, tracking number, when). */
  shipment: z
    .object({ trackingNo: z.string(), expressCompany: z.string(), shippedAt: z.string() })
    .optional(),
  completedAt: z.string().optional(),
  /** The order's refunds, newest last (the API always sends the list on reads). */
  refunds: z.array(orderRefund).optional(),
  /** The open after-sale request, if any. */
  openAfterSaleId: z.string().optional(),
  /** Confirming receipt opens WeChat's own confirm UI (the shop uses WeChat's trade management; the order has a transaction). */
  confirmInWechat: z.boolean().optional(),
  /** The order's timeline for the shopper: codes and data, no operator notes or names. */
  events: z.array(orderEventView).optional(),
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
  reason: plainText({ min: 1, max: 80 }),
  /**
   * A partial refund may also take the shipping fee (without it, at most `partialRefundMaxFen`; over it: 409
   * REFUND_EXCEEDS_ITEMS). A refund of the whole remaining amount always includes the fee.
   */
  includeShippingFee: z.boolean().optional(),
});
export type RefundInput = z.infer<typeof refundInput>;

export const shipInput = z.object({
  trackingNo: plainText({ min: 1, max: 128 }),
  expressCompany: plainText({ min: 1, max: 64 }),
  /** WeChat's logistics_type: 1 express (the default), 3 virtual goods, 4 self-pickup. */
  logisticsType: z.union([z.literal(1), z.literal(3), z.literal(4)]).optional(),
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

// ---- Store admin (H5 console) ----

export const ADMIN_ROLES = ['owner', 'staff'] as const;
export type AdminRole = (typeof ADMIN_ROLES)[number];

/** The signed-in administrator (`GET /api/admin/me`) and the entries of `GET /api/admin/staff`. */
export const adminAccount = z.object({
  id: z.string(),
  username: z.string(),
  role: z.enum(ADMIN_ROLES),
  createdAt: z.string().optional(),
  /** A disabled account cannot sign in and has no sessions (`GET /api/admin/staff` only). */
  disabled: z.boolean().optional(),
  /** `GET`/`PATCH /api/admin/me`: a WeChat is bound to this account (the owner's messages can reach it). */
  wechatBound: z.boolean().optional(),
  /** `GET`/`PATCH /api/admin/me`: the owner's messages go to the bound WeChat (default: the owner yes, staff no). */
  notify: z.boolean().optional(),
});
export type AdminAccount = z.infer<typeof adminAccount>;

// PASSWORD_MIN_LENGTH and passwordProblem live in passwords.ts, without zod: the mini program shows the
// length, and a value taken from this module would bring every schema here (and zod, ~100 kB) into its bundle.

/** A new admin password (staff accounts, resets, changes). The bootstrap admin's comes from the environment. */
export const newPassword = z.string().superRefine((password, ctx) => {
  const problem = passwordProblem(password);
  if (problem === 'TOO_SHORT') ctx.addIssue({ code: 'custom', message: `at least ${PASSWORD_MIN_LENGTH} characters`, params: { problem } });
  if (problem === 'TOO_LONG') ctx.addIssue({ code: 'custom', message: 'at most 256 characters', params: { problem } });
  if (problem === 'TOO_COMMON') ctx.addIssue({ code: 'custom', message: 'too common: choose a password nobody guesses first', params: { problem } });
});

/** `POST /api/admin/staff`: the owner adds a staff account. */
export const createStaffInput = z.object({
  username: z
    .string()
    .trim()
    .min(3)
    .max(64)
    .regex(/^[A-Za-z0-9_.@-]+$/, 'letters, digits and _ . @ - only'),
  password: newPassword,
});
export type CreateStaffInput = z.infer<typeof createStaffInput>;

/** `POST /api/admin/staff/:id/password`: the owner sets a new password for a staff account (its sessions end). */
export const resetStaffPasswordInput = z.object({ password: newPassword });
export type ResetStaffPasswordInput = z.infer<typeof resetStaffPasswordInput>;

/** `POST /api/admin/password`: an admin changes their own password, giving the current one (every session ends). */
export const changePasswordInput = z.object({
  currentPassword: z.string().min(1).max(256),
  newPassword,
});
export type ChangePasswordInput = z.infer<typeof changePasswordInput>;

/** An order as the admin console sees it: the shopper's view plus who paid and how much can still be refunded. */
export const adminOrder = order.extend({
  /** The timeline, with the English notes of entries from before event codes: admins only. */
  events: z.array(orderEventView.extend({ note: z.string().optional() })).optional(),
  /** A refund-only after-sale approved before shipping: the order must not be shipped. */
  shipBlocked: z.boolean().optional(),
  /** WeChat reminded the shop to ship this order. */
  shippingRemindedAt: z.string().optional(),
  openid: z.string(),
  paidFen: fen,
  /** paidFen minus refunds started and not failed: the most a new refund may take. */
  refundableFen: fen,
  /** The items' part of refundableFen: the most a partial refund may take unless it includes the fee. */
  partialRefundMaxFen: fen,
});
export type AdminOrder = z.infer<typeof adminOrder>;

// REFUND_STATUSES and its transitions live with the other state machines (order-status.ts).
export const ANOMALY_STATUSES = ['OPEN', 'AUTO_REFUND', 'RESOLVED'] as const;
export const ANOMALY_KINDS = [
  'AMOUNT_MISMATCH',
  'PAID_AFTER_CLOSE',
  'DOUBLE_PAYMENT',
  'UNKNOWN_TRADE',
  'IDENTITY_MISMATCH',
  'REFUND_ABNORMAL',
  /** WeChat reports a refund of another amount than the one we asked: not applied. */
  'REFUND_AMOUNT_MISMATCH',
] as const;
export type AnomalyKind = (typeof ANOMALY_KINDS)[number];

export const refundView = z.object({
  outRefundNo: z.string(),
  amountFen: fen,
  reason: z.string(),
  /** PENDING: not yet accepted by WeChat (retried by a job); then WeChat's own states. */
  status: z.enum(REFUND_STATUSES),
  /** false: money WeChat took for a closed or doubly paid order, given back automatically. */
  affectsOrder: z.boolean(),
  refundId: z.string().optional(),
  requestedBy: z.string().optional(),
  lastError: z.string().optional(),
  createdAt: z.string(),
  settledAt: z.string().optional(),
  afterSaleId: z.string().optional(),
  /** This refund issues again the failed refund of that out_refund_no. */
  reissueOf: z.string().optional(),
  /** This failed refund was issued again under that out_refund_no (a CLOSED refund without it may be re-issued). */
  reissuedAs: z.string().optional(),
});
export type RefundView = z.infer<typeof refundView>;

export const anomalyView = z.object({
  id: z.string(),
  kind: z.enum(ANOMALY_KINDS),
  status: z.enum(ANOMALY_STATUSES),
  detail: z.string(),
  orderId: z.string().optional(),
  outTradeNo: z.string().optional(),
  transactionId: z.string().optional(),
  amountFen: z.number().int().optional(),
  resolution: z.string().optional(),
  resolvedBy: z.string().optional(),
  createdAt: z.string(),
});
export type AnomalyView = z.infer<typeof anomalyView>;

/** `GET /api/admin/orders/:id`. */
export const adminOrderDetail = adminOrder.extend({
  attempts: z.array(
    z.object({
      outTradeNo: z.string(),
      amountFen: fen,
      status: z.string(),
      transactionId: z.string().optional(),
      paidAt: z.string().optional(),
      createdAt: z.string(),
    }),
  ),
  /** Every notification received about this order: accepted or refused, and why. */
  notifications: z.array(
    z.object({
      id: z.string(),
      kind: z.enum(['payment', 'refund']),
      eventType: z.string().optional(),
      /** IGNORED: an event or trade_state the shop does not act on (answered success, nothing changed). */
      outcome: z.enum(['APPLIED', 'DUPLICATE', 'IGNORED', 'REFUSED', 'ANOMALY']),
      reason: z.string().optional(),
      outTradeNo: z.string().optional(),
      outRefundNo: z.string().optional(),
      receivedAt: z.string(),
    }),
  ),
  refunds: z.array(refundView),
  anomalies: z.array(anomalyView),
  /** Where uploading the shipping information to WeChat stands (a job does it). */
  shippingUpload: z.object({ status: z.string(), attempts: z.number().int(), lastError: z.string().optional() }).optional(),
});
export type AdminOrderDetail = z.infer<typeof adminOrderDetail>;

/**
 * A row of `GET /api/admin/orders`: the order without the payer's openid, which only the detail shows (the list
 * names the recipient, and a list of openids is a list of who bought here).
 */
export const adminOrderRow = adminOrder.omit({ openid: true });
export type AdminOrderRow = z.infer<typeof adminOrderRow>;

/** `POST /api/admin/orders/:id/refunds` answers this (201). */
export const refundStarted = z.object({ outRefundNo: z.string(), status: z.enum(REFUND_STATUSES) });
export type RefundStarted = z.infer<typeof refundStarted>;

/** `POST /api/admin/anomalies/:id/resolve`. */
export const resolveAnomalyInput = z.object({ note: plainText({ min: 1, max: 500, multiline: true }) });
export type ResolveAnomalyInput = z.infer<typeof resolveAnomalyInput>;

export const adminAnomaliesQuery = z.object({
  status: z.enum([...ANOMALY_STATUSES, 'ALL']).default('OPEN'),
});

export const adminAuditQuery = z.object({
  productId: objectId.optional(),
  orderId: objectId.optional(),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});
export type AdminAuditQuery = z.infer<typeof adminAuditQuery>;

export const auditEntry = z.object({
  id: z.string(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  detail: z.string(),
  productId: z.string().optional(),
  orderId: z.string().optional(),
  stockBefore: z.number().int().optional(),
  stockAfter: z.number().int().optional(),
  /**
   * The entry's facts as fields, for the console to word (refunds: amountFen, outRefundNo, reason, reissueOf;
   * after-sale decisions: afterSaleId, type, amountFen, status, note). Entries written before have only `detail`.
   */
  data: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
});
export type AuditEntry = z.infer<typeof auditEntry>;

const salesFigures = z.object({ paidFen: fen, orders: z.number().int(), refundedFen: fen, refunds: z.number().int() });

/** `GET /api/admin/dashboard`: windows end today (Beijing); `daily` holds 30 Beijing days, oldest first. */
export const dashboard = z.object({
  today: salesFigures,
  last7Days: salesFigures,
  last30Days: salesFigures,
  daily: z.array(z.object({ date: z.iso.date(), paidFen: fen, orders: z.number().int(), refundedFen: fen })),
});
export type Dashboard = z.infer<typeof dashboard>;

// ---- Reconciliation and shipping upload (issue 7) ----

/** Sums of a reconciled date, in fen: the bill's payments and refunds against this shop's. */
export const reconciliationTotals = z.object({
  wechatPaidFen: fen,
  localPaidFen: fen,
  wechatRefundFen: fen,
  localRefundFen: fen,
});

/** `POST /api/admin/reconciliations` and `GET /api/admin/reconciliations/:date`: the contract's Report, plus more. */
export const reconciliationReport = report.extend({
  discrepancies: z.array(report.shape.discrepancies.element.extend({ outRefundNo: z.string().optional() })),
  totals: reconciliationTotals,
  /** WeChat had no bill for the date (NO_STATEMENT_EXIST): no trades that day. */
  noStatement: z.boolean(),
  /** Reconciled before the bill was final (before 10:00 Beijing the next day); the daily job runs it again. */
  provisional: z.boolean(),
  /** Downloads refused because their SHA1 did not match, in the last run. */
  refusedDownloads: z.number().int(),
  billSha1: z.string().optional(),
  reconciledAt: z.string(),
});
export type ReconciliationReport = z.infer<typeof reconciliationReport>;

/** An entry of `GET /api/admin/reconciliations` (newest date first). */
export const reconciliationSummary = z.object({
  date: z.iso.date(),
  /** How the last run ended; a FAILED date may still have the report of an earlier run. */
  status: z.enum(['DONE', 'FAILED']),
  reconciledAt: z.string().optional(),
  billRows: z.number().int().optional(),
  matched: z.number().int().optional(),
  discrepancies: z.number().int().optional(),
  flagged: z.number().int().optional(),
  totals: reconciliationTotals.optional(),
  provisional: z.boolean().optional(),
  lastError: z.string().optional(),
  lastRunAt: z.string().optional(),
});
export type ReconciliationSummary = z.infer<typeof reconciliationSummary>;

/** WeChat's logistics_type: 1 express, 3 virtual goods, 4 self-pickup (2, same-city delivery, is not offered). */
export const LOGISTICS_TYPES = [1, 3, 4] as const;
/** Where uploading an order's shipping information to WeChat stands. */
export const SHIPPING_UPLOAD_STATUSES = ['PENDING', 'DONE', 'SKIPPED_NOT_MANAGED', 'FAILED'] as const;
