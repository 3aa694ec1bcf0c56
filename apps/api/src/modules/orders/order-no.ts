// Order numbers a person can read and type: the Beijing date `YYMMDD` and that day's sequence, at least four
// digits (`2611300042`; the 10,000th order of a day simply gets a fifth digit). The sequence is one atomic
// `$inc` per order on a counter document per day, so concurrent orders on every instance get distinct numbers;
// the unique index on Order.orderNo is the last guard.
import { beijingDate } from '@xiaodian/shared';
import type { Models } from '../../collections';
import { isDuplicateKeyError } from '../../infra/duplicate-key';
import { driverCollection } from '../../infra/driver-collection';

export async function nextOrderNo(models: Pick<Models, 'OrderNoCounter'>, now = new Date()): Promise<string> {
  const day = beijingDate(now).slice(2).replaceAll('-', '');
  // Through the driver's collection (once per order): a string key and an $inc need no casting by mongoose.
  const counters = driverCollection<{ _id: string; seq: number }>(models.OrderNoCounter);
  const take = () => counters.findOneAndUpdate({ _id: day }, { $inc: { seq: 1 } }, { upsert: true, returnDocument: 'after' });
  // Two first orders of a day may both try to create the day's counter: the loser's update then finds it.
  const counter = await take().catch((err: unknown) => {
    if (isDuplicateKeyError(err)) return take();
    throw err;
  });
  return `${day}${String(counter!.seq).padStart(4, '0')}`;
}
