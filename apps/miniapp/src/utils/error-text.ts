// What shoppers and store admins read when the API refuses something. The API answers a code from the closed
// list in @xiaodian/shared (its English message is for developers and logs); the client renders the text from
// the code, here, for every code of that list — a new code fails the typecheck until it has its words.
import { fenToYuan, PASSWORD_MIN_LENGTH, type ErrorCode } from '@xiaodian/shared';

export const ERROR_TEXT: Record<ErrorCode, string> = {
  VALIDATION_FAILED: '提交的内容不正确，请检查后重试',
  UNAUTHORIZED: '请先登录',
  FORBIDDEN: '没有权限进行此操作',
  NOT_FOUND: '内容不存在或已删除',
  OUT_OF_STOCK: '库存不足，请减少数量或稍后再试',
  NOT_DELIVERABLE: '该地区暂不配送，请更换收货地址',
  SHIPPING_TEMPLATE_IN_USE: '还有商品在使用这个运费模板，请先为它们换一个模板',
  PRODUCT_UNAVAILABLE: '商品已下架或不存在',
  ORDER_NOT_PAYABLE: '订单当前不能支付',
  ORDER_NOT_CANCELLABLE: '订单当前不能取消',
  ORDER_NOT_REFUNDABLE: '订单当前不能退款',
  ORDER_NOT_SHIPPABLE: '订单当前不能发货',
  REFUND_EXCEEDS_PAID: '退款金额超过了可退金额',
  REFUND_EXCEEDS_ITEMS: '部分退款不含运费；全额退款含运费',
  ORDER_STATE: '订单状态已变化，请刷新后重试',
  WX_LOGIN_FAILED: '微信登录失败，请重试',
  WECHAT_UNAVAILABLE: '微信服务暂时不可用，请稍后重试',
  WECHAT_REJECTED: '微信支付拒绝了这次请求',
  TOO_MANY_ATTEMPTS: '操作太频繁，请稍后再试',
  BINDING_CODE_INVALID: '绑定码不正确或已过期，请在管理后台重新获取',
  TOO_MANY_PENDING_ORDERS: '您有太多待付款订单，请先支付或取消',
  LIMIT_PER_ORDER_EXCEEDED: '超过了商品的每单限购数量，请减少购买数量',
  STOCK_BELOW_RESERVED: '现货不能少于未支付订单已预留的数量',
  ACCOUNT_DISABLED: '该账号已停用',
  WEAK_PASSWORD: `密码至少 ${PASSWORD_MIN_LENGTH} 位，且不能是常见密码`,
  WRONG_PASSWORD: '当前密码不正确',
  OWNER_PROTECTED: '店主账号不能停用或重置',
  USERNAME_TAKEN: '用户名已被使用',
  CONFLICT: '数据刚被修改，请刷新后重试',
  IDEMPOTENCY_KEY_REUSED: '这张表单已用于另一笔操作，请关闭后重新填写',
  REFUND_STILL_ABNORMAL: '微信支付仍显示该退款异常（ABNORMAL），请先在商户平台处理',
  BILL_NOT_READY: '微信当天的账单还没有生成（次日 10 点后可对账）',
  BILL_HASH_MISMATCH: '微信账单校验不通过，已拒绝，稍后会自动重试',
  BILL_UNREADABLE: '微信账单无法读取，请稍后重试',
  INVALID_BODY: '请求内容格式不正确',
  PAYLOAD_TOO_LARGE: '提交的内容过大',
  METHOD_NOT_ALLOWED: '不支持的操作',
  NOT_IMPLEMENTED: '不支持的操作',
  CATEGORY_NOT_EMPTY: '该分类下还有商品，请先移走或删除这些商品',
  AFTER_SALE_OPEN: '这个订单已有进行中的售后申请',
  AFTER_SALE_EXPIRED: '已超过售后期限，不能再申请售后',
  AFTER_SALE_STATE: '售后状态已变化，请刷新后重试',
  UNSUPPORTED_IMAGE: '只支持完整的 JPEG、PNG 或 WebP 图片',
  TOO_LARGE: '文件太大了（图片最大 5 MB）',
  UPLOAD_LIMIT_REACHED: '今天上传的图片已达上限，请明天再试',
  UNSUPPORTED_FILE: '只能导入 .xlsx 格式的 Excel 表格',
  IMPORT_COLUMNS_MISSING: '表格里没有找到订单号、快递公司、快递单号这几列',
  INTERNAL: '服务出错了，请稍后重试',
};

export function isErrorCode(code: string): code is ErrorCode {
  return Object.prototype.hasOwnProperty.call(ERROR_TEXT, code);
}

/** "45 秒" / "3 分钟" (rounded up: never tell someone to come back too early). */
export function waitText(seconds: number): string {
  const s = Math.max(1, Math.ceil(seconds));
  return s < 60 ? `${s} 秒` : `${Math.ceil(s / 60)} 分钟`;
}

/**
 * The text of an API error code; undefined for a code outside the list (an `HTTP_502` with no body, say).
 * `retryAfterSeconds` (429) says how long to wait; `apiMessage` lends only what is not ours to translate: the
 * request id of an INTERNAL error (support needs it quoted) and WeChat Pay's reason for refusing. `details` are
 * the error's data (OUT_OF_STOCK: the product's `name` and the pieces still `available`).
 */
export function errorTextOf(
  code: string,
  extra: { retryAfterSeconds?: number; apiMessage?: string; details?: Record<string, unknown> } = {},
): string | undefined {
  if (!isErrorCode(code)) return undefined;
  if (code === 'OUT_OF_STOCK') return outOfStockText(extra.details);
  if (code === 'REFUND_EXCEEDS_ITEMS') return refundExceedsItemsText(extra.details);
  if (code === 'TOO_MANY_ATTEMPTS' && extra.retryAfterSeconds !== undefined) {
    return `操作太频繁，请 ${waitText(extra.retryAfterSeconds)}后再试`;
  }
  if (code === 'WECHAT_REJECTED') {
    // WeChat's own reason (NOT_ENOUGH, a sentence from WeChat Pay …) is what the owner acts on.
    const why = /refused[^:]*:\s*(.+)$/i.exec(extra.apiMessage ?? '')?.[1]?.trim();
    if (why) return `${ERROR_TEXT.WECHAT_REJECTED}（微信支付：${why}）`;
  }
  if (code === 'INTERNAL') {
    const id = /request id (\S+)/i.exec(extra.apiMessage ?? '')?.[1];
    if (id) return `${ERROR_TEXT.INTERNAL}（请求编号 ${id}）`;
  }
  return ERROR_TEXT[code];
}

/** 「手冲壶 600ml」已售罄 / 「手冲壶 600ml」库存不足，仅剩 2 件; the general text without the API's details. */
export function outOfStockText(details: Record<string, unknown> | undefined): string {
  const product = typeof details?.name === 'string' && details.name ? details.name : undefined;
  // The SKU's choice tells two sizes of one product apart: 「纯棉 T 恤（红色 / L）」.
  const specs = details?.specs && typeof details.specs === 'object' ? Object.values(details.specs).filter((v): v is string => typeof v === 'string' && v !== '') : [];
  const name = product && specs.length > 0 ? `${product}（${specs.join(' / ')}）` : product;
  const available = typeof details?.available === 'number' && Number.isInteger(details.available) ? Math.max(0, details.available) : undefined;
  if (!name) return ERROR_TEXT.OUT_OF_STOCK;
  if (available === 0) return `「${name}」已售罄，请从购物车移除后再下单`;
  if (available === undefined) return `「${name}」库存不足，请减少数量或稍后再试`;
  return `「${name}」库存不足，仅剩 ${available} 件`;
}

/** 部分退款不含运费，最多可退 ¥98.00；全额退款含运费 (the general text without the API's `maxFen`). */
export function refundExceedsItemsText(details: Record<string, unknown> | undefined): string {
  const maxFen = details?.maxFen;
  if (typeof maxFen !== 'number' || !Number.isInteger(maxFen) || maxFen < 0) return ERROR_TEXT.REFUND_EXCEEDS_ITEMS;
  return `部分退款不含运费，最多可退 ¥${fenToYuan(maxFen)}；全额退款含运费`;
}

/** Seconds to wait, from a Retry-After header (seconds or an HTTP date) or, without one, "… in 12 s" in the message. */
export function retryAfterOf(header: string | undefined, apiMessage: string | undefined, now = Date.now()): number | undefined {
  const value = header?.trim();
  if (value) {
    if (/^\d+$/.test(value)) return Number(value);
    const at = Date.parse(value);
    if (!Number.isNaN(at)) return Math.max(0, Math.ceil((at - now) / 1000));
  }
  const inMessage = /(\d+)\s*s\b/.exec(apiMessage ?? '')?.[1];
  return inMessage ? Number(inMessage) : undefined;
}
