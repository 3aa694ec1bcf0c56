// Order numbers a person can read and type: the Beijing date `YYMMDD` and that day's sequence, at least four
// digits (`2611300042`; the 10,000th order of a day simply gets a fifth digit). The sequence is one atomic
// `$inc` on a counter document per day, so concurrent orders on every instance get distinct numbers; the unique
// index on Order.orderNo is the last guard. Orders asking at once in one process share the `$inc`: the first
// asks alone, and those that ask while it is in flight take their numbers together in the next (`$inc` by how many
// they are), each one of the range.
import { beijingDate } from '@xiaodian/shared';
import type { Models } from '../../collections';
import { isDuplicateKeyError } from '../../infra/duplicate-key';
import { driverCollection } from '../../infra/driver-collection';
import { perModels } from '../../infra/per-models';
import { gatherEach } from '../../infra/gathered-writes';

type CounterModels = Pick<Models, 'OrderNoCounter'>;

/** Takes `count` numbers of the day at once: answers the last of them. */
async function takeNumbers(models: CounterModels, day: string, count: number): Promise<number> {
  // Through the driver's collection: a string key and an $inc need no casting by mongoose.
  const counters = driverCollection<{ _id: string; seq: number }>(models.OrderNoCounter);
  const take = () => counters.findOneAndUpdate({ _id: day }, { $inc: { seq: count } }, { upsert: true, returnDocument: 'after' });
  // Two first orders of a day may both try to create the day's counter: the loser's update then finds it.
  const counter = await take().catch((err: unknown) => {
    if (isDuplicateKeyError(err)) return take();
    throw err;
  });
  return counter!.seq;
}

/** The numbers asked for at once, by day: one `$inc` by how many each day needs (gathered-writes.ts). */
const numbersOf = perModels((models: CounterModels) =>
  gatherEach<string, number>(async (days) => {
    // A batch rarely spans midnight; when it does, each day takes its own range.
    const counts = new Map<string, number>();
    for (const day of days) counts.set(day, (counts.get(day) ?? 0) + 1);
    const lastOf = new Map(await Promise.all([...counts].map(async ([day, count]) => [day, await takeNumbers(models, day, count)] as const)));
    const taken = new Map<string, number>();
    return days.map((day) => {
      const next = (taken.get(day) ?? 0) + 1;
      taken.set(day, next);
      return lastOf.get(day)! - counts.get(day)! + next;
    });
  }),
);

export async function nextOrderNo(models: CounterModels, now = new Date()): Promise<string> {
  const day = beijingDate(now).slice(2).replaceAll('-', '');
  const seq = await numbersOf(models)(day);
  return `${day}${String(seq).padStart(4, '0')}`;
}
