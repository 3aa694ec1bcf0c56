import type { Address, PayParams } from '@xiaodian/shared';

/** What the client-side cashier said. Never authoritative: only the API knows whether an order is paid. */
export type ClientPayResult = 'success' | 'cancel' | 'fail';

/** Everything that differs between the mp-weixin build and the H5 development build. */
export interface Platform {
  readonly name: 'mp-weixin' | 'h5';
  /** Prefix of API calls. */
  readonly apiBase: string;
  /** Where the delivery address comes from: WeChat's address book, or a form (H5). */
  readonly addressSource: 'wechat' | 'form';
  /** A one-time login code for `POST /api/auth/login`. */
  loginCode(): Promise<string>;
  /** WeChat's address picker; undefined when the shopper cancels. Not available when addressSource is 'form'. */
  chooseAddress(): Promise<Address | undefined>;
  /**
   * Opens the cashier for an order with the API's payment parameters. mp-weixin resolves with the cashier's
   * answer; H5 leaves the page for the sandbox cashier, which comes back to the result page.
   */
  pay(orderId: string, params: PayParams): Promise<ClientPayResult>;
  /**
   * Asks the shopper to allow one subscribe message per template (WeChat's 一次性订阅消息); resolves with the ids
   * allowed. Must be called in a tap's handler before anything is awaited (WeChat refuses it otherwise). Never
   * rejects: a refusal or an error only means fewer messages. `openid`: who allows (the H5 sandbox needs it).
   */
  requestSubscribe(templateIds: string[], openid: string | undefined): Promise<string[]>;
  /**
   * WeChat's own confirm-receipt UI for a transaction (trade management, mp-weixin only). Its answer is a hint:
   * the API learns the truth from WeChat's push, so the caller reads the order again.
   */
  openConfirmReceipt?(transactionId: string): Promise<'confirmed' | 'cancelled' | 'failed'>;
  /** H5 development only: pick another sandbox test user. */
  switchTestUser?(): void;
  /** H5 development only: the address asks for a login (`?code=` back from the chooser, or `?user=`). */
  loginRequested?(): boolean;
}
