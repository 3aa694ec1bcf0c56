// Self-signed X.509 certificates for the sandbox's platform-certificate mode and for tests.
//
// Node can parse certificates (X509Certificate) but not create them. The npm options were weighed:
// @peculiar/x509 needs a global `reflect-metadata` polyfill (tsyringe) and is async (WebCrypto);
// node-forge signs in pure JavaScript. A v3 certificate with no extensions is a few DER structures
// around node:crypto's own SHA256withRSA, so it is written here: synchronous, no dependency, and
// checked in the tests by Node's X509Certificate (parse, serial, validity, signature) and openssl.
import { createSign, type KeyObject } from 'node:crypto';

function encodeLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), encodeLength(body.length), body]);
}

const sequence = (...content: Buffer[]): Buffer => tlv(0x30, ...content);
const set = (...content: Buffer[]): Buffer => tlv(0x31, ...content);

function objectIdentifier(dotted: string): Buffer {
  const [first, second, ...rest] = dotted.split('.').map(Number);
  const bytes = [first! * 40 + second!];
  for (const value of rest) {
    const chunk = [value % 128];
    for (let n = Math.floor(value / 128); n > 0; n = Math.floor(n / 128)) chunk.unshift(0x80 | n % 128);
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

/** A positive DER INTEGER from hex: minimal length, a leading 00 when the high bit is set. */
function integerFromHex(hex: string): Buffer {
  let digits = hex.replace(/^0+/, '') || '0';
  if (digits.length % 2) digits = `0${digits}`;
  let bytes = Buffer.from(digits, 'hex');
  if (bytes[0]! & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return tlv(0x02, bytes);
}

/** UTCTime through 2049, GeneralizedTime from 2050 (RFC 5280 §4.1.2.5). */
function time(date: Date): Buffer {
  const iso = date.toISOString(); // 2026-05-20T05:29:35.000Z
  const digits = iso.slice(0, 19).replace(/[-:T]/g, '');
  const year = date.getUTCFullYear();
  if (year >= 1950 && year < 2050) return tlv(0x17, Buffer.from(`${digits.slice(2)}Z`, 'ascii'));
  return tlv(0x18, Buffer.from(`${digits}Z`, 'ascii'));
}

function name(commonName: string, organization?: string): Buffer {
  const attributes = [set(sequence(objectIdentifier('2.5.4.6'), tlv(0x13, Buffer.from('CN', 'ascii'))))];
  if (organization !== undefined) {
    attributes.push(set(sequence(objectIdentifier('2.5.4.10'), tlv(0x0c, Buffer.from(organization, 'utf8')))));
  }
  attributes.push(set(sequence(objectIdentifier('2.5.4.3'), tlv(0x0c, Buffer.from(commonName, 'utf8')))));
  return sequence(...attributes);
}

const SHA256_WITH_RSA = sequence(objectIdentifier('1.2.840.113549.1.1.11'), tlv(0x05));

export interface CreateCertificateOptions {
  keyPair: { privateKey: KeyObject; publicKey: KeyObject };
  /** Serial number in hex (WeChat writes 40 upper-case hex digits). */
  serialHex: string;
  commonName: string;
  organization?: string;
  notBefore: Date;
  notAfter: Date;
}

/** A self-signed X.509 v3 certificate (SHA256withRSA) for an RSA key pair, as PEM. */
export function createCertificate(options: CreateCertificateOptions): string {
  const { keyPair, serialHex, commonName, organization, notBefore, notAfter } = options;
  if (keyPair.privateKey.asymmetricKeyType !== 'rsa' || keyPair.publicKey.asymmetricKeyType !== 'rsa') {
    throw new TypeError('createCertificate needs an RSA key pair');
  }
  if (!/^[0-9a-fA-F]+$/.test(serialHex)) throw new TypeError('serialHex must be hexadecimal');
  if (!(notBefore.getTime() < notAfter.getTime())) throw new RangeError('notBefore must precede notAfter');
  const subject = name(commonName, organization);
  const tbs = sequence(
    tlv(0xa0, tlv(0x02, Buffer.from([2]))), // [0] EXPLICIT version v3
    integerFromHex(serialHex),
    SHA256_WITH_RSA,
    subject, // issuer: self-signed
    sequence(time(notBefore), time(notAfter)),
    subject,
    keyPair.publicKey.export({ type: 'spki', format: 'der' }),
  );
  const signature = createSign('RSA-SHA256').update(tbs).sign(keyPair.privateKey);
  const der = sequence(tbs, SHA256_WITH_RSA, tlv(0x03, Buffer.from([0]), signature));
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}
