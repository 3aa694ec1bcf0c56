// The mini program side of WeChat: code2Session, access tokens, shipping information.
import { randomBytes } from 'node:crypto';
import { nonce } from '@xiaodian/wechatpay';
import { openidFor } from '../ids';
import type { Core } from '../core';
import type { Endpoint } from '../faults';
import type { AccessToken, LoginCode, TradeRecord } from '../store';
import { ControlError } from '../errors';

/** A login code lives 5 minutes (on the sandbox clock). */
export const LOGIN_CODE_VALIDITY_MS = 5 * 60_000;
/** WeChat allows 100 code2Session calls per user per minute. */
export const LOGIN_RATE_LIMIT = 100;
export const TOKEN_VALIDITY_S = 7200;
/** After a new token is issued, the previous one keeps working this long. */
export const TOKEN_OVERLAP_MS = 5 * 60_000;

export type OpenAnswer = Record<string, unknown>;

const rid = (): string => `${randomBytes(4).toString('hex')}-${randomBytes(4).toString('hex')}`;
const wxError = (errcode: number, errmsg: string): OpenAnswer => ({ errcode, errmsg: `${errmsg}, rid: ${rid()}` });

const USER = /^[A-Za-z0-9_.@-]{1,64}$/;

export function openidOf(core: Core, user: string): string {
  return openidFor(core.identity.appid, user);
}

/** `POST /__sandbox/login-code {user}`: a one-time code for a test user. */
export function issueLoginCode(core: Core, user: unknown): { code: string; openid: string } {
  if (typeof user !== 'string' || !USER.test(user)) throw new ControlError(400, 'VALIDATION_FAILED', 'user must be 1–64 of [A-Za-z0-9_.@-]');
  const now = core.clock.now();
  const codes = core.store.data.loginCodes;
  for (const [key, value] of Object.entries(codes)) if (value.expiresAt + LOGIN_CODE_VALIDITY_MS < now) delete codes[key];
  const code: LoginCode = { code: `0${nonce(31)}`, user, openid: openidOf(core, user), expiresAt: now + LOGIN_CODE_VALIDITY_MS, used: false };
  codes[code.code] = code;
  core.store.changed();
  return { code: code.code, openid: code.openid };
}

const loginCalls = new WeakMap<Core, Map<string, number[]>>();

/** `GET /sns/jscode2session?appid&secret&js_code&grant_type=authorization_code`. Errors are HTTP 200 with errcode. */
export function code2Session(core: Core, query: Record<string, string | undefined>): OpenAnswer {
  const { identity, store, clock } = core;
  if (query.appid !== identity.appid) return wxError(40013, 'invalid appid');
  if (query.secret !== identity.secret) return wxError(40125, 'invalid appsecret');
  if (query.grant_type !== undefined && query.grant_type !== 'authorization_code') return wxError(40002, 'invalid grant_type');
  if (core.faults.take('login_busy', {})) return wxError(-1, 'system error');
  const code = query.js_code ? store.data.loginCodes[query.js_code] : undefined;
  const now = clock.now();
  if (!code || code.expiresAt <= now) return wxError(40029, 'invalid code');
  let calls = loginCalls.get(core);
  if (!calls) loginCalls.set(core, (calls = new Map()));
  const recent = (calls.get(code.user) ?? []).filter((t) => t > now - 60_000);
  recent.push(now);
  calls.set(code.user, recent);
  if (recent.length > LOGIN_RATE_LIMIT) return wxError(45011, 'api minute-quota reach limit  mustslower  retry next minute');
  if (code.used) return wxError(40163, 'code been used');
  code.used = true;
  store.changed();
  return { session_key: randomBytes(16).toString('base64'), openid: code.openid };
}

function newToken(core: Core, kind: AccessToken['kind']): AccessToken {
  const now = core.clock.now();
  const token: AccessToken = { token: `${kind === 'stable' ? '86_' : '85_'}${nonce(120)}`, kind, expiresAt: now + TOKEN_VALIDITY_S * 1000 };
  const tokens = core.store.data.tokens.filter((t) => t.expiresAt > now);
  // The previous token of the same kind keeps working for five more minutes, then stops.
  for (const t of tokens) if (t.kind === kind) t.expiresAt = Math.min(t.expiresAt, now + TOKEN_OVERLAP_MS);
  tokens.push(token);
  core.store.data.tokens = tokens;
  core.store.changed();
  return token;
}

function checkCredentials(core: Core, grantType: unknown, appid: unknown, secret: unknown): OpenAnswer | undefined {
  if (grantType !== 'client_credential') return wxError(40002, 'invalid grant_type');
  if (appid !== core.identity.appid) return wxError(40013, 'invalid appid');
  if (secret !== core.identity.secret) return wxError(40125, 'invalid appsecret');
  return undefined;
}

/** `POST /cgi-bin/stable_token {grant_type, appid, secret, force_refresh?}`: the same token until it expires or is forced. */
export function stableToken(core: Core, body: Record<string, unknown> | undefined): OpenAnswer {
  if (!body) return wxError(47001, 'data format error');
  const error = checkCredentials(core, body.grant_type, body.appid, body.secret);
  if (error) return error;
  const now = core.clock.now();
  const current = core.store.data.tokens.filter((t) => t.kind === 'stable' && t.expiresAt > now).at(-1);
  const token = current && body.force_refresh !== true && current.expiresAt - now > TOKEN_OVERLAP_MS ? current : newToken(core, 'stable');
  return { access_token: token.token, expires_in: Math.floor((token.expiresAt - now) / 1000) };
}

/** `GET /cgi-bin/token?grant_type=client_credential&appid&secret`: a new token on every call. */
export function classicToken(core: Core, query: Record<string, string | undefined>): OpenAnswer {
  const error = checkCredentials(core, query.grant_type, query.appid, query.secret);
  if (error) return error;
  const token = newToken(core, 'classic');
  return { access_token: token.token, expires_in: TOKEN_VALIDITY_S };
}

/** Checks `?access_token=`; the `token_invalid` fault naming `endpoint` makes a valid one answer 40001 (once per count). */
export function checkToken(core: Core, token: string | undefined, endpoint?: Endpoint): OpenAnswer | undefined {
  if (!token) return wxError(41001, 'access_token missing');
  if (endpoint && core.faults.take('token_invalid', { endpoint })) return wxError(40001, 'invalid credential, access_token is invalid or not latest');
  const found = core.store.data.tokens.find((t) => t.token === token);
  if (!found) return wxError(40001, 'invalid credential, access_token is invalid or not latest');
  if (found.expiresAt <= core.clock.now()) return wxError(42001, 'access_token expired');
  return undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `POST /wxa/sec/order/upload_shipping_info?access_token=`. */
export function uploadShippingInfo(core: Core, token: string | undefined, body: Record<string, unknown> | undefined): OpenAnswer {
  const tokenError = checkToken(core, token);
  if (tokenError) return tokenError;
  if (!body) return wxError(47001, 'data format error');
  const key = body.order_key;
  if (!isObject(key)) return wxError(10060014, '参数错误: order_key 必填');
  let trade: TradeRecord | undefined;
  if (key.order_number_type === 1) {
    if (key.mchid !== core.identity.mchid) return wxError(10060001, '支付单不存在: mchid 不匹配');
    trade = typeof key.out_trade_no === 'string' ? core.store.data.trades[key.out_trade_no] : undefined;
  } else if (key.order_number_type === 2) {
    trade = typeof key.transaction_id === 'string' ? core.store.tradeByTransactionId(key.transaction_id) : undefined;
  } else {
    return wxError(10060014, '参数错误: order_number_type 只能是1或2');
  }
  if (!trade) return wxError(10060001, '支付单不存在');
  if (trade.trade_state !== 'SUCCESS' && trade.trade_state !== 'REFUND') return wxError(10060004, '支付单处于不可发货的状态');
  if (![1, 2, 3, 4].includes(body.logistics_type as number)) return wxError(10060005, '物流类型有误');
  if (![1, 2].includes(body.delivery_mode as number)) return wxError(10060014, '参数错误: delivery_mode 只能是1或2');
  const list = body.shipping_list;
  if (!Array.isArray(list) || list.length < 1 || list.length > 15) return wxError(10060014, '参数错误: shipping_list 需要1-15项');
  for (const item of list) {
    if (!isObject(item) || typeof item.item_desc !== 'string' || item.item_desc === '') return wxError(10060008, '商品描述字段不能为空');
    if (item.item_desc.length > 120) return wxError(10060009, '商品描述字段超长');
    if (body.logistics_type === 1 && (typeof item.tracking_no !== 'string' || typeof item.express_company !== 'string')) {
      return wxError(10060014, '参数错误: 快递发货需要 tracking_no 和 express_company');
    }
  }
  if (typeof body.upload_time !== 'string' || Number.isNaN(Date.parse(body.upload_time))) return wxError(10060014, '参数错误: upload_time 需要RFC 3339时间');
  const payer = body.payer;
  if (!isObject(payer) || payer.openid !== trade.payer.openid) return wxError(10060014, '参数错误: payer.openid 与支付单不一致');
  const uploads = trade.shipping?.uploads ?? 0;
  // One upload, then one correction; after that WeChat refuses.
  if (uploads >= 2) return wxError(10060003, '支付单已使用重新发货机会');
  trade.shipping = { uploads: uploads + 1, last: body, uploaded_at: new Date(core.clock.now()).toISOString() };
  core.store.saveTrade(trade);
  return { errcode: 0, errmsg: 'ok' };
}

/** `POST /wxa/sec/order/is_trade_managed?access_token= {appid}`. */
export function isTradeManaged(core: Core, token: string | undefined, body: Record<string, unknown> | undefined): OpenAnswer {
  const tokenError = checkToken(core, token);
  if (tokenError) return tokenError;
  if (!body || body.appid !== core.identity.appid) return wxError(40013, 'invalid appid');
  return { errcode: 0, errmsg: 'ok', is_trade_managed: core.store.data.settings.trade_managed };
}
