// The decrypted resource of a payment notification, parsed rather than trusted: the signature says WeChat sent
// it, not that it has the shape the code relies on (a SUCCESS without a transaction_id or an amount would be
// applied as a payment of "" for -1 fen).
import { z } from 'zod';
import type { TradeState, Transaction } from '@xiaodian/wechatpay';

const text = (max: number) => z.string().max(max);
const rfc3339 = z.string().refine((t) => !Number.isNaN(Date.parse(t)), 'must be an RFC 3339 time');

export const transactionResource = z
  .looseObject({
    appid: text(64).min(1),
    mchid: text(32).min(1),
    out_trade_no: text(32).min(1),
    transaction_id: text(64).min(1).optional(),
    trade_type: z.enum(['JSAPI', 'NATIVE', 'APP', 'MICROPAY', 'MWEB', 'FACEPAY']).optional(),
    // Any state, as WeChat may add some: only SUCCESS moves an order, everything else is ignored.
    trade_state: text(32).min(1),
    trade_state_desc: text(256).default(''),
    bank_type: text(64).optional(),
    attach: text(128).optional(),
    success_time: rfc3339.optional(),
    payer: z.looseObject({ openid: text(128) }).optional(),
    amount: z
      .looseObject({
        total: z.number().int().nonnegative().optional(),
        payer_total: z.number().int().optional(),
        currency: text(16).optional(),
        payer_currency: text(16).optional(),
      })
      .optional(),
  })
  .superRefine((tx, ctx) => {
    if (tx.trade_state !== 'SUCCESS') return;
    if (!tx.transaction_id) ctx.addIssue({ code: 'custom', path: ['transaction_id'], message: 'is required for SUCCESS' });
    if (tx.amount?.total === undefined) ctx.addIssue({ code: 'custom', path: ['amount', 'total'], message: 'is required for SUCCESS' });
  })
  // trade_state stays an open string above; the Transaction type names the states this code knows.
  .transform((tx): Transaction => ({ ...tx, trade_state: tx.trade_state as TradeState }));

/** The transaction, or why the resource is not one ("amount.total is required for SUCCESS"). */
export function parseTransactionResource(resource: unknown): { ok: true; tx: Transaction } | { ok: false; why: string } {
  const parsed = transactionResource.safeParse(resource);
  if (parsed.success) return { ok: true, tx: parsed.data };
  const issue = parsed.error.issues[0];
  return { ok: false, why: `${issue?.path.join('.') || 'resource'} ${issue?.message ?? 'is malformed'}` };
}
