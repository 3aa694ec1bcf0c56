// The sandbox's identities and keys, generated once into the data directory and reused on every start:
// the mini program (appid/secret), the merchant (mchid, API key pair and certificate, APIv3 key) and
// WeChat Pay's side (the public-key-mode key pair and the platform certificates).
import { generateKeyPair, randomBytes, randomInt, X509Certificate, type KeyObject, createPrivateKey, createPublicKey } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createCertificate, nonce, randomSerialHex } from '@xiaodian/wechatpay';
import { templateEnv } from './domain/subscribe';

const generateKeyPairAsync = promisify(generateKeyPair);

/** How long a generated certificate lives (WeChat's platform and merchant certificates: five years). */
const CERTIFICATE_LIFETIME_MS = 5 * 365 * 24 * 3600 * 1000;

export interface PlatformCertificateInfo {
  serial: string;
  /** epoch ms */
  notBefore: number;
  notAfter: number;
}

export interface IdentityFile {
  version: 1;
  appid: string;
  secret: string;
  mchid: string;
  merchantSerial: string;
  apiV3Key: string;
  publicKeyId: string;
  platformCertificates: PlatformCertificateInfo[];
}

export interface PlatformCertificate extends PlatformCertificateInfo {
  certificatePem: string;
  certificatePath: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export interface Identity extends Omit<IdentityFile, 'platformCertificates' | 'version'> {
  dataDir: string;
  paths: {
    identity: string;
    merchantPrivateKey: string;
    merchantPublicKey: string;
    merchantCertificate: string;
    wechatpayPublicKey: string;
    wechatpayPrivateKey: string;
    apiEnv: string;
    state: string;
    journal: string;
  };
  merchantPublicKey: KeyObject;
  wechatpayPublicKey: KeyObject;
  wechatpayPrivateKey: KeyObject;
  platformCertificates: PlatformCertificate[];
}

function writeFileAtomic(path: string, content: string, mode = 0o644): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, content, { mode });
  renameSync(tmp, path);
}

async function rsaKeyPair(): Promise<{ publicPem: string; privatePem: string }> {
  const { publicKey, privateKey } = await generateKeyPairAsync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { publicPem: publicKey, privatePem: privateKey };
}

function digits(n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += String(randomInt(10));
  return out;
}

function pathsFor(dataDir: string): Identity['paths'] {
  return {
    identity: join(dataDir, 'identity.json'),
    merchantPrivateKey: join(dataDir, 'merchant', 'apiclient_key.pem'),
    merchantPublicKey: join(dataDir, 'merchant', 'apiclient_public_key.pem'),
    merchantCertificate: join(dataDir, 'merchant', 'apiclient_cert.pem'),
    wechatpayPublicKey: join(dataDir, 'wechatpay', 'pub_key.pem'),
    wechatpayPrivateKey: join(dataDir, 'wechatpay', 'pub_key.private.pem'),
    apiEnv: join(dataDir, 'api.env'),
    state: join(dataDir, 'state.json'),
    journal: join(dataDir, 'journal.jsonl'),
  };
}

const certificatePaths = (dataDir: string, serial: string) => ({
  cert: join(dataDir, 'platform', `wechatpay_${serial}.pem`),
  key: join(dataDir, 'platform', `wechatpay_${serial}.key.pem`),
});

/** Generates a platform certificate (key pair + self-signed X.509) into the data directory. */
export async function generatePlatformCertificate(dataDir: string, now = Date.now()): Promise<PlatformCertificateInfo> {
  const { publicPem, privatePem } = await rsaKeyPair();
  const serial = randomSerialHex();
  const notBefore = now - 60_000;
  const notAfter = now + CERTIFICATE_LIFETIME_MS;
  const pem = createCertificate({
    keyPair: { publicKey: createPublicKey(publicPem), privateKey: createPrivateKey(privatePem) },
    serialHex: serial,
    commonName: 'Tenpay.com sign',
    organization: 'Tenpay.com (Xiaodian sandbox)',
    notBefore: new Date(notBefore),
    notAfter: new Date(notAfter),
  });
  const paths = certificatePaths(dataDir, serial);
  mkdirSync(join(dataDir, 'platform'), { recursive: true });
  writeFileAtomic(paths.key, privatePem, 0o600);
  writeFileAtomic(paths.cert, pem);
  return { serial, notBefore, notAfter };
}

/**
 * The merchant API certificate (`apiclient_cert.pem`), as a real merchant has it beside its key: SDKs read the
 * serial they send as `serial_no` from it. Self-signed (WeChat's is issued by the Tenpay CA), serial = the
 * merchant serial, for the merchant key. Written when missing or not matching, so data directories created
 * before it existed get one too.
 */
function ensureMerchantCertificate(paths: Identity['paths'], mchid: string, serial: string, now = Date.now()): void {
  const privateKey = createPrivateKey(readFileSync(paths.merchantPrivateKey, 'utf8'));
  const publicKey = createPublicKey(privateKey);
  if (existsSync(paths.merchantCertificate)) {
    const existing = new X509Certificate(readFileSync(paths.merchantCertificate, 'utf8'));
    if (existing.serialNumber.toUpperCase() === serial.toUpperCase() && existing.checkPrivateKey(privateKey)) return;
  }
  const pem = createCertificate({
    keyPair: { publicKey, privateKey },
    serialHex: serial,
    commonName: mchid,
    organization: '微信商户系统 (Xiaodian sandbox)',
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + CERTIFICATE_LIFETIME_MS),
  });
  writeFileAtomic(paths.merchantCertificate, pem);
}

function loadPlatformCertificate(dataDir: string, info: PlatformCertificateInfo): PlatformCertificate {
  const paths = certificatePaths(dataDir, info.serial);
  const certificatePem = readFileSync(paths.cert, 'utf8');
  const x509 = new X509Certificate(certificatePem);
  if (x509.serialNumber.toUpperCase() !== info.serial) throw new Error(`${paths.cert}: serial does not match identity.json`);
  return { ...info, certificatePem, certificatePath: paths.cert, privateKey: createPrivateKey(readFileSync(paths.key, 'utf8')), publicKey: x509.publicKey };
}

export function saveIdentityFile(identity: Identity): void {
  const file: IdentityFile = {
    version: 1,
    appid: identity.appid,
    secret: identity.secret,
    mchid: identity.mchid,
    merchantSerial: identity.merchantSerial,
    apiV3Key: identity.apiV3Key,
    publicKeyId: identity.publicKeyId,
    platformCertificates: identity.platformCertificates.map(({ serial, notBefore, notAfter }) => ({ serial, notBefore, notAfter })),
  };
  writeFileAtomic(identity.paths.identity, `${JSON.stringify(file, null, 2)}\n`, 0o600);
}

/** Adds a freshly generated platform certificate to the identity (and its file). */
export async function addPlatformCertificate(identity: Identity, now = Date.now()): Promise<PlatformCertificate> {
  const info = await generatePlatformCertificate(identity.dataDir, now);
  const certificate = loadPlatformCertificate(identity.dataDir, info);
  identity.platformCertificates.push(certificate);
  saveIdentityFile(identity);
  return certificate;
}

/** Loads the identity from `dataDir`, generating whatever is missing (first start). */
export async function ensureIdentity(dataDir: string): Promise<{ identity: Identity; created: boolean }> {
  const paths = pathsFor(dataDir);
  mkdirSync(join(dataDir, 'merchant'), { recursive: true });
  mkdirSync(join(dataDir, 'wechatpay'), { recursive: true });
  let created = false;
  let file: IdentityFile;
  if (existsSync(paths.identity) && existsSync(paths.merchantPrivateKey) && existsSync(paths.wechatpayPrivateKey)) {
    file = JSON.parse(readFileSync(paths.identity, 'utf8')) as IdentityFile;
  } else {
    created = true;
    const [merchant, wechatpay, certificate] = await Promise.all([rsaKeyPair(), rsaKeyPair(), generatePlatformCertificate(dataDir)]);
    writeFileAtomic(paths.merchantPrivateKey, merchant.privatePem, 0o600);
    writeFileAtomic(paths.merchantPublicKey, merchant.publicPem);
    writeFileAtomic(paths.wechatpayPrivateKey, wechatpay.privatePem, 0o600);
    writeFileAtomic(paths.wechatpayPublicKey, wechatpay.publicPem);
    const mchid = `19${digits(8)}`;
    file = {
      version: 1,
      appid: `wx${randomBytes(8).toString('hex')}`,
      secret: randomBytes(16).toString('hex'),
      mchid,
      merchantSerial: randomSerialHex(),
      apiV3Key: nonce(32),
      publicKeyId: `PUB_KEY_ID_01${mchid}${digits(20)}`,
      platformCertificates: [certificate],
    };
    writeFileAtomic(paths.identity, `${JSON.stringify(file, null, 2)}\n`, 0o600);
  }
  ensureMerchantCertificate(paths, file.mchid, file.merchantSerial);
  const identity: Identity = {
    dataDir,
    paths,
    appid: file.appid,
    secret: file.secret,
    mchid: file.mchid,
    merchantSerial: file.merchantSerial,
    apiV3Key: file.apiV3Key,
    publicKeyId: file.publicKeyId,
    merchantPublicKey: createPublicKey(readFileSync(paths.merchantPublicKey, 'utf8')),
    wechatpayPublicKey: createPublicKey(readFileSync(paths.wechatpayPublicKey, 'utf8')),
    wechatpayPrivateKey: createPrivateKey(readFileSync(paths.wechatpayPrivateKey, 'utf8')),
    platformCertificates: file.platformCertificates.map((info) => loadPlatformCertificate(dataDir, info)),
  };
  return { identity, created };
}

/** The API's configuration (README.md, Configuration) pointing at this sandbox, keys as file paths. */
export function apiEnvFor(identity: Identity, url: string): Record<string, string> {
  return {
    WECHAT_APPID: identity.appid,
    WECHAT_SECRET: identity.secret,
    WECHAT_API_BASE: url,
    WECHATPAY_MCHID: identity.mchid,
    WECHATPAY_SERIAL: identity.merchantSerial,
    WECHATPAY_PRIVATE_KEY: identity.paths.merchantPrivateKey,
    WECHATPAY_APIV3_KEY: identity.apiV3Key,
    WECHATPAY_PUBLIC_KEY_ID: identity.publicKeyId,
    WECHATPAY_PUBLIC_KEY: identity.paths.wechatpayPublicKey,
    WECHATPAY_BASE: url,
    // The development subscribe message templates (domain/subscribe.ts), so the API sends all five.
    ...templateEnv(),
  };
}

export function writeApiEnv(identity: Identity, env: Record<string, string>): void {
  const text = Object.entries(env)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n');
  writeFileAtomic(identity.paths.apiEnv, `${text}\n`, 0o600);
}
