import type { Types } from 'mongoose';
import type { Models } from '../../collections';
import { isDuplicateKeyError } from '../../infra/duplicate-key';
import { driverCollection } from '../../infra/driver-collection';
import { gatherReads } from '../../infra/gathered-reads';
import { perModels } from '../../infra/per-models';

const DEFAULT_KEY = 'default';

/** The pointer, read once per round trip for all the orders and quotes asking at once (gathered-reads.ts). */
const pointerOf = perModels((models: Models) =>
  gatherReads(async () => {
    const pointer = await driverCollection<{ _id: string; templateId?: Types.ObjectId }>(models.ShippingDefault).findOne({ _id: DEFAULT_KEY });
    return new Map(pointer ? [[DEFAULT_KEY, pointer]] : []);
  }),
);

/** The id of the store's default template, if there is one. */
export async function defaultTemplateId(models: Models): Promise<string | undefined> {
  const pointer = await pointerOf(models)(DEFAULT_KEY);
  return pointer?.templateId ? String(pointer.templateId) : undefined;
}

/** Makes a template the default: one write of the one pointer, so the previous default stops being it in the same write. */
export async function makeDefault(models: Models, templateId: Types.ObjectId): Promise<void> {
  const write = () => models.ShippingDefault.updateOne({ _id: DEFAULT_KEY }, { $set: { templateId } }, { upsert: true });
  // Two first-ever upserts at once: one inserts, the other meets its unique _id and simply writes again.
  await write().catch((err: unknown) => (isDuplicateKeyError(err) ? write() : Promise.reject(err)));
}

/** Clears the default only if it is still this template (someone may have made another one the default meanwhile). */
export async function clearDefault(models: Models, templateId: Types.ObjectId): Promise<void> {
  await models.ShippingDefault.updateOne({ _id: DEFAULT_KEY, templateId }, { $unset: { templateId: 1 } });
}
