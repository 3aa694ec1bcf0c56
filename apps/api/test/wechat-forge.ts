// Builds notifications exactly as WeChat would (signed with the sandbox's WeChat Pay key, encrypted with the
// APIv3 key), for the cases the sandbox would never produce by itself: a wrong amount, another appid.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encryptResource, loadPrivateKey, signedHeaders } from '@xiaodian/wechatpay';
import type { World } from './harness';

export function forgeNotification(
  world: World,
  resource: Record<string, unknown>,
  options: { eventType?: string; originalType?: string; timestamp?: number; serial?: string; signWith?: string } = {},
): { headers: Record<string, string>; raw: string } {
  const env = world.sandbox.apiEnv;
  const body = JSON.stringify({
    id: `forged-${Math.random().toString(36).slice(2)}`,
    create_time: new Date().toISOString(),
    resource_type: 'encrypt-resource',
    event_type: options.eventType ?? 'TRANSACTION.SUCCESS',
    summary: '支付成功',
    resource: encryptResource(JSON.stringify(resource), env.WECHATPAY_APIV3_KEY!, options.originalType ?? 'transaction'),
  });
  const privateKey = loadPrivateKey(readFileSync(options.signWith ?? join(world.dataDir, 'wechatpay', 'pub_key.private.pem'), 'utf8'));
  const headers = signedHeaders(body, { serial: options.serial ?? env.WECHATPAY_PUBLIC_KEY_ID!, privateKey }, options.timestamp ? { timestamp: options.timestamp } : {});
  return { headers: { ...headers }, raw: body };
}

export function transactionFor(world: World, outTradeNo: string, totalFen: number, openid: string, extra: Record<string, unknown> = {}) {
  return {
    appid: world.sandbox.apiEnv.WECHAT_APPID,
    mchid: world.sandbox.apiEnv.WECHATPAY_MCHID,
    out_trade_no: outTradeNo,
    transaction_id: `42000${Date.now()}${Math.floor(Math.random() * 1e6)}`,
    trade_type: 'JSAPI',
    trade_state: 'SUCCESS',
    trade_state_desc: '支付成功',
    bank_type: 'OTHERS',
    attach: '',
    success_time: new Date().toISOString(),
    payer: { openid },
    amount: { total: totalFen, payer_total: totalFen, currency: 'CNY', payer_currency: 'CNY' },
    ...extra,
  };
}
