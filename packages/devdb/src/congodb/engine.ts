// CongoDB's query/update/aggregation engines with the signatures we use (their typings want an ObjectId `_id`
// on every document, which is exactly the restriction storage.ts lifts). Calls go through the classes at call
// time, so the patches in patches.ts apply.
import {
  AggregationEngine,
  Long,
  ObjectId,
  QueryEngine,
} from '@push.rocks/smartmongo/dist_ts/congodb/index.js';
import type { Doc } from './bson-values';
import { applyOperators } from './patches';

export { Long, ObjectId };

type Loose = never;

export const engine = {
  filter: (docs: Doc[], filter: Doc): Doc[] => QueryEngine.filter(docs as Loose, filter) as Doc[],
  matches: (doc: Doc, filter: Doc): boolean => QueryEngine.matches(doc, filter),
  sort: (docs: Doc[], sort: Doc): Doc[] => QueryEngine.sort(docs as Loose, sort as Loose) as Doc[],
  project: (docs: Doc[], projection: Doc): Doc[] => QueryEngine.project(docs as Loose, projection) as Doc[],
  /** Operator updates on a copy that shares the fields they leave alone (patches.ts). */
  applyUpdate: (doc: Doc, update: Doc): Doc => applyOperators(doc, update),
  aggregate: (docs: Doc[], pipeline: Doc[]): Doc[] => AggregationEngine.aggregate(docs as Loose, pipeline) as Doc[],
};
