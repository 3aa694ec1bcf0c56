// gatherReads promises each caller an answer from a query sent after it asked: a read gathered with others must
// see every write that finished before it asked, exactly as a read of its own would.
import { describe, expect, it } from 'vitest';
import { gatherReads } from './gathered-reads';

/** A store whose reads take a turn of the event loop, counting the queries sent and the keys each asked for. */
function slowStore(initial: Record<string, number>) {
  const data = new Map(Object.entries(initial));
  const queries: string[][] = [];
  const read = gatherReads<number>(async (keys) => {
    queries.push(keys);
    // The query's snapshot is taken when it is sent, as a database's would be.
    const snapshot = new Map(keys.flatMap((k) => (data.has(k) ? [[k, data.get(k)!] as const] : [])));
    await new Promise((resolve) => setTimeout(resolve, 5));
    return snapshot;
  });
  return { data, queries, read };
}

/** Lets the event loop finish its turn: a query asked in it has then been sent. */
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('gatherReads', () => {
  it('sends the keys asked in one turn of the event loop in one query, each key once', async () => {
    const { queries, read } = slowStore({ a: 1, b: 2 });
    expect(await Promise.all([read('a'), read('b'), read('a')])).toEqual([1, 2, 1]);
    expect(queries).toEqual([['a', 'b']]);
  });

  it('answers the keys asked while a query is in flight with one more query, each key once', async () => {
    const { queries, read } = slowStore({ a: 1, b: 2, c: 3 });
    const first = read('a');
    await nextTurn();
    const rest = [read('b'), read('c'), read('b'), read('missing')];
    expect(await first).toBe(1);
    expect(await Promise.all(rest)).toEqual([2, 3, 2, undefined]);
    expect(queries).toEqual([['a'], ['b', 'c', 'missing']]);
  });

  it('never answers a caller from a query sent before it asked', async () => {
    const { data, read } = slowStore({ token: 1 });
    const before = read('token');
    await nextTurn();
    // A write that finishes while that query is in flight (a logout), then a read asked after it.
    data.set('token', 2);
    const after = read('token');
    expect(await before).toBe(1);
    expect(await after).toBe(2);
  });

  it('fails each caller of a failed query, and the next query is sent as usual', async () => {
    let fail = true;
    const read = gatherReads<number>(async (keys) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (fail) throw new Error('database unreachable');
      return new Map(keys.map((k) => [k, k.length]));
    });
    const failed = [read('x'), read('yy')];
    await expect(failed[0]).rejects.toThrow('database unreachable');
    await expect(failed[1]).rejects.toThrow('database unreachable');
    fail = false;
    expect(await read('zzz')).toBe(3);
  });
});
