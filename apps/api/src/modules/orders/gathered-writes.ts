// Writes that many requests make at once, one each (a paid order's reservation committed, its pending place given
// back, a notification's record), gathered into one bulk write per collection: the first write goes out at once,
// and whatever arrives while it is in flight goes out together in the next. Each gathered write keeps its own
// guarded filter, so a batch changes exactly what the writes one by one would have; a failed batch fails each of
// its callers.

interface Waiting<Op> {
  op: Op;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** Answers a function that queues one write and resolves once the batch holding it is written by `write`. */
export function gatherWrites<Op>(write: (ops: Op[]) => Promise<unknown>): (op: Op) => Promise<void> {
  let queue: Waiting<Op>[] = [];
  let writing = false;
  const drain = async () => {
    writing = true;
    while (queue.length > 0) {
      const batch = queue;
      queue = [];
      try {
        await write(batch.map((w) => w.op));
        for (const w of batch) w.resolve();
      } catch (err) {
        for (const w of batch) w.reject(err);
      }
    }
    writing = false;
  };
  return (op) =>
    new Promise<void>((resolve, reject) => {
      queue.push({ op, resolve, reject });
      if (!writing) void drain();
    });
}

/** One gatherer per database connection (the models of one API instance), made on first use. */
export function perModels<M extends object, F>(make: (models: M) => F): (models: M) => F {
  const made = new WeakMap<M, F>();
  return (models) => {
    let f = made.get(models);
    if (!f) made.set(models, (f = make(models)));
    return f;
  };
}
