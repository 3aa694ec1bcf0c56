import type { ClosedReason } from '@xiaodian/shared';

// Orders store why they closed in words written by the step that closed them ('expired', 'cancelled by shopper')
// or as a code ('PAYMENT_REFUSED'); clients get a code they can render.
const CODES: Record<string, ClosedReason> = {
  expired: 'EXPIRED',
  'cancelled by shopper': 'CANCELLED',
  PAYMENT_REFUSED: 'PAYMENT_REFUSED',
};

export function closedReasonOf(stored: string | null | undefined): ClosedReason | undefined {
  return stored ? CODES[stored] : undefined;
}
