// Replacement command handlers for CongoDB's insert, update, findAndModify and index commands. The originals
// lose the error code of a failed write, ignore positional/array-filter updates, apply $setOnInsert without
// dotted paths, and keep their index state in a module-wide cache keyed by "db.collection" that is shared by
// every CongoServer in the process (a second server with the same database name sees the first one's indexes
// and never stores its own). These versions keep all state in the server's own storage adapter.
import type { IHandlerContext, ICommandHandler } from '@push.rocks/smartmongo/dist_ts/congodb/server/CommandRouter.js';
import { canonicalKey, cloneDoc, isPlainObject, sameValue, type Doc } from './bson-values';
import { engine, Long, ObjectId } from './engine';
import { CommandError, resolveArrayPaths } from './positional';
import { documentsMatching, documentsOf, indexesOf, type StorageInternals } from './storage';
import { DuplicateKeyError, findExistingDuplicate, type IndexSpec } from './unique';

type Reply = Record<string, unknown>;

export function errorFields(err: unknown): Reply {
  if (err instanceof DuplicateKeyError) {
    return { code: err.code, codeName: err.codeName, errmsg: err.message, keyPattern: err.keyPattern, keyValue: err.keyValue };
  }
  if (err instanceof CommandError) return { code: err.code, codeName: err.codeName, errmsg: err.message };
  // Everything else comes from CongoDB's update engine ("Cannot apply $inc to non-numeric field" and the like).
  return { code: 2, codeName: 'BadValue', errmsg: err instanceof Error ? err.message : String(err) };
}

export function commandFailure(err: unknown): Reply {
  return { ok: 0, ...errorFields(err) };
}

function documentsArg(ctx: IHandlerContext, name: string): Doc[] {
  const fromSequence = ctx.documentSequences?.get(name);
  if (fromSequence) return fromSequence as Doc[];
  const fromCommand = ctx.command[name];
  return Array.isArray(fromCommand) ? (fromCommand as Doc[]) : [];
}

function storageOf(ctx: IHandlerContext): StorageInternals {
  return ctx.storage as unknown as StorageInternals;
}

function sameId(a: unknown, b: unknown): boolean {
  return canonicalKey(a) === canonicalKey(b);
}

const immutableId = (): CommandError =>
  new CommandError("Performing an update on the path '_id' would modify the immutable field '_id'", 66, 'ImmutableField');

/** Apply an update (operators, replacement or pipeline) to a copy of `doc`. */
function applyUpdate(doc: Doc, update: unknown, filter: Doc, arrayFilters: Doc[] | undefined, inserting: boolean): Doc {
  let result: Doc;
  if (Array.isArray(update)) {
    result = engine.aggregate([cloneDoc(doc)], update as Doc[])[0] ?? {};
    if (!('_id' in result) && '_id' in doc) result = { _id: doc._id, ...result };
  } else if (!isPlainObject(update)) {
    throw new CommandError('Update must be a document or a pipeline', 9, 'FailedToParse');
  } else if (!Object.keys(update).some((k) => k.startsWith('$'))) {
    result = { _id: doc._id, ...cloneDoc(update) };
    if (doc._id === undefined) delete result._id;
  } else {
    const plain = Object.keys(update).find((k) => !k.startsWith('$'));
    if (plain !== undefined) {
      throw new CommandError(`Unknown modifier: ${plain}. Expected a valid update modifier or pipeline-style update`, 9, 'FailedToParse');
    }
    let ops: Doc = update;
    if (inserting && isPlainObject(ops.$setOnInsert)) {
      const { $setOnInsert, ...rest } = ops;
      ops = { ...rest, $set: { ...(isPlainObject(rest.$set) ? rest.$set : {}), ...($setOnInsert as Doc) } };
    }
    ops = resolveArrayPaths(ops, doc, filter, arrayFilters);
    result = engine.applyUpdate(doc, ops);
  }
  if ('_id' in doc && !sameId(doc._id, result._id)) throw immutableId();
  return result;
}

/** The fields an upsert copies from its query: plain equalities and $eq, also inside top-level $and. */
function equalityFields(filter: Doc, into: Doc = {}): Doc {
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$and' && Array.isArray(value)) {
      for (const sub of value) if (isPlainObject(sub)) equalityFields(sub, into);
      continue;
    }
    if (key.startsWith('$')) continue;
    let v: unknown = value;
    if (isPlainObject(value) && Object.keys(value).some((k) => k.startsWith('$'))) {
      if (!('$eq' in value)) continue;
      v = value.$eq;
    }
    const parts = key.split('.');
    let current = into;
    parts.forEach((part, i) => {
      if (i === parts.length - 1) current[part] = cloneDoc(v);
      else current = (isPlainObject(current[part]) ? current[part] : (current[part] = {})) as Doc;
    });
  }
  return into;
}

/** Whether a query uses $expr at its top level or inside $and/$or/$nor, where mongod looks for it. */
function usesExpr(filter: Doc): boolean {
  return Object.entries(filter).some(
    ([key, value]) => key === '$expr' || (['$and', '$or', '$nor'].includes(key) && Array.isArray(value) && value.some((sub) => isPlainObject(sub) && usesExpr(sub))),
  );
}

/**
 * mongod refuses an upsert whose query uses $expr, whether or not a document matches (it could not say which
 * fields the inserted document would take from it). CongoDB evaluated it, so code that works here failed in
 * production.
 */
function refuseExprInUpsert(filter: Doc): void {
  if (usesExpr(filter)) throw new CommandError('$expr is not allowed in the query predicate for an upsert', 224, 'QueryFeatureNotAllowed');
}

function upsertDocument(filter: Doc, update: unknown, arrayFilters: Doc[] | undefined): Doc {
  const seed = equalityFields(filter);
  const isReplacement = isPlainObject(update) && !Object.keys(update).some((k) => k.startsWith('$'));
  let doc: Doc;
  if (isReplacement) {
    doc = cloneDoc(update);
    if (doc._id === undefined && seed._id !== undefined) doc._id = seed._id;
  } else {
    doc = applyUpdate(seed, update, filter, arrayFilters, true);
  }
  // MongoDB generates the _id of an inserted document and puts it first.
  const { _id, ...rest } = doc;
  return { _id: _id === undefined ? new ObjectId() : _id, ...rest };
}

function changed(before: Doc, after: Doc): boolean {
  return !sameValue(before, after);
}

export class InsertHandler implements ICommandHandler {
  async handle(ctx: IHandlerContext): Promise<Reply> {
    const storage = storageOf(ctx);
    const collection = ctx.command.insert;
    if (typeof collection !== 'string') return commandFailure(new CommandError('insert requires a collection name', 2, 'BadValue'));
    const documents = documentsArg(ctx, 'documents');
    const ordered = ctx.command.ordered !== false;
    const writeErrors: Reply[] = [];
    let n = 0;
    for (const [index, raw] of documents.entries()) {
      try {
        const doc = raw._id === undefined ? { _id: new ObjectId(), ...raw } : raw;
        await storage.insertOne(ctx.database, collection, doc);
        n++;
      } catch (err) {
        writeErrors.push({ index, ...errorFields(err) });
        if (ordered) break;
      }
    }
    return writeErrors.length > 0 ? { ok: 1, n, writeErrors } : { ok: 1, n };
  }
}

export class UpdateHandler implements ICommandHandler {
  async handle(ctx: IHandlerContext): Promise<Reply> {
    try {
      if (ctx.command.findAndModify !== undefined) return await this.findAndModify(ctx);
      return await this.update(ctx);
    } catch (err) {
      return commandFailure(err);
    }
  }

  private async update(ctx: IHandlerContext): Promise<Reply> {
    const storage = storageOf(ctx);
    const collection = ctx.command.update;
    if (typeof collection !== 'string') throw new CommandError('update requires a collection name', 2, 'BadValue');
    const ordered = ctx.command.ordered !== false;
    const writeErrors: Reply[] = [];
    const upserted: Reply[] = [];
    let n = 0;
    let nModified = 0;
    for (const [index, spec] of documentsArg(ctx, 'updates').entries()) {
      try {
        const filter = (isPlainObject(spec.q) ? spec.q : {}) as Doc;
        const update = spec.u;
        const arrayFilters = spec.arrayFilters as Doc[] | undefined;
        const isReplacement = isPlainObject(update) && !Object.keys(update).some((k) => k.startsWith('$'));
        if (spec.multi && isReplacement) {
          throw new CommandError('multi update is not supported for replacement-style update', 9, 'FailedToParse');
        }
        if (spec.upsert === true) refuseExprInUpsert(filter);
        const matching = documentsMatching(storage, ctx.database, collection, filter);
        if (matching.length === 0) {
          if (spec.upsert) {
            const doc = upsertDocument(filter, update, arrayFilters);
            await storage.insertOne(ctx.database, collection, doc);
            upserted.push({ index, _id: doc._id });
            n++;
          }
          continue;
        }
        for (const doc of spec.multi ? matching : matching.slice(0, 1)) {
          const next = applyUpdate(doc, update, filter, arrayFilters, false);
          n++;
          if (changed(doc, next)) {
            await storage.updateById(ctx.database, collection, doc._id, next);
            nModified++;
          }
        }
      } catch (err) {
        writeErrors.push({ index, ...errorFields(err) });
        if (ordered) break;
      }
    }
    const reply: Reply = { ok: 1, n, nModified };
    if (upserted.length > 0) reply.upserted = upserted;
    if (writeErrors.length > 0) reply.writeErrors = writeErrors;
    return reply;
  }

  private async findAndModify(ctx: IHandlerContext): Promise<Reply> {
    const storage = storageOf(ctx);
    const { command } = ctx;
    const collection = command.findAndModify;
    if (typeof collection !== 'string') throw new CommandError('findAndModify requires a collection name', 2, 'BadValue');
    const filter = (isPlainObject(command.query) ? command.query : {}) as Doc;
    const update = command.update;
    const remove = command.remove === true;
    if (remove === (update !== undefined)) {
      throw new CommandError('findAndModify needs exactly one of update and remove', 9, 'FailedToParse');
    }
    if (command.upsert === true) refuseExprInUpsert(filter);
    const arrayFilters = command.arrayFilters as Doc[] | undefined;
    const project = (doc: Doc | null): Doc | null =>
      doc && isPlainObject(command.fields) && Object.keys(command.fields).length > 0
        ? (engine.project([doc], command.fields)[0] as Doc)
        : doc;

    let matching = documentsMatching(storage, ctx.database, collection, filter);
    if (isPlainObject(command.sort) && Object.keys(command.sort).length > 0) {
      matching = engine.sort(matching, command.sort);
    }
    const doc = matching[0];

    if (remove) {
      if (!doc) return { ok: 1, value: null, lastErrorObject: { n: 0 } };
      await storage.deleteById(ctx.database, collection, doc._id);
      return { ok: 1, value: project(doc), lastErrorObject: { n: 1 } };
    }
    if (doc) {
      const next = applyUpdate(doc, update, filter, arrayFilters, false);
      if (changed(doc, next)) await storage.updateById(ctx.database, collection, doc._id, next);
      return {
        ok: 1,
        value: project(command.new === true ? next : doc),
        lastErrorObject: { n: 1, updatedExisting: true },
      };
    }
    if (command.upsert === true) {
      const inserted = upsertDocument(filter, update, arrayFilters);
      await storage.insertOne(ctx.database, collection, inserted);
      return {
        ok: 1,
        value: command.new === true ? project(inserted) : null,
        lastErrorObject: { n: 1, updatedExisting: false, upserted: inserted._id },
      };
    }
    return { ok: 1, value: null, lastErrorObject: { n: 0, updatedExisting: false } };
  }
}

const INDEX_OPTIONS = ['unique', 'sparse', 'partialFilterExpression', 'expireAfterSeconds'] as const;

function indexOptions(spec: Doc): Omit<IndexSpec, 'name' | 'key'> {
  const out: Doc = {};
  for (const option of INDEX_OPTIONS) {
    // Drivers send `unique: false` / `sparse: false`; store only what is switched on.
    if (spec[option] !== undefined && spec[option] !== false) out[option] = spec[option];
  }
  return out;
}

export class IndexHandler implements ICommandHandler {
  async handle(ctx: IHandlerContext): Promise<Reply> {
    try {
      if (ctx.command.createIndexes !== undefined) return await this.create(ctx);
      if (ctx.command.dropIndexes !== undefined) return await this.drop(ctx);
      return await this.list(ctx);
    } catch (err) {
      return commandFailure(err);
    }
  }

  private async create(ctx: IHandlerContext): Promise<Reply> {
    const storage = storageOf(ctx);
    const collection = ctx.command.createIndexes;
    if (typeof collection !== 'string') throw new CommandError('createIndexes requires a collection name', 2, 'BadValue');
    const specs = Array.isArray(ctx.command.indexes) ? (ctx.command.indexes as Doc[]) : [];
    const existedBefore = await storage.collectionExists(ctx.database, collection);
    await storage.createCollection(ctx.database, collection);
    const before = indexesOf(storage, ctx.database, collection).length;
    const ns = `${ctx.database}.${collection}`;
    for (const spec of specs) {
      if (!isPlainObject(spec.key) || typeof spec.name !== 'string') {
        throw new CommandError('an index needs a key document and a name', 9, 'FailedToParse');
      }
      const index: IndexSpec = { name: spec.name, key: spec.key, ...indexOptions(spec) };
      const sameKey = (other: IndexSpec): boolean => canonicalKey(other.key) === canonicalKey(index.key);
      const sameOptions = (other: IndexSpec): boolean =>
        canonicalKey(indexOptions(other as Doc)) === canonicalKey(indexOptions(index as Doc));
      const current = indexesOf(storage, ctx.database, collection);
      const byName = current.find((i) => i.name === index.name);
      if (byName) {
        if (sameKey(byName) && sameOptions(byName)) continue;
        throw new CommandError(
          `An existing index has the same name as the requested index but a different key or options: ${index.name}`,
          86,
          'IndexKeySpecsConflict',
        );
      }
      const byKey = current.find((i) => sameKey(i) && sameOptions(i));
      if (byKey) {
        throw new CommandError(`Index already exists with a different name: ${byKey.name}`, 85, 'IndexOptionsConflict');
      }
      if (index.unique) {
        const duplicate = findExistingDuplicate(ns, index, documentsOf(storage, ctx.database, collection));
        if (duplicate) throw duplicate;
      }
      const { name, ...rest } = index;
      await storage.saveIndex(ctx.database, collection, name, rest);
    }
    return {
      ok: 1,
      numIndexesBefore: before,
      numIndexesAfter: indexesOf(storage, ctx.database, collection).length,
      createdCollectionAutomatically: !existedBefore,
    };
  }

  private async drop(ctx: IHandlerContext): Promise<Reply> {
    const storage = storageOf(ctx);
    const collection = ctx.command.dropIndexes;
    if (typeof collection !== 'string' || !(await storage.collectionExists(ctx.database, collection))) {
      throw new CommandError(`ns not found ${ctx.database}.${String(collection)}`, 26, 'NamespaceNotFound');
    }
    const current = indexesOf(storage, ctx.database, collection);
    const was = current.length;
    const target = ctx.command.index;
    let names: string[];
    if (target === '*') names = current.map((i) => i.name).filter((n) => n !== '_id_');
    else if (typeof target === 'string') names = [target];
    else if (Array.isArray(target)) names = target.map(String);
    else if (isPlainObject(target)) {
      const found = current.find((i) => canonicalKey(i.key) === canonicalKey(target));
      if (!found) throw new CommandError(`can't find index with key: ${JSON.stringify(target)}`, 27, 'IndexNotFound');
      names = [found.name];
    } else throw new CommandError('dropIndexes needs an index name, key or "*"', 9, 'FailedToParse');
    for (const name of names) {
      if (name === '_id_') throw new CommandError('cannot drop _id index', 72, 'InvalidOptions');
      if (!current.some((i) => i.name === name)) {
        throw new CommandError(`index not found with name [${name}]`, 27, 'IndexNotFound');
      }
    }
    for (const name of names) await storage.dropIndex(ctx.database, collection, name);
    return { ok: 1, nIndexesWas: was };
  }

  private async list(ctx: IHandlerContext): Promise<Reply> {
    const storage = storageOf(ctx);
    const collection = ctx.command.listIndexes;
    if (typeof collection !== 'string' || !(await storage.collectionExists(ctx.database, collection))) {
      throw new CommandError(`ns does not exist: ${ctx.database}.${String(collection)}`, 26, 'NamespaceNotFound');
    }
    const firstBatch = indexesOf(storage, ctx.database, collection).map((i) => ({
      v: 2,
      key: i.key,
      name: i.name,
      ...indexOptions(i as Doc),
    }));
    // The default _id index is implicitly unique and MongoDB does not list it as `unique`.
    for (const i of firstBatch) if (i.name === '_id_') delete (i as Doc).unique;
    return { ok: 1, cursor: { id: Long.fromNumber(0), ns: `${ctx.database}.${collection}`, firstBatch } };
  }
}
