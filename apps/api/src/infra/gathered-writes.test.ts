// gatherEach sends one batch at a time, but a batch whose command hangs must not hold up the queue: the callers
// who asked after it go out in a batch of their own once it has been in flight for `stalledAfterMs`.
import { describe, expect, it } from 'vitest';
import { gatherEach } from './gathered-writes';

/** Lets the event loop finish its turn: a batch asked in it has then been sent. */
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('gatherEach', () => {
  it('sends the ops asked in one turn of the event loop together, and answers each from its own position', async () => {
    const batches: number[][] = [];
    const double = gatherEach<number, number>(async (ops) => {
      batches.push(ops);
      return ops.map((n) => n * 2);
    });
    expect(await Promise.all([double(1), double(2), double(3)])).toEqual([2, 4, 6]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('answers each caller from the batch that carried its op, one batch in flight at a time', async () => {
    const batches: number[][] = [];
    const double = gatherEach<number, number>(async (ops) => {
      batches.push(ops);
      await new Promise((resolve) => setTimeout(resolve, 5));
      return ops.map((n) => n * 2);
    });
    const first = double(1);
    await nextTurn();
    const rest = [double(2), double(3)];
    expect(await first).toBe(2);
    expect(await Promise.all(rest)).toEqual([4, 6]);
    expect(batches).toEqual([[1], [2, 3]]);
  });

  it('sends the next batch once the one in flight has stalled, and still answers the stalled callers', async () => {
    const batches: string[][] = [];
    let finishStalled: (answers: string[]) => void = () => undefined;
    const write = gatherEach<string, string>(
      (ops) => {
        batches.push(ops);
        // The first batch hangs until the test lets it go; later ones answer at once.
        if (batches.length === 1) return new Promise<string[]>((resolve) => (finishStalled = resolve));
        return Promise.resolve(ops.map((op) => `${op}!`));
      },
      { stalledAfterMs: 50 },
    );
    const stalled = write('a');
    await nextTurn();
    const started = performance.now();
    const later = await write('b');
    expect(later).toBe('b!');
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
    expect(batches).toEqual([['a'], ['b']]);
    finishStalled(['a!']);
    expect(await stalled).toBe('a!');
  });

  it('fails every caller of a failed batch, and goes on with the next', async () => {
    let calls = 0;
    const write = gatherEach<number, number>(async (ops) => {
      calls++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (calls === 1) throw new Error('refused');
      return ops;
    });
    const failed = write(1);
    await nextTurn();
    const next = write(2);
    await expect(failed).rejects.toThrow('refused');
    expect(await next).toBe(2);
  });

  it('fails the callers of a write that throws at once, or answers no list, and the queue goes on', async () => {
    let calls = 0;
    const write = gatherEach<number, number>((ops) => {
      calls++;
      if (calls === 1) throw new Error('thrown at once');
      if (calls === 2) return Promise.resolve(undefined as unknown as number[]);
      return Promise.resolve(ops);
    });
    await expect(write(1)).rejects.toThrow('thrown at once');
    await expect(write(2)).rejects.toThrow();
    expect(await write(3)).toBe(3);
  });
});
