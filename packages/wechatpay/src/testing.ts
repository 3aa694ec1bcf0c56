// Identities for tests and for the sandbox: real RSA-2048 keys, in WeChat's formats. Nothing here is
// secret: every key is generated on the spot (or loaded from a test-only fixture by the caller).
import { createPublicKey, generateKeyPairSync, randomBytes, randomInt, type KeyObject } from 'node:crypto';
import { createCertificate } from './certificate';
import { loadPrivateKey, nonce } from './crypto';

export interface TestMerchant {
  mchid: string;
  /** Merchant API certificate serial: 40 upper-case hex digits. */
  serial: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  privateKeyPem: string;
  publicKeyPem: string;
  /** 32 characters. */
  apiV3Key: string;
}

export interface TestPlatform {
  /** `PUB_KEY_ID_…`, the `Wechatpay-Serial` of everything this key signs. */
  publicKeyId: string;
  /** The same as `publicKeyId`, for code that signs with `{ serial, privateKey }`. */
  serial: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  privateKeyPem: string;
  publicKeyPem: string;
}

export interface TestPlatformCertificate {
  /** Certificate serial: 40 upper-case hex digits. */
  serial: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  privateKeyPem: string;
  certificatePem: string;
  notBefore: Date;
  notAfter: Date;
}

function digits(count: number): string {
  let out = '';
  for (let i = 0; i < count; i++) out += String(randomInt(10));
  return out;
}

/** 40 hex digits whose first is 1–7, so the DER integer needs no sign byte and keeps its 20 bytes. */
export function randomSerialHex(): string {
  return `${randomInt(1, 8)}${randomBytes(20).toString('hex').slice(1)}`.toUpperCase();
}

function keyPair(privateKey?: KeyObject | string): { privateKey: KeyObject; publicKey: KeyObject } {
  if (privateKey !== undefined) {
    const key = loadPrivateKey(privateKey);
    return { privateKey: key, publicKey: createPublicKey(key) };
  }
  return generateKeyPairSync('rsa', { modulusLength: 2048 });
}

function pems(keys: { privateKey: KeyObject; publicKey: KeyObject }): { privateKeyPem: string; publicKeyPem: string } {
  return {
    privateKeyPem: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** A merchant: RSA-2048 API key pair, certificate serial, 10-digit mchid, 32-character APIv3 key. */
export function createTestMerchant(
  options: { privateKey?: KeyObject | string; mchid?: string; serial?: string; apiV3Key?: string } = {},
): TestMerchant {
  const keys = keyPair(options.privateKey);
  return {
    mchid: options.mchid ?? `19${digits(8)}`,
    serial: options.serial ?? randomSerialHex(),
    ...keys,
    ...pems(keys),
    apiV3Key: options.apiV3Key ?? nonce(32),
  };
}

/** WeChat Pay's side in public key mode: an RSA-2048 key pair and its `PUB_KEY_ID_…`. */
export function createTestPlatform(options: { privateKey?: KeyObject | string; publicKeyId?: string } = {}): TestPlatform {
  const keys = keyPair(options.privateKey);
  const publicKeyId = options.publicKeyId ?? `PUB_KEY_ID_01${digits(26)}`;
  return { publicKeyId, serial: publicKeyId, ...keys, ...pems(keys) };
}

/** WeChat Pay's side in platform certificate mode: a key pair and its self-signed certificate. */
export function createTestPlatformCertificate(
  options: { privateKey?: KeyObject | string; serial?: string; notBefore?: Date; notAfter?: Date } = {},
): TestPlatformCertificate {
  const keys = keyPair(options.privateKey);
  const serial = options.serial ?? randomSerialHex();
  const notBefore = options.notBefore ?? new Date(Date.now() - 24 * 3600_000);
  const notAfter = options.notAfter ?? new Date(notBefore.getTime() + 5 * 365 * 24 * 3600_000);
  const certificatePem = createCertificate({
    keyPair: keys,
    serialHex: serial,
    commonName: 'Tenpay.com Root CA',
    organization: 'Tenpay.com',
    notBefore,
    notAfter,
  });
  return { serial, ...keys, privateKeyPem: pems(keys).privateKeyPem, certificatePem, notBefore, notAfter };
}
