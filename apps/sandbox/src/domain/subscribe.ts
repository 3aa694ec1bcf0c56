// Subscribe messages (一次性订阅消息): the development templates, the one-time quotas that tapping "allow" in
// `wx.requestSubscribeMessage` grants per (openid, template), and `/cgi-bin/message/subscribe/send`, which uses
// one up per message, answers 43101 without one, and records what the shopper would receive.
import { randomBytes, randomInt } from 'node:crypto';
import type { Core } from '../core';
import { ControlError } from '../errors';
import { rfc3339 } from '../time';
import { checkToken, openidOf, type OpenAnswer } from './open';

/** The template ids the sandbox knows: written into api.env, so development sends to them. */
export interface SubscribeTemplate {
  id: string;
  /** The API's variable for this template. */
  variable: string;
  title: string;
  /** The data keys the template takes (WeChat's `thing`, `amount`, `character_string`, `time`, `phrase` kinds). */
  keys: readonly string[];
}

export const SUBSCRIBE_TEMPLATES: readonly SubscribeTemplate[] = [
  { id: 'XD_DEV_TMPL_PAID_kF3w9QzB1mR7tLx2', variable: 'WECHAT_TEMPLATE_PAID', title: '订单支付成功通知', keys: ['character_string1', 'amount2', 'thing3', 'time4'] },
  { id: 'XD_DEV_TMPL_SHIPPED_p8Vn2HsY6cJd4', variable: 'WECHAT_TEMPLATE_SHIPPED', title: '订单发货通知', keys: ['character_string1', 'thing2', 'character_string3', 'thing4'] },
  { id: 'XD_DEV_TMPL_REFUNDED_a5Gq7XeN3uWb', variable: 'WECHAT_TEMPLATE_REFUNDED', title: '退款成功通知', keys: ['character_string1', 'amount2', 'thing3', 'time4'] },
  { id: 'XD_DEV_TMPL_OWNER_ORDER_r2Km8TfZ', variable: 'WECHAT_TEMPLATE_OWNER_ORDER', title: '新订单提醒', keys: ['character_string1', 'amount2', 'thing3', 'time4'] },
  { id: 'XD_DEV_TMPL_OWNER_AFTERSALE_y6Dc', variable: 'WECHAT_TEMPLATE_OWNER_AFTERSALE', title: '售后申请提醒', keys: ['character_string1', 'phrase2', 'amount3', 'time4'] },
];

/** `WECHAT_TEMPLATE_*` lines for api.env. */
export function templateEnv(): Record<string, string> {
  return Object.fromEntries(SUBSCRIBE_TEMPLATES.map((t) => [t.variable, t.id]));
}

/** One message as WeChat delivered it to the shopper's service notifications (服务通知). */
export interface SubscribeMessageRecord {
  msgid: number;
  touser: string;
  template_id: string;
  title: string;
  page?: string;
  data: Record<string, { value: string }>;
  miniprogram_state?: string;
  lang?: string;
  received_at: string;
}

/** WeChat's own limits per kind of data key (characters). */
const LIMITS: Record<string, { max: number; pattern?: RegExp }> = {
  thing: { max: 20 },
  character_string: { max: 32, pattern: /^[\x21-\x7e]+$/ },
  amount: { max: 14, pattern: /^[¥$€£]?\d{1,10}(\.\d{1,2})?元?$/ },
  time: { max: 32, pattern: /^\d{4}[-年]\d{1,2}[-月]\d{1,2}日?( \d{1,2}:\d{2}(:\d{2})?)?$/ },
  phrase: { max: 5, pattern: /^[\u4e00-\u9fa5]+$/ },
};

const rid = (): string => `${randomBytes(4).toString('hex')}-${randomBytes(4).toString('hex')}`;
const wxError = (errcode: number, errmsg: string): OpenAnswer => ({ errcode, errmsg: `${errmsg}, rid: ${rid()}` });

const quotaKey = (openid: string, templateId: string) => `${openid}|${templateId}`;

/** `POST /__sandbox/subscribe {openid | user, templateIds}`: one message per template, what tapping "allow" grants. */
export function grantSubscription(core: Core, body: Record<string, unknown>): { openid: string; quotas: Record<string, number> } {
  const { templateIds } = body;
  // A test user's name stands for their openid (as in /__sandbox/login-code), for clients that only know the name.
  const openid = typeof body.openid === 'string' && body.openid !== '' ? body.openid : typeof body.user === 'string' && body.user !== '' ? openidOf(core, body.user) : undefined;
  if (!openid) throw new ControlError(400, 'VALIDATION_FAILED', 'openid (or user) is required');
  if (!Array.isArray(templateIds) || templateIds.length === 0 || templateIds.some((t) => typeof t !== 'string')) {
    throw new ControlError(400, 'VALIDATION_FAILED', 'templateIds must be a non-empty list of template ids');
  }
  const unknown = (templateIds as string[]).filter((t) => !SUBSCRIBE_TEMPLATES.some((x) => x.id === t));
  if (unknown.length > 0) throw new ControlError(400, 'VALIDATION_FAILED', `unknown template ids: ${unknown.join(', ')}`);
  const quotas = core.store.data.subscriptions;
  for (const id of new Set(templateIds as string[])) quotas[quotaKey(openid, id)] = (quotas[quotaKey(openid, id)] ?? 0) + 1;
  core.store.changed();
  return { openid, quotas: quotasOf(core, openid) };
}

/** What `openid` may still receive, per template id. */
export function quotasOf(core: Core, openid: string): Record<string, number> {
  return Object.fromEntries(SUBSCRIBE_TEMPLATES.map((t) => [t.id, core.store.data.subscriptions[quotaKey(openid, t.id)] ?? 0]));
}

/** `POST /cgi-bin/message/subscribe/send?access_token= {touser, template_id, page?, data, miniprogram_state?, lang?}`. */
export function sendSubscribeMessage(core: Core, token: string | undefined, body: Record<string, unknown> | undefined): OpenAnswer {
  const tokenError = checkToken(core, token, 'subscribe_send');
  if (tokenError) return tokenError;
  if (!body) return wxError(47001, 'data format error');
  const { touser, template_id: templateId, page, data } = body;
  if (typeof touser !== 'string' || touser === '') return wxError(40003, 'invalid openid');
  const template = SUBSCRIBE_TEMPLATES.find((t) => t.id === templateId);
  if (!template) return wxError(40037, 'invalid template_id');
  if (page !== undefined && (typeof page !== 'string' || page.startsWith('/'))) return wxError(41030, 'invalid page');
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return wxError(47003, 'argument invalid! data is required');
  const values: Record<string, { value: string }> = {};
  for (const key of template.keys) {
    const entry = (data as Record<string, unknown>)[key];
    const value = typeof entry === 'object' && entry !== null ? (entry as { value?: unknown }).value : undefined;
    if (typeof value !== 'string' || value === '') return wxError(47003, `argument invalid! data.${key}.value is empty`);
    const limit = LIMITS[key.replace(/\d+$/, '')];
    if (limit && ([...value].length > limit.max || (limit.pattern && !limit.pattern.test(value)))) {
      return wxError(47003, `argument invalid! data.${key}.value invalid`);
    }
    values[key] = { value };
  }
  // The quota is checked last: WeChat uses it up only for a message it accepts.
  const quotas = core.store.data.subscriptions;
  const key = quotaKey(touser, template.id);
  if (!quotas[key]) return wxError(43101, 'user refuse to accept the msg');
  quotas[key] -= 1;
  const record: SubscribeMessageRecord = {
    msgid: Date.now() * 1000 + randomInt(1000),
    touser,
    template_id: template.id,
    title: template.title,
    ...(typeof page === 'string' ? { page } : {}),
    data: values,
    ...(typeof body.miniprogram_state === 'string' ? { miniprogram_state: body.miniprogram_state } : {}),
    ...(typeof body.lang === 'string' ? { lang: body.lang } : {}),
    received_at: rfc3339(core.clock.now()),
  };
  core.store.data.messages.push(record);
  core.store.changed();
  return { errcode: 0, errmsg: 'ok', msgid: record.msgid };
}

/** `GET /__sandbox/messages?openid=`: the messages received, oldest first. */
export function listMessages(core: Core, openid: string | undefined): SubscribeMessageRecord[] {
  return core.store.data.messages.filter((m) => openid === undefined || m.touser === openid);
}
