// mingo's Query with one shared set of operators. Every `new Query(filter)` from mingo's root entry copies all
// of its operator tables (a few hundred entries) into a fresh context before compiling the filter, and CongoDB
// builds one per command: under the API's load that copy was the largest single cost of devdb's own code.
// Queries only read their context (only aggregation stages such as $fill add operators, and they get mingo's
// own copies), so one context built here, from the same tables mingo's root entry uses, serves them all.
import { createRequire } from 'node:module';
import type { Doc } from './bson-values';

interface MingoQuery {
  test(doc: unknown): boolean;
}
interface MingoContext {
  readonly __brand?: 'MingoContext';
}
interface ContextClass {
  init(ops: Record<string, unknown>): MingoContext;
  from(...contexts: MingoContext[]): MingoContext;
}

// The copy of mingo that CongoDB's engines load (its CommonJS build: the `node` condition), from their package.
const fromCongoDb = createRequire(createRequire(import.meta.url).resolve('@push.rocks/smartmongo/package.json'));
const { Context } = fromCongoDb('mingo/core') as { Context: ContextClass };
const { Query } = fromCongoDb('mingo/query') as { Query: new (filter: Doc, options: { context: MingoContext }) => MingoQuery };

const QUERY_CONTEXT = Context.init({
  accumulator: fromCongoDb('mingo/operators/accumulator'),
  expression: fromCongoDb('mingo/operators/expression'),
  pipeline: fromCongoDb('mingo/operators/pipeline'),
  projection: fromCongoDb('mingo/operators/projection'),
  query: fromCongoDb('mingo/operators/query'),
  window: fromCongoDb('mingo/operators/window'),
});

let installed = false;
/** Lets a query take QUERY_CONTEXT as it is (mingo would copy it); every other context is still copied. */
function shareQueryContext(): void {
  if (installed) return;
  installed = true;
  const from = Context.from.bind(Context);
  Context.from = (...contexts) => (contexts.length === 1 && contexts[0] === QUERY_CONTEXT ? QUERY_CONTEXT : from(...contexts));
}

/** A compiled mingo query for `filter`, as mingo's `new Query(filter)` builds it (same options, same operators). */
export function mingoQuery(filter: Doc): MingoQuery {
  shareQueryContext();
  return new Query(filter, { context: QUERY_CONTEXT });
}
