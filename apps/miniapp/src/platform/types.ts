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
  /** H5 development only: pick another sandbox test user. */
  switchTestUser?(): void;
  /** H5 development only: the address asks for a login (`?code=` back from the chooser, or `?user=`). */
  loginRequested?(): boolean;
}
