// Index-aware reads and deletes. CongoDB's find, count, distinct and aggregate handlers read a collection
// with `storage.findAll` and filter it with mingo; we hand them a view of the storage whose findAll returns
// only the candidates an index gives for the command's filter (query-plan.ts), so cursors, batching,
// projection and the aggregation stages stay CongoDB's own. Deletes get a handler of their own, because one
// delete command carries several filters.
import type { ICommandHandler, IHandlerContext } from '@push.rocks/smartmongo/dist_ts/congodb/server/CommandRouter.js';
import { isPlainObject, type Doc } from './bson-values';
import { Long } from './engine';
import { commandFailure, errorFields } from './handlers';
import { CommandError } from './positional';
import { compileFastMatcher, filterDocuments } from './fast-match';
import { countMatching } from './query-plan';
import {
  candidatesFor,
  deleteDocument,
  documentsMatching,
  documentsOf,
  idKey,
  indexesOf,
  sortedCandidatesFor,
  type StorageInternals,
} from './storage';

type Reply = Record<string, unknown>;

function storageOf(ctx: IHandlerContext): StorageInternals {
  return ctx.storage as unknown as StorageInternals;
}

/**
 * `ctx` with a storage whose next findAll of `collection` returns `documents`. Only the first read is
 * narrowed: an aggregation reads its source first, and a later `$lookup` of the same collection must see it all.
 */
function narrowed(ctx: IHandlerContext, collection: string, documents: Doc[]): IHandlerContext {
  const storage = storageOf(ctx);
  const view = Object.create(storage) as StorageInternals;
  let pending = true;
  view.findAll = async (dbName, collName) => {
    if (pending && dbName === ctx.database && collName === collection) {
      pending = false;
      return documents;
    }
    return storage.findAll(dbName, collName);
  };
  return { ...ctx, storage: view as unknown as IHandlerContext['storage'] };
}

/** The collection and filter a read command works on, if it has one an index could serve. */
function readTarget(command: Doc): { collection: string; filter: Doc } | undefined {
  const pick = (collection: unknown, filter: unknown) =>
    typeof collection === 'string' && isPlainObject(filter) && Object.keys(filter).length > 0
      ? { collection, filter }
      : undefined;
  if (command.find !== undefined) return pick(command.find, command.filter);
  if (command.count !== undefined) return pick(command.count, command.query);
  if (command.distinct !== undefined) return pick(command.distinct, command.query);
  if (command.aggregate !== undefined && Array.isArray(command.pipeline)) {
    const first = command.pipeline[0] as Doc | undefined;
    return pick(command.aggregate, isPlainObject(first) ? first.$match : undefined);
  }
  return undefined;
}

/** A find with a sort and a limit that an ordered index serves: the documents to hand CongoDB's find. */
function sortedFind(ctx: IHandlerContext): { collection: string; documents: Doc[] } | undefined {
  const command = ctx.command as Doc;
  const collection = command.find;
  if (typeof collection !== 'string' || command.sort === undefined) return undefined;
  const filter = command.filter === undefined ? {} : command.filter;
  const limit = Math.abs(Number(command.limit ?? 0));
  const skip = Number(command.skip ?? 0);
  if (!isPlainObject(filter) || !(limit > 0) || !(skip >= 0)) return undefined;
  const documents = sortedCandidatesFor(storageOf(ctx), ctx.database, collection, filter, command.sort, skip + limit);
  return documents ? { collection, documents } : undefined;
}

/**
 * The driver's countDocuments (`[{$match: filter}, {$group: {_id: 1, n: {$sum: 1}}}]`) answered by counting, as
 * a real server counts index keys: CongoDB's aggregation would copy every match and group the copies.
 */
function countDocumentsReply(ctx: IHandlerContext): Reply | undefined {
  const command = ctx.command as Doc;
  const collection = command.aggregate;
  const pipeline = command.pipeline;
  if (typeof collection !== 'string' || !Array.isArray(pipeline) || pipeline.length !== 2) return undefined;
  const [match, group] = pipeline as unknown[];
  if (!isPlainObject(match) || Object.keys(match).length !== 1 || !isPlainObject(match.$match)) return undefined;
  if (!isPlainObject(group) || Object.keys(group).length !== 1 || !isPlainObject(group.$group)) return undefined;
  const { _id, n, ...others } = group.$group;
  const sum = isPlainObject(n) ? n : undefined;
  if (_id !== 1 || Object.keys(others).length > 0 || !sum || Object.keys(sum).length !== 1 || sum.$sum !== 1) return undefined;
  const storage = storageOf(ctx);
  const count = countMatching(documentsOf(storage, ctx.database, collection), indexesOf(storage, ctx.database, collection), match.$match, storage.plans);
  if (count === undefined) return undefined;
  return { ok: 1, cursor: { id: Long.fromNumber(0), ns: `${ctx.database}.${collection}`, firstBatch: count > 0 ? [{ _id: 1, n: count }] : [] } };
}

/**
 * `ctx` for a find whose documents are already exactly the filter's matches: CongoDB's find then skips its own
 * mingo pass (it reads the filter for nothing else; its projection does not see the filter).
 */
function filterApplied(ctx: IHandlerContext): IHandlerContext {
  return { ...ctx, command: { ...ctx.command, filter: {} } };
}

/** Wraps CongoDB's find/count/distinct (FindHandler) or aggregate handler. */
export class IndexedReadHandler implements ICommandHandler {
  constructor(private readonly inner: ICommandHandler) {}

  async handle(ctx: IHandlerContext): Promise<Reply> {
    const command = ctx.command as Doc;
    // A collation changes how strings compare: ranges and sorts then scan, as before (equality still looks up).
    const collated = command.collation !== undefined;
    const counted = collated ? undefined : countDocumentsReply(ctx);
    if (counted) return counted;
    const sorted = collated ? undefined : sortedFind(ctx);
    // A sorted walk hands over exact matches (it tested them with the filter).
    if (sorted) return (await this.inner.handle(narrowed(filterApplied(ctx), sorted.collection, sorted.documents))) as Reply;
    const target = readTarget(command);
    if (!target) return (await this.inner.handle(ctx)) as Reply;
    const candidates = candidatesFor(storageOf(ctx), ctx.database, target.collection, target.filter, { ranges: !collated });
    const matcher = command.find !== undefined && !collated ? compileFastMatcher(target.filter) : undefined;
    if (matcher) {
      const matches = filterDocuments(candidates, target.filter, matcher);
      return (await this.inner.handle(narrowed(filterApplied(ctx), target.collection, matches))) as Reply;
    }
    return (await this.inner.handle(narrowed(ctx, target.collection, candidates))) as Reply;
  }
}

export class DeleteHandler implements ICommandHandler {
  async handle(ctx: IHandlerContext): Promise<Reply> {
    const storage = storageOf(ctx);
    const collection = ctx.command.delete;
    if (typeof collection !== 'string') return commandFailure(new CommandError('delete requires a collection name', 2, 'BadValue'));
    const deletes = (ctx.documentSequences?.get('deletes') ?? ctx.command.deletes) as Doc[] | undefined;
    if (!Array.isArray(deletes) || deletes.length === 0) {
      return commandFailure(new CommandError('delete command requires deletes array', 9, 'FailedToParse'));
    }
    const ordered = ctx.command.ordered !== false;
    const writeErrors: Reply[] = [];
    let n = 0;
    for (const [index, spec] of deletes.entries()) {
      try {
        const filter = (isPlainObject(spec.q) ? spec.q : {}) as Doc;
        const matching = documentsMatching(storage, ctx.database, collection, filter);
        // limit 0 deletes every match, limit 1 the first.
        for (const doc of spec.limit === 0 ? matching : matching.slice(0, 1)) {
          if (deleteDocument(storage, ctx.database, collection, idKey(doc._id))) n++;
        }
      } catch (err) {
        writeErrors.push({ index, ...errorFields(err) });
        if (ordered) break;
      }
    }
    return writeErrors.length > 0 ? { ok: 1, n, writeErrors } : { ok: 1, n };
  }
}
