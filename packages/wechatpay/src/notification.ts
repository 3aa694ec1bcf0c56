// Notifications (WeChat → notify_url, docs/wechat-pay.md §4 and §7): the signature is checked over the raw
// body exactly as received, then the resource is decrypted. Never throws: every way a request can be
// wrong is a reason the route answers with a 4xx/5xx so that WeChat sends it again.
import { REPLAY_WINDOW_SECONDS, decryptResource, unixSeconds, verifyWechatpaySignature, type EncryptedResource } from './crypto';
import type { KeyRing } from './key-ring';
import type { NotificationEvent } from './types';

export type NotificationFailure =
  | 'MISSING_HEADERS'
  | 'STALE_TIMESTAMP'
  | 'UNKNOWN_SERIAL'
  | 'BAD_SIGNATURE'
  | 'SIGNTEST_PROBE'
  | 'BAD_BODY'
  | 'DECRYPT_FAILED';

export type ParsedNotification<R = Record<string, unknown>> =
  | { ok: true; event: NotificationEvent; resource: R }
  | { ok: false; reason: NotificationFailure };

/** Node's `IncomingHttpHeaders` (lower-case names), a plain record in any case, or a fetch `Headers`. */
export type NotificationHeaders = Headers | Record<string, string | string[] | undefined>;

export interface NotificationRequest {
  headers: NotificationHeaders;
  /** The body exactly as received: a string or its bytes, never re-serialised JSON. */
  rawBody: string | Uint8Array;
}

export interface NotificationOptions {
  keyRing: KeyRing;
  apiV3Key: string;
  /** Milliseconds since the epoch; default `Date.now()`. */
  now?: number;
}

function header(headers: NotificationHeaders, name: string): string | undefined {
  if (typeof Headers !== 'undefined' && headers instanceof Headers) return headers.get(name) ?? undefined;
  const record = headers as Record<string, string | string[] | undefined>;
  const lower = name.toLowerCase();
  for (const key of Object.keys(record)) {
    if (key.toLowerCase() === lower) {
      const value = record[key];
      return Array.isArray(value) ? value[0] : value;
    }
  }
  return undefined;
}

function isEncryptedResource(value: unknown): value is EncryptedResource {
  if (typeof value !== 'object' || value === null) return false;
  const resource = value as Record<string, unknown>;
  return (
    resource.algorithm === 'AEAD_AES_256_GCM' &&
    typeof resource.ciphertext === 'string' &&
    typeof resource.nonce === 'string' &&
    typeof resource.associated_data === 'string'
  );
}

export function parseNotification<R = Record<string, unknown>>(
  request: NotificationRequest,
  options: NotificationOptions,
): ParsedNotification<R> {
  try {
    const timestamp = header(request.headers, 'Wechatpay-Timestamp');
    const nonce = header(request.headers, 'Wechatpay-Nonce');
    const signature = header(request.headers, 'Wechatpay-Signature');
    const serial = header(request.headers, 'Wechatpay-Serial');
    if (!timestamp || !nonce || !signature || !serial) return { ok: false, reason: 'MISSING_HEADERS' };
    if (signature.startsWith('WECHATPAY/SIGNTEST/')) return { ok: false, reason: 'SIGNTEST_PROBE' };
    const now = unixSeconds(options.now ?? Date.now());
    if (!/^\d+$/.test(timestamp) || Math.abs(now - Number(timestamp)) > REPLAY_WINDOW_SECONDS) {
      return { ok: false, reason: 'STALE_TIMESTAMP' };
    }
    const key = options.keyRing.get(serial);
    if (!key) return { ok: false, reason: 'UNKNOWN_SERIAL' };
    const body = typeof request.rawBody === 'string' ? request.rawBody : Buffer.from(request.rawBody).toString('utf8');
    if (!verifyWechatpaySignature(body, { timestamp, nonce, signature }, key)) return { ok: false, reason: 'BAD_SIGNATURE' };

    let envelope: Record<string, unknown>;
    try {
      envelope = JSON.parse(body) as Record<string, unknown>;
    } catch {
      return { ok: false, reason: 'BAD_BODY' };
    }
    if (typeof envelope !== 'object' || envelope === null || typeof envelope.id !== 'string' || typeof envelope.event_type !== 'string') {
      return { ok: false, reason: 'BAD_BODY' };
    }
    if (!isEncryptedResource(envelope.resource)) return { ok: false, reason: 'BAD_BODY' };

    let resource: R;
    try {
      resource = JSON.parse(decryptResource(envelope.resource, options.apiV3Key)) as R;
    } catch {
      return { ok: false, reason: 'DECRYPT_FAILED' };
    }
    const text = (value: unknown): string => (typeof value === 'string' ? value : '');
    return {
      ok: true,
      event: {
        id: envelope.id,
        create_time: text(envelope.create_time),
        event_type: envelope.event_type,
        resource_type: text(envelope.resource_type),
        summary: text(envelope.summary),
      },
      resource,
    };
  } catch {
    // Only a bug could get here (everything above returns); a notification handler must still not throw.
    return { ok: false, reason: 'BAD_BODY' };
  }
}
