// WeChat Pay API v3 at WeChat's own paths. Every request's Authorization is verified against the merchant's
// public key (signature, serial, mchid, 5-minute window); every answer is signed (except the bill file, as
// at WeChat). Request faults (5xx, timeouts, slow calls, signature probes on answers) are applied here.
import { randomBytes, randomUUID } from 'node:crypto';
import { Router, type RouterContext } from '@koa/router';
import { parseAuthorization, REPLAY_WINDOW_SECONDS, signedHeaders, verifyAuthorization, encryptResource } from '@xiaodian/wechatpay';
import type { Context } from 'koa';
import type { Core } from '../core';
import { type BillDownload, downloadBill, requestTradeBill } from '../domain/bills';
import { createRefund, queryRefund } from '../domain/refunds';
import { close, prepay, queryByOutTradeNo, queryByTransactionId } from '../domain/transactions';
import { WxPayError } from '../errors';
import type { Endpoint } from '../faults';
import { bodyText, jsonBody, queryString } from '../http';
import { rfc3339, sleep } from '../time';

/** `GET /v3/certificates` for a merchant without platform certificates: use the WeChat Pay public key (微信支付公钥). */
const PUBLIC_KEY_ONLY_MESSAGE =
  '无可用的平台证书，请在商户平台-API安全申请使用微信支付公钥。可查看指引 https://pay.weixin.qq.com/docs/merchant/products/platform-certificate/wxp-pub-key-guide.html';

/** How long the `slow` fault holds a call when it names no `ms`. */
const DEFAULT_SLOW_MS = 3000;

/** What a handler produced: a JSON answer (signed), a 204, or a raw file (unsigned). */
type Answer = { status: number; json?: unknown; file?: string };

/** 32 hex digits and `-0`, shaped like WeChat's; randomUUID draws from a cached pool (randomBytes calls the OS each time). */
function requestId(): string {
  return `${randomUUID().replaceAll('-', '').toUpperCase()}-0`;
}

/** Checks the merchant's Authorization header; returns the merchant's mchid or throws 401 SIGN_ERROR. */
function authenticate(core: Core, ctx: Context): string {
  const header = ctx.get('Authorization') || undefined;
  const fail = (issue: string): never => {
    throw new WxPayError(401, 'SIGN_ERROR', `错误的签名，验签失败: ${issue}`, { field: 'Authorization', issue, location: 'header' });
  };
  const auth = parseAuthorization(header);
  if (!auth) return fail(header ? 'Authorization is not WECHATPAY2-SHA256-RSA2048 with mchid, nonce_str, signature, timestamp, serial_no' : 'missing Authorization header');
  if (auth.mchid !== core.identity.mchid) fail(`unknown mchid ${auth.mchid}`);
  if (auth.serial_no !== core.identity.merchantSerial) fail(`serial_no ${auth.serial_no} is not the merchant certificate serial`);
  if (!/^\d{1,12}$/.test(auth.timestamp) || Math.abs(Date.now() / 1000 - Number(auth.timestamp)) > REPLAY_WINDOW_SECONDS) {
    fail(`timestamp ${auth.timestamp} is more than ${REPLAY_WINDOW_SECONDS} s from now`);
  }
  const ok = verifyAuthorization({ method: ctx.method, pathWithQuery: ctx.originalUrl, body: bodyText(ctx) }, auth, core.identity.merchantPublicKey);
  if (!ok) fail(`signature does not match ${ctx.method}\\n${ctx.originalUrl}\\n${auth.timestamp}\\n${auth.nonce_str}\\n<body>\\n`);
  return auth.mchid;
}

function writeAnswer(core: Core, ctx: Context, answer: Answer, endpoint: Endpoint | undefined, outTradeNo: string | undefined): void {
  ctx.set('Request-ID', requestId());
  ctx.status = answer.status;
  if (answer.file !== undefined) {
    ctx.type = 'text/plain; charset=utf-8';
    ctx.body = answer.file;
    return;
  }
  const body = answer.json === undefined ? '' : JSON.stringify(answer.json);
  const headers = signedHeaders(body, core.keys.answerSigner(ctx.get('Wechatpay-Serial') || undefined));
  if (endpoint && core.faults.take('signtest', { endpoint, outTradeNo })) {
    headers['Wechatpay-Signature'] = `WECHATPAY/SIGNTEST/${randomBytes(24).toString('base64')}`;
  } else if (endpoint && core.faults.take('tamper_signature', { endpoint, outTradeNo })) {
    const bytes = Buffer.from(headers['Wechatpay-Signature'], 'base64');
    bytes[bytes.length >> 1] = bytes[bytes.length >> 1]! ^ 0x5a;
    headers['Wechatpay-Signature'] = bytes.toString('base64');
  }
  for (const [name, value] of Object.entries(headers)) ctx.set(name, value);
  if (answer.json !== undefined) {
    ctx.type = 'application/json; charset=utf-8';
    ctx.body = body;
  } else {
    ctx.body = null;
    ctx.status = answer.status;
  }
}

const errorAnswer = (error: WxPayError): Answer => ({
  status: error.status,
  json: error.detail ? { code: error.code, message: error.message, detail: error.detail } : { code: error.code, message: error.message },
});

function requireJson(ctx: Context): unknown {
  const body = jsonBody(ctx);
  if (body === undefined) throw new WxPayError(400, 'PARAM_ERROR', '请求体不是合法的JSON');
  return body;
}

export function payRoutes(core: Core): Router {
  const router = new Router();
  const downloads = new Map<string, BillDownload>();

  /**
   * One v3 endpoint: authenticate, apply request faults, run, sign. `tradeOf` names the trade a call concerns,
   * so faults scoped to one out_trade_no hit only its calls.
   */
  const endpoint =
    (name: Endpoint, handler: (ctx: RouterContext, mchid: string) => Answer, tradeOf: (ctx: RouterContext) => string | undefined = () => undefined) =>
    async (ctx: RouterContext): Promise<void> => {
      let outTradeNo: string | undefined;
      let answer: Answer;
      try {
        const mchid = authenticate(core, ctx);
        outTradeNo = tradeOf(ctx);
        const failure = core.faults.take('http_5xx', { endpoint: name, outTradeNo });
        if (failure && failure.status !== undefined && failure.status !== 500) {
          // A gateway in front of WeChat failing: unsigned, not JSON.
          ctx.status = failure.status;
          ctx.type = 'text/html';
          ctx.body = `<html><body><h1>${failure.status} Bad Gateway</h1></body></html>`;
          core.log(`${ctx.method} ${ctx.path} → ${failure.status} (fault http_5xx)`);
          return;
        }
        if (failure) throw new WxPayError(500, 'SYSTEM_ERROR', '系统错误，请使用相同参数稍后重新调用');
        const slow = core.faults.take('slow', { endpoint: name, outTradeNo });
        if (slow) {
          // Held before anything happens: whatever the merchant does meanwhile happens first.
          core.log(`${ctx.method} ${ctx.path} → held ${slow.ms ?? DEFAULT_SLOW_MS} ms before it is carried out (fault slow)`);
          await sleep(slow.ms ?? DEFAULT_SLOW_MS);
        }
        answer = handler(ctx, mchid);
      } catch (error) {
        if (!(error instanceof WxPayError)) throw error;
        answer = errorAnswer(error);
      }
      const timeout = answer.status < 500 ? core.faults.take('timeout', { endpoint: name, outTradeNo }) : undefined;
      if (timeout) {
        // The call was carried out; the answer never arrives (the merchant must retry with the same parameters).
        core.log(`${ctx.method} ${ctx.path} → processed, answer withheld for ${timeout.ms ?? 10_000} ms then dropped (fault timeout)`);
        await sleep(timeout.ms ?? 10_000);
        ctx.respond = false;
        ctx.req.socket.destroy();
        return;
      }
      writeAnswer(core, ctx, answer, name, outTradeNo);
      // A merchant in public key mode has no platform certificates: the 404 is WeChat's normal answer, which the
      // API's start-up takes to mean exactly that. Said so, so that it does not read as a failure on every start.
      const note = name === 'certificates' && answer.status === 404 ? ' (public key mode: no platform certificates, as expected)' : '';
      core.log(`${ctx.method} ${ctx.originalUrl.split('?')[0]} → ${answer.status}${note}`);
    };

  const bodyField = (ctx: Context, field: string): string | undefined => {
    const body = jsonBody(ctx);
    const value = body && typeof body === 'object' ? (body as Record<string, unknown>)[field] : undefined;
    return typeof value === 'string' ? value : undefined;
  };

  router.post(
    '/v3/pay/transactions/jsapi',
    endpoint('prepay', (ctx, mchid) => ({ status: 200, json: prepay(core, requireJson(ctx), mchid) }), (ctx) => bodyField(ctx, 'out_trade_no')),
  );
  router.get(
    '/v3/pay/transactions/out-trade-no/:out_trade_no',
    endpoint('query', (ctx) => ({ status: 200, json: queryByOutTradeNo(core, ctx.params.out_trade_no!, queryString(ctx, 'mchid')) }), (ctx) => ctx.params.out_trade_no),
  );
  router.get(
    '/v3/pay/transactions/id/:transaction_id',
    endpoint(
      'query',
      (ctx) => ({ status: 200, json: queryByTransactionId(core, ctx.params.transaction_id!, queryString(ctx, 'mchid')) }),
      (ctx) => core.store.tradeByTransactionId(ctx.params.transaction_id!)?.out_trade_no,
    ),
  );
  router.post(
    '/v3/pay/transactions/out-trade-no/:out_trade_no/close',
    endpoint(
      'close',
      (ctx, mchid) => {
        close(core, ctx.params.out_trade_no!, requireJson(ctx), mchid);
        return { status: 204 };
      },
      (ctx) => ctx.params.out_trade_no,
    ),
  );
  router.post(
    '/v3/refund/domestic/refunds',
    endpoint('refund', (ctx) => ({ status: 200, json: createRefund(core, requireJson(ctx)) }), (ctx) => {
      const transactionId = bodyField(ctx, 'transaction_id');
      return bodyField(ctx, 'out_trade_no') ?? (transactionId ? core.store.tradeByTransactionId(transactionId)?.out_trade_no : undefined);
    }),
  );
  router.get(
    '/v3/refund/domestic/refunds/:out_refund_no',
    endpoint('refund_query', (ctx) => ({ status: 200, json: queryRefund(core, ctx.params.out_refund_no!) }), (ctx) => core.store.data.refunds[ctx.params.out_refund_no!]?.out_trade_no),
  );
  router.get(
    '/v3/bill/tradebill',
    endpoint('bill', (ctx) => ({ status: 200, json: requestTradeBill(core, { bill_date: queryString(ctx, 'bill_date'), bill_type: queryString(ctx, 'bill_type'), tar_type: queryString(ctx, 'tar_type') }, downloads) })),
  );
  router.get(
    '/v3/billdownload/file',
    endpoint('bill_download', (ctx) => ({ status: 200, file: downloadBill(core, queryString(ctx, 'token'), downloads) })),
  );
  router.get(
    '/v3/certificates',
    endpoint('certificates', () => {
      if (core.keys.mode === 'public_key') {
        // WeChat's answer to a merchant that has only the WeChat Pay public key. Clients key on the 404 status
        // (the API's start-up does), so only the code and message say why.
        throw new WxPayError(404, 'RESOURCE_NOT_EXISTS', PUBLIC_KEY_ONLY_MESSAGE);
      }
      return {
        status: 200,
        json: {
          data: core.keys.listedCertificates().map((certificate) => {
            const encrypted = encryptResource(certificate.certificatePem, core.identity.apiV3Key, 'certificate', 'certificate');
            return {
              serial_no: certificate.serial,
              effective_time: rfc3339(certificate.notBefore),
              expire_time: rfc3339(certificate.notAfter),
              encrypt_certificate: {
                algorithm: encrypted.algorithm,
                nonce: encrypted.nonce,
                associated_data: encrypted.associated_data,
                ciphertext: encrypted.ciphertext,
              },
            };
          }),
        },
      };
    }),
  );
  return router;
}

/** Any other /v3 path: authenticated like the rest, then a signed 404. */
export function unknownV3(core: Core) {
  return async (ctx: Context, next: () => Promise<void>): Promise<void> => {
    await next();
    if (ctx.status !== 404 || ctx.body !== undefined || !ctx.path.startsWith('/v3/')) return;
    let answer: Answer;
    try {
      authenticate(core, ctx);
      answer = { status: 404, json: { code: 'NOT_FOUND', message: `沙箱未实现该接口: ${ctx.method} ${ctx.path}` } };
    } catch (error) {
      if (!(error instanceof WxPayError)) throw error;
      answer = errorAnswer(error);
    }
    writeAnswer(core, ctx, answer, undefined, undefined);
  };
}
