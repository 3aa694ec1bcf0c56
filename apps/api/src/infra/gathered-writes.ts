// Writes that many requests make at once, one each, gathered into one command per collection: the first write
// goes out at the end of the event-loop turn it was asked in, with whatever else was asked in that turn, and
// whatever arrives while it is in flight goes out together in the next. A batch in flight for STALLED_BATCH_MS
// no longer holds the queue, so batches may then overlap: every op is its own guarded single-document write, and
// no caller depends on another's op. gatherWrites serves
// writes whose callers need no answer of their own (a paid order's reservation committed, its pending place given
// back, a notification's record: one bulk write, each entry with its own guarded filter, so a batch changes exactly
// what the writes one by one would have; a failed batch fails each of its callers). gatherEach and
// gatherWritesEach serve writes whose callers each need their own answer (order numbers, inserts, places,
// reservations, the move to PLACED): the batch's `write` works out each op's answer, from the command's result or,
// when that cannot tell, from a read of what is there now.

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
  return gatherEach<Op, boolean>(async (ops) => (await write(ops)).map((outcome) => outcome === true));
}

/**
 * How long a batch may be in flight before the next one goes out without waiting for it. A command that hangs (a
 * half-open socket, a stalled server) would otherwise hold up every later caller of the queue — every session
 * check of the process — not just its own; after this, they go on while the stalled batch's own callers still wait
 * for its answer.
 */
export const STALLED_BATCH_MS = 5_000;

/** The queue under both: each op's answer is the value `write` answers at its position (an order number…). */
export function gatherEach<Op, R>(write: (ops: Op[]) => Promise<R[]>, options: { stalledAfterMs?: number } = {}): (op: Op) => Promise<R> {
  const stalledAfterMs = options.stalledAfterMs ?? STALLED_BATCH_MS;
  let queue: { op: Op; resolve: (answer: R) => void; reject: (err: unknown) => void }[] = [];
  let writing = false;
  const drain = async () => {
    while (queue.length > 0) {
      const batch = queue;
      queue = [];
      // Whatever `write` does wrong — throws at once, answers something that is not a list — fails this batch's
      // callers, never the queue.
      const answered = Promise.resolve()
        .then(() => write(batch.map((w) => w.op)))
        .then((answers) => batch.forEach((w, i) => w.resolve(answers[i]!)))
        .catch((err: unknown) => {
          for (const w of batch) w.reject(err);
        });
      await answeredOrStalled(answered, stalledAfterMs);
    }
    writing = false;
  };
  return (op) =>
    new Promise<R>((resolve, reject) => {
      queue.push({ op, resolve, reject });
      if (writing) return;
      writing = true;
      // The first batch waits for the rest of this turn of the event loop: the requests whose bytes arrived in the
      // same turn ask in it too, and share the command. Idle, that is a fraction of a millisecond.
      setImmediate(() => void drain());
    });
}

/**
 * Each op's outcome of a bulk of guarded single-document updates, when its count tells it: `tookEffect` ops of
 * `ops` (the bulk's modified count, or its matched count where an op may repeat values already stored). All of them
 * is every op taken, none is none. Undefined otherwise — some refused, or the bulk failed (`tookEffect`
 * undefined): the caller reads.
 */
export function outcomesByCount(tookEffect: number | undefined, ops: number): boolean[] | undefined {
  if (tookEffect === ops) return new Array<boolean>(ops).fill(true);
  if (tookEffect === 0) return new Array<boolean>(ops).fill(false);
  return undefined;
}

/** Resolves when `answered` does, or after `ms`, whichever comes first (the timer never keeps the process up). */
function answeredOrStalled(answered: Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref();
    void answered.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
