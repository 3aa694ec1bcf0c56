// Process-wide corrections to CongoDB's engines (static classes, so they apply to every CongoServer in the
// process; applied once, on the first start).
import { QueryEngine, UpdateEngine } from '@push.rocks/smartmongo/dist_ts/congodb/index.js';
import { cloneDoc, compareBson, copyForUpdate, type Doc } from './bson-values';
import { mingoQuery } from './mingo-query';
import { projectDottedPaths } from './projection';

let applied = false;

/** The document applyOperators handed UpdateEngine already copied (copyForUpdate): it must not be copied again. */
let preparedCopy: unknown;

/**
 * Applies operator updates to a copy of `doc` that shares the fields the update does not name (copyForUpdate):
 * UpdateEngine.applyUpdate starts with a deep copy of the whole document, which for a product holding hundreds
 * of reservations was most of the cost of every write to it.
 */
export function applyOperators(doc: Doc, ops: Doc): Doc {
  const copy = copyForUpdate(doc, ops);
  preparedCopy = copy;
  try {
    return UpdateEngine.applyUpdate(copy as never, ops) as Doc;
  } finally {
    preparedCopy = undefined;
  }
}

export function applyEnginePatches(): void {
  if (applied) return;
  applied = true;
  const query = QueryEngine as unknown as {
    compareValues: (a: unknown, b: unknown) => number;
    project: (docs: Doc[], projection: Doc) => Doc[];
    filter: (docs: Doc[], filter: Doc) => Doc[];
    matches: (doc: Doc, filter: Doc) => boolean;
    findOne: (docs: Doc[], filter: Doc) => Doc | null;
  };
  const update = UpdateEngine as unknown as {
    compareValues: (a: unknown, b: unknown) => number;
    deepClone: (value: unknown) => unknown;
  };

  // Each match compiled its filter with a fresh copy of all of mingo's operators (mingo-query.ts); the same
  // queries, compiled with one shared context. As before, an empty filter matches everything.
  const isEmpty = (filter: Doc | undefined): boolean => !filter || Object.keys(filter).length === 0;
  query.filter = (docs, filter) => {
    if (isEmpty(filter)) return docs;
    const compiled = mingoQuery(filter);
    return docs.filter((doc) => compiled.test(doc));
  };
  query.matches = (doc, filter) => isEmpty(filter) || mingoQuery(filter).test(doc);
  query.findOne = (docs, filter) => {
    if (isEmpty(filter)) return docs[0] ?? null;
    const compiled = mingoQuery(filter);
    return docs.find((doc) => compiled.test(doc)) ?? null;
  };

  // sort(), findAndModify's sort, $min/$max and $push's $sort compared strings with localeCompare and mixed
  // types as strings; MongoDB orders by BSON type, then by value, with strings in binary order.
  query.compareValues = compareBson;
  update.compareValues = compareBson;

  // Every operator update starts from UpdateEngine.deepClone of the document, which rebuilt Binary, Long and
  // Decimal128 values as plain objects (a GridFS chunk or a Buffer written through an upsert came back as
  // `{ buffer, sub_type }`). Our copy keeps bson values as they are, and leaves alone the copy applyOperators
  // prepared.
  update.deepClone = (value) => (value === preparedCopy ? value : cloneDoc(value));

  // An exclusion projection on a nested path (`{ 'address.secret': 0 }`) deleted the field from the *stored*
  // document, because the result was only a shallow copy of it.
  // A dotted path through an array answered `{ orderId: [ … ] }` instead of `[{ orderId }, …]`: plain projections
  // with dotted paths are ours (projection.ts).
  const project = query.project.bind(QueryEngine);
  query.project = (docs, projection) =>
    projectDottedPaths(docs, projection) ??
    project(Object.keys(projection).some((k) => k.includes('.')) ? docs.map((d) => cloneDoc(d)) : docs, projection);
}
