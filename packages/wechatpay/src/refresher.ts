// Platform certificates rotate; WeChat asks merchants to fetch them at least every 12 h (§4).
// The refresher only adds serials it did not know: a key is never removed by a refresh, so answers
// signed with a certificate that is still in flight keep verifying.
import type { WechatPayLogger } from './client';
import type { KeyRing } from './key-ring';
import type { PlatformCertificate } from './types';

export class PlatformCertificateRefresher {
  readonly #client: { certificates(): Promise<PlatformCertificate[]> };
  readonly #keyRing: KeyRing;
  readonly #logger: WechatPayLogger | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  #running: Promise<string[]> | undefined;

  constructor(
    client: { certificates(): Promise<PlatformCertificate[]> },
    keyRing: KeyRing,
    options: { logger?: WechatPayLogger } = {},
  ) {
    this.#client = client;
    this.#keyRing = keyRing;
    this.#logger = options.logger;
  }

  /** Fetches the certificates once and adds the new serials; resolves with them. Throws the client's errors. */
  refresh(): Promise<string[]> {
    // One refresh at a time: a timer tick during a slow refresh joins it.
    if (!this.#running) {
      const run = this.#refreshOnce();
      this.#running = run;
      const clear = (): void => {
        if (this.#running === run) this.#running = undefined;
      };
      run.then(clear, clear);
    }
    return this.#running;
  }

  async #refreshOnce(): Promise<string[]> {
    const added: string[] = [];
    for (const certificate of await this.#client.certificates()) {
      if (this.#keyRing.has(certificate.serial_no)) continue;
      this.#keyRing.add(certificate.serial_no, certificate.pem);
      added.push(certificate.serial_no);
    }
    if (added.length) this.#logger?.info({ added }, 'wechatpay platform certificates added');
    return added;
  }

  /** Refreshes every `intervalMs` (the first time after one interval; call `refresh()` at start-up). */
  start(intervalMs: number): void {
    this.stop();
    this.#timer = setInterval(() => {
      this.refresh().catch((error: unknown) => {
        this.#logger?.warn({ error: error instanceof Error ? error.message : String(error) }, 'wechatpay certificate refresh failed');
      });
    }, intervalMs);
    // A refresher alone must not keep the process alive.
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  get running(): boolean {
    return this.#timer !== undefined;
  }
}
