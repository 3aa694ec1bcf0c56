// The cryptography of WeChat Pay API v3, shared by the API (merchant side) and the sandbox (WeChat side).
// Everything here is node:crypto only, deterministic where WeChat's algorithms are (SHA256withRSA
// PKCS#1 v1.5), and never throws on malformed input where an attacker controls it.
import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  createSign,
  createVerify,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import { readFileSync } from 'node:fs';

export const SIGNATURE_SCHEME = 'WECHATPAY2-SHA256-RSA2048';
/** WeChat rejects notifications and answers whose timestamp is further than this from now. */
export const REPLAY_WINDOW_SECONDS = 300;

/** A PEM key given as text, as a path to a .pem file, or with its newlines escaped (a common paste error). */
export function readPem(textOrPath: string): string {
  const trimmed = textOrPath.trim();
  if (trimmed.startsWith('-----BEGIN')) return trimmed.replace(/\\n/g, '\n');
  return readFileSync(trimmed, 'utf8');
}

export function loadPrivateKey(textOrPath: string | KeyObject): KeyObject {
  return typeof textOrPath === 'string' ? createPrivateKey(readPem(textOrPath)) : textOrPath;
}

/** Accepts a public key PEM, a certificate PEM (the platform certificate mode), or a path to either. */
export function loadPublicKey(textOrPath: string | KeyObject): KeyObject {
  return typeof textOrPath === 'string' ? createPublicKey(readPem(textOrPath)) : textOrPath;
}

/** 32 characters of [A-Za-z0-9], as WeChat's nonces are. */
export function nonce(length = 32): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[bytes[i]! % alphabet.length];
  return out;
}

export function unixSeconds(now: number = Date.now()): number {
  return Math.floor(now / 1000);
}

/** SHA256withRSA (PKCS#1 v1.5) over `lines`, each followed by `\n` (the last one included), in Base64. */
export function signLines(lines: readonly string[], privateKey: KeyObject): string {
  const signer = createSign('RSA-SHA256');
  signer.update(lines.map((line) => `${line}\n`).join(''));
  return signer.sign(privateKey, 'base64');
}

/**
 * Verifies a Base64 SHA256withRSA signature over `lines`. Returns false, never throws, for anything
 * malformed — including WeChat's deliberate `WECHATPAY/SIGNTEST/` probes, which are not Base64.
 */
export function verifyLines(lines: readonly string[], signature: string, publicKey: KeyObject): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(signature) || signature.length % 4 !== 0) return false;
  try {
    const verifier = createVerify('RSA-SHA256');
    verifier.update(lines.map((line) => `${line}\n`).join(''));
    return verifier.verify(publicKey, signature, 'base64');
  } catch {
    return false;
  }
}

export interface RequestToSign {
  method: string;
  /** Path with query string, without scheme and host: `/v3/pay/transactions/jsapi`. */
  pathWithQuery: string;
  /** The exact bytes sent; empty for GET. */
  body: string;
}

export interface MerchantCredentials {
  mchid: string;
  /** Merchant API certificate serial number. */
  serial: string;
  privateKey: KeyObject;
}

/** The `Authorization` header of a merchant request (docs/wechat-pay.md §3). */
export function authorizationHeader(
  request: RequestToSign,
  merchant: MerchantCredentials,
  options: { timestamp?: number; nonce?: string } = {},
): string {
  const timestamp = String(options.timestamp ?? unixSeconds());
  const nonceStr = options.nonce ?? nonce();
  const signature = signLines(
    [request.method.toUpperCase(), request.pathWithQuery, timestamp, nonceStr, request.body],
    merchant.privateKey,
  );
  return (
    `${SIGNATURE_SCHEME} mchid="${merchant.mchid}",nonce_str="${nonceStr}",signature="${signature}",` +
    `timestamp="${timestamp}",serial_no="${merchant.serial}"`
  );
}

export interface ParsedAuthorization {
  mchid: string;
  nonce_str: string;
  signature: string;
  timestamp: string;
  serial_no: string;
}

/** Parses an `Authorization` header; undefined when it is not WeChat Pay's scheme or lacks a field. */
export function parseAuthorization(header: string | undefined): ParsedAuthorization | undefined {
  if (!header?.startsWith(`${SIGNATURE_SCHEME} `)) return undefined;
  const fields: Record<string, string> = {};
  for (const match of header.slice(SIGNATURE_SCHEME.length + 1).matchAll(/(\w+)="([^"]*)"/g)) {
    fields[match[1]!] = match[2]!;
  }
  const { mchid, nonce_str, signature, timestamp, serial_no } = fields;
  if (!mchid || !nonce_str || !signature || !timestamp || !serial_no) return undefined;
  return { mchid, nonce_str, signature, timestamp, serial_no };
}

/** Checks a merchant request's signature; the caller checks mchid, serial and time window. */
export function verifyAuthorization(request: RequestToSign, auth: ParsedAuthorization, publicKey: KeyObject): boolean {
  return verifyLines(
    [request.method.toUpperCase(), request.pathWithQuery, auth.timestamp, auth.nonce_str, request.body],
    auth.signature,
    publicKey,
  );
}

/** The `Wechatpay-*` headers WeChat puts on every answer and notification. */
export interface WechatpaySignatureHeaders {
  'Wechatpay-Timestamp': string;
  'Wechatpay-Nonce': string;
  'Wechatpay-Signature': string;
  'Wechatpay-Serial': string;
  'Wechatpay-Signature-Type': typeof SIGNATURE_SCHEME;
}

/** WeChat's side: signs an answer or notification body (`TIMESTAMP\nNONCE\nBODY\n`). */
export function signedHeaders(
  body: string,
  platform: { serial: string; privateKey: KeyObject },
  options: { timestamp?: number; nonce?: string } = {},
): WechatpaySignatureHeaders {
  const timestamp = String(options.timestamp ?? unixSeconds());
  const nonceStr = options.nonce ?? nonce();
  return {
    'Wechatpay-Timestamp': timestamp,
    'Wechatpay-Nonce': nonceStr,
    'Wechatpay-Signature': signLines([timestamp, nonceStr, body], platform.privateKey),
    'Wechatpay-Serial': platform.serial,
    'Wechatpay-Signature-Type': SIGNATURE_SCHEME,
  };
}

/** The merchant's side: checks an answer or notification signed by WeChat over its raw body. */
export function verifyWechatpaySignature(
  body: string,
  headers: { timestamp: string; nonce: string; signature: string },
  publicKey: KeyObject,
): boolean {
  return verifyLines([headers.timestamp, headers.nonce, body], headers.signature, publicKey);
}

export interface EncryptedResource {
  algorithm: 'AEAD_AES_256_GCM';
  ciphertext: string;
  associated_data: string;
  nonce: string;
  original_type?: string;
}

function apiV3KeyBytes(apiV3Key: string): Buffer {
  const key = Buffer.from(apiV3Key, 'utf8');
  if (key.length !== 32) throw new Error('the APIv3 key must be exactly 32 bytes');
  return key;
}

/** AEAD_AES_256_GCM as WeChat uses it: the 16-byte tag is appended to the ciphertext, all Base64. */
export function encryptAeadAes256Gcm(plaintext: string, apiV3Key: string, iv: string, associatedData: string): string {
  const cipher = createCipheriv('aes-256-gcm', apiV3KeyBytes(apiV3Key), Buffer.from(iv, 'utf8'));
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const encrypted = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return encrypted.toString('base64');
}

/** Decrypts WeChat's AEAD_AES_256_GCM; throws when the key, nonce, AAD or tag do not match. */
export function decryptAeadAes256Gcm(ciphertext: string, apiV3Key: string, iv: string, associatedData: string): string {
  const data = Buffer.from(ciphertext, 'base64');
  if (data.length < 17) throw new Error('ciphertext too short');
  const decipher = createDecipheriv('aes-256-gcm', apiV3KeyBytes(apiV3Key), Buffer.from(iv, 'utf8'));
  decipher.setAAD(Buffer.from(associatedData, 'utf8'));
  decipher.setAuthTag(data.subarray(data.length - 16));
  return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString('utf8');
}

export function encryptResource(
  plaintext: string,
  apiV3Key: string,
  originalType: string,
  associatedData = originalType,
): EncryptedResource {
  const iv = nonce(12);
  return {
    original_type: originalType,
    algorithm: 'AEAD_AES_256_GCM',
    ciphertext: encryptAeadAes256Gcm(plaintext, apiV3Key, iv, associatedData),
    associated_data: associatedData,
    nonce: iv,
  };
}

export function decryptResource(resource: EncryptedResource, apiV3Key: string): string {
  return decryptAeadAes256Gcm(resource.ciphertext, apiV3Key, resource.nonce, resource.associated_data);
}

export interface RequestPaymentParams {
  appId: string;
  timeStamp: string;
  nonceStr: string;
  package: string;
  signType: 'RSA';
  paySign: string;
}

/** `wx.requestPayment` parameters: `appId\ntimeStamp\nnonceStr\npackage\n` signed with the merchant key (§6). */
export function requestPaymentParams(
  appId: string,
  prepayId: string,
  privateKey: KeyObject,
  options: { timestamp?: number; nonce?: string } = {},
): RequestPaymentParams {
  const timeStamp = String(options.timestamp ?? unixSeconds());
  const nonceStr = options.nonce ?? nonce();
  const pkg = `prepay_id=${prepayId}`;
  return { appId, timeStamp, nonceStr, package: pkg, signType: 'RSA', paySign: signLines([appId, timeStamp, nonceStr, pkg], privateKey) };
}

/** The sandbox cashier's check of a `requestPayment` signature. */
export function verifyRequestPayment(params: Omit<RequestPaymentParams, 'signType'>, publicKey: KeyObject): boolean {
  return verifyLines([params.appId, params.timeStamp, params.nonceStr, params.package], params.paySign, publicKey);
}
