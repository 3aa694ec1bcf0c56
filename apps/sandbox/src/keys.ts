// Which WeChat Pay key signs answers and notifications: the WeChat Pay public key (`PUB_KEY_ID_…`, the only
// mode for merchants opened since late 2024), the platform certificate (older merchants), or both during a
// migration. `GET /v3/certificates` exists only when certificates are in play.
import type { KeyObject } from 'node:crypto';
import { addPlatformCertificate, type Identity, type PlatformCertificate } from './identity';

export type KeyMode = 'public_key' | 'certificate' | 'both';
export const KEY_MODES: readonly KeyMode[] = ['public_key', 'certificate', 'both'];

export interface Signer {
  serial: string;
  privateKey: KeyObject;
}

export interface KeyStatus {
  mode: KeyMode;
  public_key_id: string;
  /** The certificate that signs in certificate mode (the newest valid one). */
  current_certificate_serial: string | undefined;
  certificates: Array<{ serial_no: string; effective_time: string; expire_time: string; listed: boolean }>;
}

export class KeyManager {
  constructor(
    private readonly identity: Identity,
    public mode: KeyMode,
  ) {}

  /** Certificates `GET /v3/certificates` lists: every one not yet expired. */
  listedCertificates(now = Date.now()): PlatformCertificate[] {
    return this.identity.platformCertificates.filter((c) => c.notBefore <= now && c.notAfter > now);
  }

  currentCertificate(now = Date.now()): PlatformCertificate | undefined {
    const listed = this.listedCertificates(now);
    return listed[listed.length - 1];
  }

  private publicKeySigner(): Signer {
    return { serial: this.identity.publicKeyId, privateKey: this.identity.wechatpayPrivateKey };
  }

  private certificateSigner(): Signer {
    const certificate = this.currentCertificate();
    if (!certificate) return this.publicKeySigner();
    return { serial: certificate.serial, privateKey: certificate.privateKey };
  }

  /**
   * The key that signs an API answer. In `both` mode the merchant chooses with the `Wechatpay-Serial`
   * request header (as during WeChat's certificate → public key migration); without it, the certificate.
   */
  answerSigner(requestedSerial?: string): Signer {
    if (this.mode === 'public_key') return this.publicKeySigner();
    if (this.mode === 'certificate') return this.certificateSigner();
    return requestedSerial === this.identity.publicKeyId ? this.publicKeySigner() : this.certificateSigner();
  }

  /** In `both` mode notifications alternate between the two keys, so a merchant must keep a map serial → key. */
  notificationSigner(sequence: number): Signer {
    if (this.mode === 'public_key') return this.publicKeySigner();
    if (this.mode === 'certificate') return this.certificateSigner();
    return sequence % 2 === 1 ? this.publicKeySigner() : this.certificateSigner();
  }

  /** The public key a merchant should verify `serial` with (for the inspector and tests). */
  verificationKey(serial: string): KeyObject | undefined {
    if (serial === this.identity.publicKeyId) return this.identity.wechatpayPublicKey;
    return this.identity.platformCertificates.find((c) => c.serial === serial)?.publicKey;
  }

  /** Adds a new platform certificate that signs from now on; older ones stay listed until they expire. */
  async rotate(): Promise<PlatformCertificate> {
    return addPlatformCertificate(this.identity);
  }

  status(rfc3339: (ms: number) => string): KeyStatus {
    const now = Date.now();
    return {
      mode: this.mode,
      public_key_id: this.identity.publicKeyId,
      current_certificate_serial: this.currentCertificate(now)?.serial,
      certificates: this.identity.platformCertificates.map((c) => ({
        serial_no: c.serial,
        effective_time: rfc3339(c.notBefore),
        expire_time: rfc3339(c.notAfter),
        listed: c.notBefore <= now && c.notAfter > now,
      })),
    };
  }
}
