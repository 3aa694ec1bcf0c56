// Request and answer bodies of the WeChat Pay v3 endpoints this kit uses, exactly as WeChat's JSON
// (snake_case, money in integer fen). Fields WeChat omits in some states are optional.

export type TradeState = 'SUCCESS' | 'REFUND' | 'NOTPAY' | 'CLOSED' | 'REVOKED' | 'USERPAYING' | 'PAYERROR';
export type TradeType = 'JSAPI' | 'NATIVE' | 'APP' | 'MICROPAY' | 'MWEB' | 'FACEPAY';
export type RefundStatus = 'SUCCESS' | 'CLOSED' | 'PROCESSING' | 'ABNORMAL';
export type RefundChannel = 'ORIGINAL' | 'BALANCE' | 'OTHER_BALANCE' | 'OTHER_BANKCARD';

/** `POST /v3/pay/transactions/jsapi`. `mchid` defaults to the client's. */
export interface JsapiPrepayRequest {
  appid: string;
  mchid?: string;
  /** At most 127 bytes. */
  description: string;
  /** 6–32 characters of `[A-Za-z0-9_\-|*]`, unique per merchant. */
  out_trade_no: string;
  /** RFC 3339, e.g. `2026-05-20T13:29:35+08:00`; only honoured on the first call. */
  time_expire?: string;
  /** At most 128 characters, echoed back in queries and notifications. */
  attach?: string;
  /** Public https URL without a query string. */
  notify_url: string;
  goods_tag?: string;
  support_fapiao?: boolean;
  amount: { total: number; currency?: 'CNY' };
  payer: { openid: string };
  detail?: {
    cost_price?: number;
    invoice_id?: string;
    goods_detail?: { merchant_goods_id: string; wechatpay_goods_id?: string; goods_name?: string; quantity: number; unit_price: number }[];
  };
  scene_info?: { payer_client_ip: string; device_id?: string; store_info?: { id: string; name?: string; area_code?: string; address?: string } };
  settle_info?: { profit_sharing?: boolean };
}

export interface JsapiPrepayResponse {
  prepay_id: string;
}

export interface PromotionDetail {
  coupon_id: string;
  name?: string;
  scope?: 'GLOBAL' | 'SINGLE';
  type?: 'CASH' | 'NOCASH';
  amount: number;
  stock_id?: string;
  wechatpay_contribute?: number;
  merchant_contribute?: number;
  other_contribute?: number;
  currency?: string;
  goods_detail?: { goods_id: string; quantity: number; unit_price: number; discount_amount: number; goods_remark?: string }[];
}

/** The transaction of a query answer and of a `TRANSACTION.SUCCESS` notification (decrypted). */
export interface Transaction {
  appid: string;
  mchid: string;
  out_trade_no: string;
  /** Absent before the payer pays. */
  transaction_id?: string;
  trade_type?: TradeType;
  trade_state: TradeState;
  trade_state_desc: string;
  bank_type?: string;
  attach?: string;
  /** RFC 3339. */
  success_time?: string;
  payer?: { openid: string };
  amount?: { total?: number; payer_total?: number; currency?: string; payer_currency?: string };
  scene_info?: { device_id?: string };
  promotion_detail?: PromotionDetail[];
}

interface RefundRequestBase {
  out_refund_no: string;
  reason?: string;
  notify_url?: string;
  funds_account?: 'AVAILABLE';
  amount: {
    refund: number;
    total: number;
    currency: 'CNY';
    from?: { account: 'AVAILABLE' | 'UNAVAILABLE'; amount: number }[];
  };
  goods_detail?: {
    merchant_goods_id: string;
    wechatpay_goods_id?: string;
    goods_name?: string;
    unit_price: number;
    refund_amount: number;
    refund_quantity: number;
  }[];
}

/** `POST /v3/refund/domestic/refunds`: the payment is named by `transaction_id` or `out_trade_no`. */
export type RefundRequest =
  | (RefundRequestBase & { transaction_id: string; out_trade_no?: string })
  | (RefundRequestBase & { out_trade_no: string; transaction_id?: string });

/** A refund as `POST /v3/refund/domestic/refunds` and `GET …/refunds/{out_refund_no}` return it. */
export interface Refund {
  refund_id: string;
  out_refund_no: string;
  transaction_id: string;
  out_trade_no: string;
  channel: RefundChannel;
  user_received_account: string;
  success_time?: string;
  create_time: string;
  status: RefundStatus;
  funds_account?: string;
  amount: {
    total: number;
    refund: number;
    from?: { account: string; amount: number }[];
    payer_total: number;
    payer_refund: number;
    settlement_refund: number;
    settlement_total: number;
    discount_refund: number;
    currency: string;
    refund_fee?: number;
  };
  promotion_detail?: {
    promotion_id: string;
    scope: 'GLOBAL' | 'SINGLE';
    type: 'COUPON' | 'DISCOUNT';
    amount: number;
    refund_amount: number;
    goods_detail?: unknown[];
  }[];
}

/** The decrypted resource of a `REFUND.*` notification (note `refund_status`, not `status`). */
export interface RefundNotificationResource {
  mchid: string;
  out_trade_no: string;
  transaction_id: string;
  out_refund_no: string;
  refund_id: string;
  refund_status: RefundStatus;
  success_time?: string;
  user_received_account: string;
  amount: { total: number; refund: number; payer_total: number; payer_refund: number };
}

export type TradeBillType = 'ALL' | 'SUCCESS' | 'REFUND';

/** `GET /v3/bill/tradebill`. The download URL lives 30 s. */
export interface TradeBillResponse {
  hash_type: 'SHA1';
  hash_value: string;
  download_url: string;
}

/** One entry of `GET /v3/certificates`, before decryption. */
export interface EncryptedCertificateEntry {
  serial_no: string;
  effective_time: string;
  expire_time: string;
  encrypt_certificate: {
    algorithm: 'AEAD_AES_256_GCM';
    nonce: string;
    associated_data: string;
    ciphertext: string;
  };
}

export interface CertificatesResponse {
  data: EncryptedCertificateEntry[];
}

/** A platform certificate after decryption. */
export interface PlatformCertificate {
  serial_no: string;
  effective_time: string;
  expire_time: string;
  pem: string;
}

/** The envelope of a notification (WeChat → notify_url), before decryption. */
export interface NotificationEvent {
  id: string;
  create_time: string;
  event_type: string;
  resource_type: string;
  summary: string;
}
