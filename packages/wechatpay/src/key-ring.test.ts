import { X509Certificate, generateKeyPairSync } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCertificate } from './certificate';
import { signedHeaders, verifyWechatpaySignature } from './crypto';
import { KeyRing, certificateSerial, keyRingFromConfig, publicKeyFromCertificate } from './key-ring';
import { createTestMerchant, createTestPlatform, createTestPlatformCertificate } from './testing';

const platform = createTestPlatform();
const certificate = createTestPlatformCertificate();

function openssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('createCertificate', () => {
  it('makes a self-signed X.509 v3 certificate Node parses and verifies', () => {
    const keyPair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = createCertificate({
      keyPair,
      serialHex: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1',
      commonName: 'Tenpay.com Root CA',
      organization: 'Tenpay.com',
      notBefore: new Date('2026-01-01T00:00:00Z'),
      notAfter: new Date('2031-01-01T00:00:00Z'),
    });
    const x509 = new X509Certificate(pem);
    expect(x509.serialNumber).toBe('5157F09EFDC096DE15EBE81A47057A7232F1B8E1');
    expect(x509.subject).toContain('CN=Tenpay.com Root CA');
    expect(x509.issuer).toBe(x509.subject);
    expect(new Date(x509.validFrom).toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(new Date(x509.validTo).toISOString()).toBe('2031-01-01T00:00:00.000Z');
    expect(x509.verify(keyPair.publicKey)).toBe(true);
    expect(x509.verify(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey)).toBe(false);
    expect(x509.publicKey.equals(keyPair.publicKey)).toBe(true);
  });

  it('writes GeneralizedTime after 2049 and a sign byte for a high serial', () => {
    const pem = createCertificate({
      keyPair: { privateKey: certificate.privateKey, publicKey: certificate.publicKey },
      serialHex: 'F1',
      commonName: '小店',
      notBefore: new Date('2049-06-01T00:00:00Z'),
      notAfter: new Date('2051-06-01T12:34:56Z'),
    });
    const x509 = new X509Certificate(pem);
    expect(x509.serialNumber.replace(/^0+/, '')).toBe('F1');
    expect(new Date(x509.validTo).toISOString()).toBe('2051-06-01T12:34:56.000Z');
    expect(x509.subject).toContain('CN=小店');
  });

  it.runIf(openssl())('is accepted by openssl verify', () => {
    const dir = mkdtempSync(join(tmpdir(), 'xiaodian-cert-'));
    const file = join(dir, 'platform.pem');
    writeFileSync(file, certificate.certificatePem);
    expect(execFileSync('openssl', ['verify', '-CAfile', file, file], { encoding: 'utf8' })).toContain('OK');
  });

  it('refuses non-RSA keys, bad serials and inverted validity', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const base = { keyPair: certificate, serialHex: '01', commonName: 'x', notBefore: new Date(0), notAfter: new Date(1000) };
    expect(() => createCertificate({ ...base, keyPair: ec })).toThrow(/RSA/);
    expect(() => createCertificate({ ...base, serialHex: 'xyz' })).toThrow(/hex/);
    expect(() => createCertificate({ ...base, notAfter: new Date(0) })).toThrow(/precede/);
  });
});

describe('KeyRing', () => {
  it('holds the WeChat Pay public key and platform certificates at once (migration)', () => {
    const ring = keyRingFromConfig({
      publicKeyId: platform.publicKeyId,
      publicKey: platform.publicKeyPem,
      platformCertificates: [{ serial: certificate.serial, pem: certificate.certificatePem }],
    });
    expect(ring.size).toBe(2);
    expect(ring.serials().sort()).toEqual([certificate.serial, platform.publicKeyId].sort());
    // Each serial verifies with its own key only.
    for (const [signer, other] of [
      [platform, certificate],
      [certificate, platform],
    ] as const) {
      const headers = signedHeaders('{"a":1}', { serial: signer.serial, privateKey: signer.privateKey });
      const check = { timestamp: headers['Wechatpay-Timestamp'], nonce: headers['Wechatpay-Nonce'], signature: headers['Wechatpay-Signature'] };
      expect(verifyWechatpaySignature('{"a":1}', check, ring.get(signer.serial)!)).toBe(true);
      expect(verifyWechatpaySignature('{"a":1}', check, ring.get(other.serial)!)).toBe(false);
    }
  });

  it('extracts a certificate’s public key, and compares hex serials without case', () => {
    const ring = new KeyRing().add(certificate.serial.toLowerCase(), certificate.certificatePem);
    expect(ring.has(certificate.serial)).toBe(true);
    expect(ring.get(certificate.serial)!.equals(certificate.publicKey)).toBe(true);
    expect(publicKeyFromCertificate(certificate.certificatePem).equals(certificate.publicKey)).toBe(true);
    expect(certificateSerial(certificate.certificatePem)).toBe(certificate.serial);
    ring.add(platform.publicKeyId, platform.publicKey);
    expect(ring.get(platform.publicKeyId.toLowerCase())!.equals(platform.publicKey)).toBe(true);
    expect(ring.delete(certificate.serial)).toBe(true);
    expect(ring.get(certificate.serial)).toBeUndefined();
  });

  it('accepts escaped newlines and file paths, refuses private keys', () => {
    const dir = mkdtempSync(join(tmpdir(), 'xiaodian-ring-'));
    const path = join(dir, 'pub.pem');
    writeFileSync(path, platform.publicKeyPem);
    expect(new KeyRing().add('PUB_KEY_ID_1', path).get('PUB_KEY_ID_1')!.equals(platform.publicKey)).toBe(true);
    const escaped = platform.publicKeyPem.trim().replace(/\n/g, '\\n');
    expect(new KeyRing().add('PUB_KEY_ID_2', escaped).get('PUB_KEY_ID_2')!.equals(platform.publicKey)).toBe(true);
    expect(() => new KeyRing().add('PUB_KEY_ID_3', platform.privateKey)).toThrow(/not a public key/);
  });

  it('refuses configuration mistakes with a clear message', () => {
    expect(() => keyRingFromConfig({ publicKeyId: platform.publicKeyId })).toThrow(/both/);
    expect(() => keyRingFromConfig({ publicKeyId: 'ABC', publicKey: platform.publicKeyPem })).toThrow(/PUB_KEY_ID_/);
    expect(() =>
      keyRingFromConfig({ platformCertificates: [{ serial: '1234ABCD', pem: certificate.certificatePem }] }),
    ).toThrow(/does not match/);
    expect(() => keyRingFromConfig({ platformCertificates: [{ serial: '1234', pem: platform.publicKeyPem }] })).toThrow(
      /not a certificate/,
    );
    expect(keyRingFromConfig({}).size).toBe(0);
  });
});

describe('test identities', () => {
  it('have WeChat’s shapes', () => {
    const merchant = createTestMerchant();
    expect(merchant.mchid).toMatch(/^19\d{8}$/);
    expect(merchant.serial).toMatch(/^[1-7][0-9A-F]{39}$/);
    expect(Buffer.byteLength(merchant.apiV3Key)).toBe(32);
    expect(merchant.privateKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(platform.publicKeyId).toMatch(/^PUB_KEY_ID_\d{28}$/);
    expect(new X509Certificate(certificate.certificatePem).serialNumber).toBe(certificate.serial);
  });
});
