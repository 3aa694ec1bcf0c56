// Store admin API (H5 console only: nothing in the mp-weixin build imports this file). One typed function per
// endpoint of docs/openapi.yaml's admin section. Every call but login carries the admin token; a 401 means the
// session is over (expired, logged out elsewhere, role changed) and is reported to the admin store once.
import type { BatchShipResult } from '@/utils/batch-ship';
import type {
  AdminAccount,
  AdminLoginInput,
  AdminOrder,
  AdminOrderDetail,
  AdminOrderRow,
  AdminRole,
  AnomalyView,
  AuditEntry,
  ChangePasswordInput,
  Category,
  CreateCategoryInput,
  CreateProductInput,
  CreateStaffInput,
  Dashboard,
  OrderStatus,
  Product,
  ReconciliationReport,
  ReconciliationSummary,
  RefundInput,
  RefundStarted,
  ResetStaffPasswordInput,
  ShipInput,
  UpdateCategoryInput,
  UpdateProductInput,
  UpdateSkuInput,
} from '@xiaodian/shared';
import { platform } from '@/platform';
import { http } from './http';
import { ApiError, buildUrl, isApiError, type RequestOptions } from './request';
import { uploadFile } from './upload';

/** How the admin session plugs into these calls (connected by the admin store when it is created). */
export interface AdminSessionHooks {
  /** The admin token, if signed in. */
  token(): string | undefined;
  /** The API answered 401 to a call made with `token`: the session is over. */
  expired(err: ApiError, token: string | undefined): void;
}

let session: AdminSessionHooks | undefined;

export function connectAdminSession(hooks: AdminSessionHooks): void {
  session = hooks;
}

/**
 * Every admin call: the bearer token, no automatic toast (pages show errors where they happened), and a 401
 * reported as the end of the session. A late 401 for a token that has since been replaced is not.
 */
export async function adminCall<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const token = adminToken();
  try {
    return await http.request<T>(path, { toast: false, ...options, auth: { bearer: token } });
  } catch (err) {
    if (isApiError(err) && err.status === 401) session?.expired(err, token);
    throw err;
  }
}

/** The admin token for a call made outside `http` (a file download); none ends the session, as in adminCall. */
export function adminToken(): string {
  const token = session?.token();
  if (token) return token;
  const err = new ApiError('http', 401, 'UNAUTHORIZED', '请先登录');
  session?.expired(err, undefined);
  throw err;
}

/** A call made outside `http` with `token` failed: a 401 ends the session, as in adminCall. */
export function adminCallFailed(err: ApiError, token: string): void {
  if (err.status === 401) session?.expired(err, token);
}

// ---- session and accounts ----

/** `POST /api/admin/login` → `{token, role}`; wrong credentials 401, repeated ones 429 TOO_MANY_ATTEMPTS. */
export function adminLogin(input: AdminLoginInput): Promise<{ token: string; role?: AdminRole }> {
  return http.post<{ token: string; role?: AdminRole }>('/api/admin/login', input, { auth: 'none', toast: false });
}

/** `GET /api/admin/me`. */
export function getMe(): Promise<AdminAccount> {
  return adminCall<AdminAccount>('/api/admin/me');
}

/** `POST /api/admin/logout` (204): ends every session of this administrator. */
export function adminLogout(token: string): Promise<unknown> {
  // Called with the token being given up, outside adminCall: a 401 here is no news.
  return http.post('/api/admin/logout', {}, { auth: { bearer: token }, toast: false });
}

/** `GET /api/admin/staff` (owner). */
export async function listStaff(): Promise<AdminAccount[]> {
  return (await adminCall<{ items: AdminAccount[] }>('/api/admin/staff')).items;
}

/** `POST /api/admin/staff` (owner) → 201 AdminAccount; 400 WEAK_PASSWORD; 409 USERNAME_TAKEN. */
export function createStaff(input: CreateStaffInput): Promise<AdminAccount> {
  return adminCall<AdminAccount>('/api/admin/staff', { method: 'POST', data: input });
}

/** `POST /api/admin/staff/:id/disable` (owner) → the account, `disabled: true`: its sessions end; 409 OWNER_PROTECTED. */
export function disableStaff(id: string): Promise<AdminAccount> {
  return adminCall<AdminAccount>(`/api/admin/staff/${encodeURIComponent(id)}/disable`, { method: 'POST', data: {} });
}

/** `POST /api/admin/staff/:id/enable` (owner) → the account, `disabled: false`; 409 OWNER_PROTECTED. */
export function enableStaff(id: string): Promise<AdminAccount> {
  return adminCall<AdminAccount>(`/api/admin/staff/${encodeURIComponent(id)}/enable`, { method: 'POST', data: {} });
}

/** `POST /api/admin/staff/:id/password` (owner) → 204: a new password, the account's sessions end; 400 WEAK_PASSWORD; 409 OWNER_PROTECTED. */
export function resetStaffPassword(id: string, input: ResetStaffPasswordInput): Promise<unknown> {
  return adminCall(`/api/admin/staff/${encodeURIComponent(id)}/password`, { method: 'POST', data: input });
}

/**
 * `POST /api/admin/password` → 204: the signed-in admin's own new password; every session of the account ends,
 * this one too. 403 WRONG_PASSWORD (the current one; not a 401, the session goes on), 400 WEAK_PASSWORD, 429.
 */
export function changeOwnPassword(input: ChangePasswordInput): Promise<unknown> {
  return adminCall('/api/admin/password', { method: 'POST', data: input });
}

// ---- products ----

/** `GET /api/admin/products?q=&categoryId=&page=&pageSize=`: a page of every product, on the shelf or not. */
export async function listAdminProducts(
  filter: { q?: string; categoryId?: string; page?: number; pageSize?: number } = {},
): Promise<{ items: Product[]; total: number }> {
  const query = { q: filter.q || undefined, categoryId: filter.categoryId || undefined, page: filter.page, pageSize: filter.pageSize };
  return adminCall<{ items: Product[]; total: number }>('/api/admin/products', { query });
}

/** `GET /api/admin/products/:id`: one product as the editor opens it (undefined when there is no such product). */
export async function getAdminProduct(id: string): Promise<Product | undefined> {
  try {
    return await adminCall<Product>(`/api/admin/products/${encodeURIComponent(id)}`);
  } catch (err) {
    if (isApiError(err) && err.status === 404) return undefined;
    throw err;
  }
}

/** `POST /api/admin/products` → 201 Product; with `specs`, `skus` lists every combination once (400 otherwise). */
export function createProduct(input: CreateProductInput): Promise<Product> {
  return adminCall<Product>('/api/admin/products', { method: 'POST', data: input });
}

/** `PATCH /api/admin/products/:id`; a stock change needs `stockReason` (audited before → after). */
export function updateProduct(id: string, input: UpdateProductInput): Promise<Product> {
  return adminCall<Product>(`/api/admin/products/${encodeURIComponent(id)}`, { method: 'PATCH', data: input });
}

/** `PATCH /api/admin/products/:id/skus/:skuId {priceFen?, stock?, stockReason, image?}` → the product (stock audited). */
export function updateSku(productId: string, skuId: string, input: UpdateSkuInput): Promise<Product> {
  return adminCall<Product>(`/api/admin/products/${encodeURIComponent(productId)}/skus/${encodeURIComponent(skuId)}`, {
    method: 'PATCH',
    data: input,
  });
}

/** An uploaded image: `url` is what products show (`/api/images/<id>`). */
export interface UploadedImage {
  id: string;
  url: string;
  width: number;
  height: number;
}

/**
 * `POST /api/admin/images` (multipart, field `file`) → 201 {id, url, width, height}; 400 UNSUPPORTED_IMAGE,
 * 413 TOO_LARGE. `filePath` is what uni.chooseImage gave (a blob: URL in H5).
 */
export function uploadAdminImage(filePath: string): Promise<UploadedImage> {
  return adminUpload<UploadedImage>('/api/admin/images', filePath);
}

/** An admin upload: the admin token, and a 401 ends the session as in adminCall. */
async function adminUpload<T>(path: string, filePath: string): Promise<T> {
  const token = adminToken();
  try {
    return await uploadFile<T>(path, filePath, token);
  } catch (err) {
    if (isApiError(err)) adminCallFailed(err, token);
    throw err;
  }
}

/** An image url the API answered (`/api/images/…`) as the page loads it: on the API's origin when that is another. */
export function assetUrl(url: string): string {
  return url.startsWith('/') ? buildUrl(platform.apiBase, url) : url;
}

/** `GET /api/categories` → every category, in the shop's order. */
export async function listCategories(): Promise<Category[]> {
  return (await adminCall<{ items: Category[] }>('/api/categories')).items;
}

/** `POST /api/admin/categories {name, sort?}` → 201 category. */
export function createCategory(input: CreateCategoryInput): Promise<Category> {
  return adminCall<Category>('/api/admin/categories', { method: 'POST', data: input });
}

/** `PATCH /api/admin/categories/:id {name?, sort?}` → the category. */
export function updateCategory(id: string, input: UpdateCategoryInput): Promise<Category> {
  return adminCall<Category>(`/api/admin/categories/${encodeURIComponent(id)}`, { method: 'PATCH', data: input });
}

/** `DELETE /api/admin/categories/:id` → 204; 409 CATEGORY_NOT_EMPTY while products are in it. */
export function deleteCategory(id: string): Promise<unknown> {
  return adminCall(`/api/admin/categories/${encodeURIComponent(id)}`, { method: 'DELETE' });
}

/** `GET /api/admin/audit?productId=&orderId=&page=&pageSize=`, newest first. */
export function listAudit(query: { productId?: string; orderId?: string; page?: number; pageSize?: number }): Promise<{
  items: AuditEntry[];
  total: number;
}> {
  return adminCall('/api/admin/audit', { query });
}

// ---- orders ----

/** The console's work tabs: 待发货, 待收货, 售后中 (the API decides which orders each holds). */
export const ORDER_TABS = ['TO_SHIP', 'TO_RECEIVE', 'AFTER_SALE'] as const;
export type OrderTab = (typeof ORDER_TABS)[number];

/** `GET /api/admin/orders/counts`: how many orders each tab holds now. */
export interface OrderTabCounts {
  toShip: number;
  toReceive: number;
  afterSale: number;
}

export function getOrderTabCounts(): Promise<OrderTabCounts> {
  return adminCall<OrderTabCounts>('/api/admin/orders/counts');
}

export interface AdminOrdersFilter {
  status?: OrderStatus;
  tab?: OrderTab;
  q?: string;
  /** Beijing days, YYYY-MM-DD. */
  from?: string;
  to?: string;
  page?: number;
  pageSize?: number;
}

/** `GET /api/admin/orders?status=&tab=&q=&from=&to=&page=&pageSize=` → `{items, total}`, newest first. */
export function listAdminOrders(filter: AdminOrdersFilter): Promise<{ items: AdminOrderRow[]; total: number }> {
  const query = Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== '' && v !== undefined)) as RequestOptions['query'];
  return adminCall('/api/admin/orders', { query });
}

/** `GET /api/admin/orders/:id`: attempts, notifications, refunds, anomalies, shipping upload, events. */
export function getAdminOrder(id: string): Promise<AdminOrderDetail> {
  return adminCall<AdminOrderDetail>(`/api/admin/orders/${encodeURIComponent(id)}`);
}

/**
 * `POST /api/admin/orders/:id/refunds` (owner) → 201 `{outRefundNo, status}`. The same `Idempotency-Key` on the
 * same order is the same refund: a retry never refunds twice.
 */
export function refundOrder(id: string, input: RefundInput, idempotencyKey: string): Promise<RefundStarted> {
  return adminCall<RefundStarted>(`/api/admin/orders/${encodeURIComponent(id)}/refunds`, {
    method: 'POST',
    data: input,
    headers: { 'Idempotency-Key': idempotencyKey },
    // WeChat Pay is called within the request (with retries on its side).
    timeoutMs: 30_000,
  });
}

/**
 * `PATCH /api/admin/orders/:id/shipment` → the order with the corrected numbers (SHIPPED orders only: 409
 * ORDER_STATE otherwise, 409 CONFLICT when someone corrected it at the same moment); the same numbers answer 200.
 */
export function correctShipment(id: string, input: { expressCompany: string; trackingNo: string }): Promise<AdminOrder> {
  return adminCall<AdminOrder>(`/api/admin/orders/${encodeURIComponent(id)}/shipment`, { method: 'PATCH', data: input });
}

/**
 * `POST /api/admin/orders/ship-batch` (at most 500 rows) → one result per row, in order; a row's failure changes
 * nothing and does not stop the others.
 */
export function shipBatch(rows: { orderNo: string; expressCompany: string; trackingNo: string }[]): Promise<{ results: BatchShipResult[] }> {
  return adminCall<{ results: BatchShipResult[] }>('/api/admin/orders/ship-batch', { method: 'POST', data: { rows } });
}

/** What `POST /api/admin/orders/ship-batch/import` read from a sheet: parcels and lines that cannot be sent. */
export interface ImportedShipRows {
  /** `line`: the sheet's row number. */
  rows: { line: number; orderNo: string; expressCompany: string; trackingNo: string }[];
  /** A line with a field missing, too long or unprintable (VALIDATION_FAILED). */
  problems: { line: number; code: string }[];
}

/**
 * `POST /api/admin/orders/ship-batch/import` (multipart `file`, an .xlsx ≤ 2 MB, ≤ 500 parcels) → the rows, for
 * the preview; nothing changes. 400 UNSUPPORTED_FILE, IMPORT_COLUMNS_MISSING (`details.missing`), TOO_LARGE
 * (`details.maxRows`); 413 TOO_LARGE over 2 MB.
 */
export function importShipRows(filePath: string): Promise<ImportedShipRows> {
  return adminUpload<ImportedShipRows>('/api/admin/orders/ship-batch/import', filePath);
}

/** `POST /api/admin/orders/:id/ship` → the order, SHIPPED; the same parcel again answers 200. */
export function shipOrder(id: string, input: ShipInput): Promise<AdminOrder> {
  return adminCall<AdminOrder>(`/api/admin/orders/${encodeURIComponent(id)}/ship`, { method: 'POST', data: input });
}

// ---- anomalies, dashboard ----

export type AnomalyFilter = 'OPEN' | 'AUTO_REFUND' | 'RESOLVED' | 'ALL';

/** `GET /api/admin/anomalies?status=` (default OPEN), newest first. */
export async function listAnomalies(status: AnomalyFilter = 'OPEN'): Promise<AnomalyView[]> {
  return (await adminCall<{ items: AnomalyView[] }>('/api/admin/anomalies', { query: { status } })).items;
}

/** `POST /api/admin/anomalies/:id/resolve {note}` (owner). */
export function resolveAnomaly(id: string, note: string): Promise<AnomalyView> {
  return adminCall<AnomalyView>(`/api/admin/anomalies/${encodeURIComponent(id)}/resolve`, { method: 'POST', data: { note } });
}

/** `GET /api/admin/dashboard`: today, 7 and 30 Beijing days, and 30 days of daily sales. */
export function getDashboard(): Promise<Dashboard> {
  return adminCall<Dashboard>('/api/admin/dashboard');
}

// ---- reconciliation (issue 7) ----

/** `POST /api/admin/reconciliations {date}`: reconciles a Beijing date now (may wait for another instance, ≤ 25 s). */
export function runReconciliation(date: string): Promise<ReconciliationReport> {
  return adminCall<ReconciliationReport>('/api/admin/reconciliations', { method: 'POST', data: { date }, timeoutMs: 60_000 });
}

/** `GET /api/admin/reconciliations`: the last 100 reconciled dates, newest first. */
export async function listReconciliations(): Promise<ReconciliationSummary[]> {
  return (await adminCall<{ items: ReconciliationSummary[] }>('/api/admin/reconciliations')).items;
}

/** `GET /api/admin/reconciliations/:date`: the stored report; 404 when never reconciled. */
export function getReconciliation(date: string): Promise<ReconciliationReport> {
  return adminCall<ReconciliationReport>(`/api/admin/reconciliations/${encodeURIComponent(date)}`);
}
