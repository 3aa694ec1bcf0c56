// WeChat's message-push cryptography (消息推送, JSON format). Plain mode: `signature` = sha1 of token, timestamp and
// nonce sorted and joined. Safe mode: `msg_signature` = sha1 of token, timestamp, nonce and the Encrypt field,
// sorted and joined; Encrypt is AES-256-CBC with key = base64(EncodingAESKey + '='), IV = the key's first 16 bytes,
// over 16 random bytes + the message length (4 bytes, big-endian) + the message + the appid, padded PKCS#7 to a
// multiple of 32 bytes (not AES's 16, so Node's own padding is switched off and done here).
import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const BLOCK = 32;

export function pushSignature(...parts: string[]): string {
  return createHash('sha1').update([...parts].sort().join('')).digest('hex');
}

/** Constant-time comparison of two hex signatures (a wrong length is simply unequal). */
export function sameSignature(given: string, expected: string): boolean {
  const a = Buffer.from(given.toLowerCase());
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function aesKeyOf(encodingAesKey: string): Buffer {
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  if (key.length !== 32) throw new Error('The EncodingAESKey must decode to 32 bytes');
  return key;
}

export class PushDecryptError extends Error {}

/** The message and the appid it names; throws PushDecryptError for anything that is not WeChat's layout. */
export function decryptPush(encodingAesKey: string, encrypted: string): { message: string; appid: string } {
  const key = aesKeyOf(encodingAesKey);
  let padded: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
    decipher.setAutoPadding(false);
    padded = Buffer.concat([decipher.update(Buffer.from(encrypted, 'base64')), decipher.final()]);
  } catch {
    throw new PushDecryptError('not decryptable');
  }
  const pad = padded[padded.length - 1] ?? 0;
  if (pad < 1 || pad > BLOCK || pad > padded.length) throw new PushDecryptError('bad padding');
  const plain = padded.subarray(0, padded.length - pad);
  if (plain.length < 20) throw new PushDecryptError('too short');
  const length = plain.readUInt32BE(16);
  if (20 + length > plain.length) throw new PushDecryptError('bad length');
  return { message: plain.subarray(20, 20 + length).toString('utf8'), appid: plain.subarray(20 + length).toString('utf8') };
}

/** The reverse (for answers in safe mode and for tools); the tests build theirs independently. */
export function encryptPush(encodingAesKey: string, message: string, appid: string): string {
  const key = aesKeyOf(encodingAesKey);
  const body = Buffer.from(message, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  const plain = Buffer.concat([randomBytes(16), length, body, Buffer.from(appid, 'utf8')]);
  const pad = BLOCK - (plain.length % BLOCK);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])), cipher.final()]).toString('base64');
}
