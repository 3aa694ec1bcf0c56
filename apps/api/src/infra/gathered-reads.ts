// Reads by key that many requests make at once (the session check of every signed-in request, the products and
// SKUs of every order), gathered into one query: the first read goes out at the end of the event-loop turn it was
// asked in, with the keys asked in that turn, and the keys asked for while it is in flight go out together in the
// next, each key once. A caller is answered only by a query sent after it asked, never by one already in flight, so
// it sees every write that finished before it asked, as a read of its own would. Under load this turns a command
// per request into a command per round trip; idle, it adds a fraction of a millisecond.
import { Types, type mongo } from 'mongoose';
import { gatherEach } from './gathered-writes';

/**
 * Answers a function that reads one key; `readMany` reads several at once and answers what it found by key
 * (a key it leaves out is answered `undefined`). The queue is gatherEach's (gathered-writes.ts); each key of a
 * batch is read once, however many callers asked for it. A failed query fails each of its callers.
 */
export function gatherReads<V>(readMany: (keys: string[]) => Promise<Map<string, V>>): (key: string) => Promise<V | undefined> {
  return gatherEach<string, V | undefined>(async (keys) => {
    const found = await readMany([...new Set(keys)]);
    return keys.map((key) => found.get(key));
  });
}

/** gatherReads of documents by `_id` (ObjectIds, asked for by their hex) from a driver collection, with a projection. */
export function gatherReadsById<T extends { _id: Types.ObjectId }>(collection: mongo.Collection<T>, projection: mongo.Document): (id: string) => Promise<T | undefined> {
  return gatherReads(async (ids) => {
    const filter = { _id: { $in: ids.map((id) => new Types.ObjectId(id)) } } as mongo.Filter<T>;
    const docs = (await collection.find(filter, { projection }).toArray()) as T[];
    return new Map(docs.map((d) => [String(d._id), d]));
  });
}
