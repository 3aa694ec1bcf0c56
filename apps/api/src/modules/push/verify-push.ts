// Whether a push (or the URL verification) comes from WeChat: the token's signature, a fresh timestamp, and in
// safe mode the message signature, a decryptable body and our own appid inside it. Anything else is refused
// before the message is read, so a forged or replayed push changes nothing.
import type { Services } from '../../context';
import { AppError, badRequest, unauthorized } from '../../errors';
import { decryptPush, PushDecryptError, pushSignature, sameSignature } from './push-crypto';

/** How far a push's timestamp may be from our clock (WeChat sends it at once; a replay comes later). */
export const PUSH_MAX_AGE_SECONDS = 300;

export interface PushQuery {
  signature?: string;
  timestamp?: string;
  nonce?: string;
  echostr?: string;
  encrypt_type?: string;
  msg_signature?: string;
}

function configured(s: Services): { token: string; aesKey?: string } {
  if (!s.config.wechatPush) throw new AppError('FORBIDDEN', { status: 403, message: 'The message push is not configured (WECHAT_PUSH_TOKEN)' });
  return s.config.wechatPush;
}

function checkTimestamp(timestamp: string | undefined, now: number): string {
  if (!timestamp || !/^\d{1,12}$/.test(timestamp)) throw unauthorized('timestamp missing');
  if (Math.abs(now / 1000 - Number(timestamp)) > PUSH_MAX_AGE_SECONDS) throw unauthorized('stale timestamp');
  return timestamp;
}

/** `signature` over token, timestamp and nonce: the URL verification and every plain-mode push. */
export function verifyTokenSignature(s: Services, query: PushQuery, now = Date.now()): void {
  const { token } = configured(s);
  const timestamp = checkTimestamp(query.timestamp, now);
  if (!query.nonce || !query.signature || !sameSignature(query.signature, pushSignature(token, timestamp, query.nonce))) throw unauthorized('bad signature');
}

/** The pushed message as JSON text: decrypted and checked in safe mode, the body itself in plain mode. */
export function openPush(s: Services, query: PushQuery, body: unknown, rawBody: string | undefined, now = Date.now()): unknown {
  const { token, aesKey } = configured(s);
  if (query.encrypt_type !== 'aes') {
    verifyTokenSignature(s, query, now);
    if (!body || typeof body !== 'object') throw badRequest('The push is not a JSON object');
    return body;
  }
  if (!aesKey) throw badRequest('Safe mode needs WECHAT_PUSH_AES_KEY');
  const timestamp = checkTimestamp(query.timestamp, now);
  const encrypted = (body as { Encrypt?: unknown } | undefined)?.Encrypt;
  if (typeof encrypted !== 'string' || !query.nonce || !query.msg_signature) throw badRequest(`An encrypted push needs Encrypt and msg_signature${rawBody ? '' : ' (empty body)'}`);
  if (!sameSignature(query.msg_signature, pushSignature(token, timestamp, query.nonce, encrypted))) throw unauthorized('bad msg_signature');
  let opened: { message: string; appid: string };
  try {
    opened = decryptPush(aesKey, encrypted);
  } catch (err) {
    if (err instanceof PushDecryptError) throw badRequest(`The push cannot be decrypted: ${err.message}`);
    throw err;
  }
  if (opened.appid !== s.config.wechat.appid) throw new AppError('FORBIDDEN', { status: 403, message: 'The push names another appid' });
  try {
    return JSON.parse(opened.message) as unknown;
  } catch {
    throw badRequest('The decrypted push is not JSON');
  }
}
