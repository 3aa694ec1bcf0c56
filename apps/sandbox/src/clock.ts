// The sandbox's business clock. It can be shifted from the control API so tests can reach time_expire,
// prepay_id and token expiry, or yesterday's bill, without waiting. Signatures (Authorization window,
// Wechatpay-Timestamp) always use the real clock: the merchant's clock is not shifted.
export class Clock {
  constructor(public offsetMs = 0) {}

  now(): number {
    return Date.now() + this.offsetMs;
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
