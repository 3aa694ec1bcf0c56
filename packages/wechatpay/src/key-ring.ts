// WeChat names the key of every signature by serial (`Wechatpay-Serial`): a platform certificate serial
// (hex) or a WeChat Pay public key id (`PUB_KEY_ID_…`). During a certificate → public key migration
// both are live, so verification picks the key by serial and never assumes a single key.
import { X509Certificate, type KeyObject } from 'node:crypto';
import { loadPublicKey, readPem } from './crypto';

const PUBLIC_KEY_ID_PREFIX = 'PUB_KEY_ID_';

/** Serials are hex or `PUB_KEY_ID_` + digits: compared without case (WeChat writes them upper-case). */
function normalizeSerial(serial: string): string {
  return serial.trim().toUpperCase();
}

function isCertificatePem(pem: string): boolean {
  return pem.includes('-----BEGIN CERTIFICATE-----');
}

/** The public key inside an X.509 certificate PEM (a platform certificate). */
export function publicKeyFromCertificate(certificatePem: string): KeyObject {
  return new X509Certificate(readPem(certificatePem)).publicKey;
}

/** The serial number of an X.509 certificate PEM, upper-case hex as WeChat writes it. */
export function certificateSerial(certificatePem: string): string {
  return new X509Certificate(readPem(certificatePem)).serialNumber.toUpperCase();
}

export class KeyRing {
  readonly #keys = new Map<string, KeyObject>();

  /**
   * Adds (or replaces) the key of `serial`: a KeyObject, a public key PEM, a certificate PEM
   * (its public key is extracted), or a path to a PEM file.
   */
  add(serial: string, keyOrPem: KeyObject | string): this {
    let key: KeyObject;
    if (typeof keyOrPem === 'string') {
      const pem = readPem(keyOrPem);
      key = isCertificatePem(pem) ? publicKeyFromCertificate(pem) : loadPublicKey(pem);
    } else {
      key = keyOrPem;
    }
    if (key.type !== 'public') throw new TypeError(`key ring entry ${serial} is not a public key`);
    this.#keys.set(normalizeSerial(serial), key);
    return this;
  }

  get(serial: string): KeyObject | undefined {
    return this.#keys.get(normalizeSerial(serial));
  }

  has(serial: string): boolean {
    return this.#keys.has(normalizeSerial(serial));
  }

  delete(serial: string): boolean {
    return this.#keys.delete(normalizeSerial(serial));
  }

  get size(): number {
    return this.#keys.size;
  }

  serials(): string[] {
    return [...this.#keys.keys()];
  }
}

export interface KeyRingConfig {
  /** WeChat Pay public key id, `PUB_KEY_ID_…`. */
  publicKeyId?: string | undefined;
  /** WeChat Pay public key: PEM text, path, or KeyObject. */
  publicKey?: KeyObject | string | undefined;
  /** Platform certificates (PEM text or path); each certificate's own serial must match `serial`. */
  platformCertificates?: { serial: string; pem: string }[] | undefined;
}

/** Builds the key ring from configuration; throws a message naming what is wrong. */
export function keyRingFromConfig(config: KeyRingConfig): KeyRing {
  const ring = new KeyRing();
  if ((config.publicKeyId === undefined) !== (config.publicKey === undefined)) {
    throw new TypeError('the WeChat Pay public key needs both publicKeyId and publicKey');
  }
  if (config.publicKeyId !== undefined && config.publicKey !== undefined) {
    if (!config.publicKeyId.startsWith(PUBLIC_KEY_ID_PREFIX)) {
      throw new TypeError(`publicKeyId must start with ${PUBLIC_KEY_ID_PREFIX}`);
    }
    ring.add(config.publicKeyId, config.publicKey);
  }
  for (const { serial, pem } of config.platformCertificates ?? []) {
    const text = readPem(pem);
    if (!isCertificatePem(text)) throw new TypeError(`platform certificate ${serial} is not a certificate PEM`);
    const actual = certificateSerial(text);
    if (normalizeSerial(serial).replace(/^0+/, '') !== actual.replace(/^0+/, '')) {
      throw new TypeError(`platform certificate serial ${serial} does not match the certificate's ${actual}`);
    }
    ring.add(serial, text);
  }
  return ring;
}
