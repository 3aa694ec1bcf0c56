// Reads and edits the store's details. Each edit is one upsert of the one settings document: the fields sent
// are set (or, for an emptied phone, unset) in a single write, so two owners saving at once never mix halves of
// a read-then-write.
import type { StoreInfo, storeInfoPatchInput } from '@xiaodian/shared';
import type { z } from 'zod';
import type { Models } from '../../collections';
import type { Config } from '../../config';
import { isDuplicateKeyError } from '../../infra/duplicate-key';
import { writeAudit } from '../staff/audit';
import type { StoreSettingsDoc } from './model';

const STORE_ID = 'store';

/** The name a new store shows until the owner names it. */
export const DEFAULT_STORE_NAME = '小店';

/** The policy a new store shows until the owner writes its own; the days follow AFTER_SALE_DAYS. */
export function defaultAfterSalePolicy(afterSaleDays: number): string {
  return [
    `订单确认收货后 ${afterSaleDays} 天内，可在订单详情中申请售后（仅退款或退货退款）。`,
    '商品有质量问题的，退货运费由本店承担；其他原因退货的，退货运费由买家承担。',
    '退款原路退回微信支付账户。如有疑问，请联系客服。',
  ].join('\n');
}

function toStoreInfo(doc: StoreSettingsDoc | null, config: Pick<Config, 'afterSaleDays'>): StoreInfo {
  return {
    name: doc?.name ?? DEFAULT_STORE_NAME,
    ...(doc?.servicePhone ? { servicePhone: doc.servicePhone } : {}),
    // An emptied policy falls back to the default one too: a shopper never reads a blank policy.
    afterSalePolicy: doc?.afterSalePolicy || defaultAfterSalePolicy(config.afterSaleDays),
  };
}

export async function getStoreInfo(models: Pick<Models, 'StoreSettings'>, config: Pick<Config, 'afterSaleDays'>): Promise<StoreInfo> {
  return toStoreInfo(await models.StoreSettings.findById(STORE_ID).lean<StoreSettingsDoc>(), config);
}

export async function updateStoreInfo(
  models: Pick<Models, 'StoreSettings' | 'AuditLog'>,
  config: Pick<Config, 'afterSaleDays'>,
  actor: string,
  input: z.output<typeof storeInfoPatchInput>,
): Promise<StoreInfo> {
  const set: Record<string, unknown> = { updatedAt: new Date(), updatedBy: actor };
  const unset: Record<string, ''> = {};
  if (input.name !== undefined) set.name = input.name;
  if (input.afterSalePolicy !== undefined) set.afterSalePolicy = input.afterSalePolicy;
  if (input.servicePhone !== undefined) {
    if (input.servicePhone === '') unset.servicePhone = '';
    else set.servicePhone = input.servicePhone;
  }
  const update = { $set: set, ...(Object.keys(unset).length ? { $unset: unset } : {}) };
  const write = () =>
    models.StoreSettings.findOneAndUpdate({ _id: STORE_ID }, update, { upsert: true, returnDocument: 'after' }).lean<StoreSettingsDoc>();
  // Two first-ever saves can both try to insert the document; the loser's update applies to the winner's.
  const doc = await write().catch((err: unknown) => (isDuplicateKeyError(err) ? write() : Promise.reject(err)));
  const fields = [...Object.keys(set), ...Object.keys(unset)].filter((f) => f !== 'updatedAt' && f !== 'updatedBy');
  await writeAudit(models, { actor, action: 'store.update', detail: `changed ${fields.join(', ')} of the store info` });
  return toStoreInfo(doc, config);
}
