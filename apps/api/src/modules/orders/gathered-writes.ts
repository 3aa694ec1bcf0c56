// Writes that many requests make at once, one each (a paid order's reservation committed, its pending place given
// back, a notification's record), gathered into one bulk write per collection: the first write goes out at once,
// and whatever arrives while it is in flight goes out together in the next. Each gathered write keeps its own
// guarded filter, so a batch changes exactly what the writes one by one would have; a failed batch fails each of
// its callers.

/** Answers a function that queues one write and resolves once the batch holding it is written by `write`. */
export function gatherWrites<Op>(write: (ops: Op[]) => Promise<unknown>): (op: Op) => Promise<void> {
  const each = gatherWritesEach<Op>(async (ops) => {
    await write(ops);
    return ops.map(() => true);
  });
  return async (op) => {
    await each(op);
  };
}

/**
 * gatherWrites for writes whose callers each need their own outcome (an insert that may meet a duplicate key, a
 * compare-and-set that may find its record moved): `write` answers one outcome per op, in order — true when the op
 * took effect, false when its guard refused it — or throws, which fails the whole batch.
 */
export function gatherWritesEach<Op>(write: (ops: Op[]) => Promise<boolean[]>): (op: Op) => Promise<boolean> {
  let queue: { op: Op; resolve: (done: boolean) => void; reject: (err: unknown) => void }[] = [];
  let writing = false;
  const drain = async () => {
    writing = true;
    while (queue.length > 0) {
      const batch = queue;
      queue = [];
      try {
        const outcomes = await write(batch.map((w) => w.op));
        batch.forEach((w, i) => w.resolve(outcomes[i] === true));
      } catch (err) {
        for (const w of batch) w.reject(err);
      }
    }
    writing = false;
  };
  return (op) =>
    new Promise<boolean>((resolve, reject) => {
      queue.push({ op, resolve, reject });
      if (!writing) void drain();
    });
}
