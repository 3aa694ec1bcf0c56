// WeChat's trade and refund states, and what each means for us. Following hyperswitch's rule, only an
// explicit success or failure moves an order; anything unknown or in between is "still pending".

export type TradeState = 'SUCCESS' | 'REFUND' | 'NOTPAY' | 'CLOSED' | 'REVOKED' | 'USERPAYING' | 'PAYERROR';
export type PaymentOutcome = 'PAID' | 'FAILED' | 'PENDING';

export function paymentOutcomeOf(tradeState: string): PaymentOutcome {
  switch (tradeState) {
    // REFUND means it was paid and then (partly) refunded: the money did arrive.
    case 'SUCCESS':
    case 'REFUND':
      return 'PAID';
    case 'CLOSED':
    case 'REVOKED':
    case 'PAYERROR':
      return 'FAILED';
    default:
      return 'PENDING';
  }
}

export type RefundState = 'SUCCESS' | 'CLOSED' | 'PROCESSING' | 'ABNORMAL';
export type RefundOutcome = 'SUCCEEDED' | 'FAILED' | 'ABNORMAL' | 'PROCESSING';

export function refundOutcomeOf(status: string): RefundOutcome {
  switch (status) {
    case 'SUCCESS':
      return 'SUCCEEDED';
    case 'CLOSED':
      return 'FAILED';
    case 'ABNORMAL':
      return 'ABNORMAL';
    default:
      return 'PROCESSING';
  }
}
