import type { Types } from 'mongoose';
import type { AnomalyKind } from '@xiaodian/shared';
import type { Models } from '../../collections';
import { isDuplicateKeyError } from '../../infra/duplicate-key';

export type { AnomalyKind };

/**
 * Records something a person must know about, once per key however often WeChat repeats it.
 * Returns true when this call created it (so follow-up work such as an automatic refund starts once).
 */
export async function recordAnomaly(
  models: Models,
  anomaly: {
    kind: AnomalyKind;
    key: string;
    detail: string;
    status: 'OPEN' | 'AUTO_REFUND';
    orderId?: Types.ObjectId;
    outTradeNo?: string;
    transactionId?: string;
    amountFen?: number;
  },
): Promise<boolean> {
  const res = await models.Anomaly.updateOne(
    { key: anomaly.key },
    { $setOnInsert: { ...anomaly, createdAt: new Date() } },
    { upsert: true },
  ).catch((err: unknown) => {
    // Concurrent duplicates race on the unique key; the loser recorded nothing new.
    if (isDuplicateKeyError(err)) return { upsertedCount: 0 };
    throw err;
  });
  return res.upsertedCount === 1;
}
