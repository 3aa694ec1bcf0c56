// $pull as MongoDB reads its condition (pull_node.cpp): a condition on each element of the array, not a value to
// compare. CongoDB compared the fields of an element with the condition's values, so `{orderId: {$in: [...]}}`
// or `{qty: {$lte: 0}}` removed nothing, and an operator condition on scalars (`tags: {$in: ['a', 'b']}`) was run
// as a query on the scalar itself. Which of MongoDB's three matchers applies depends on the condition:
// - a document whose first field is not a field operator (`{sku: 'a'}`, `{qty: {$lte: 0}}`, `{$or: [...]}`): a
//   query on the element, which must be a document (a find on it: extra fields, arrays inside, operators);
// - a document of field operators (`{$in: [...]}`, `{$gte: 5}`, `{$elemMatch: ...}`) or a regular expression: the
//   operator applied to the element's value, as to a field holding it;
// - anything else (a string, a number, an ObjectId, an array): equal to the element.
import { UpdateEngine } from '@push.rocks/smartmongo/dist_ts/congodb/index.js';
import { isPlainObject, sameValue, type Doc } from './bson-values';
import { compileFastMatcher } from './fast-match';
import { mingoQuery } from './mingo-query';

type ElementTest = (element: unknown) => boolean;

/** MongoDB's "path-accepting keywords": operators that apply to a field's value. */
const FIELD_OPERATORS = new Set([
  '$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin', '$all', '$exists', '$type', '$size', '$mod', '$regex',
  '$options', '$elemMatch', '$not', '$bitsAllSet', '$bitsAllClear', '$bitsAnySet', '$bitsAnyClear',
  '$geoWithin', '$geoIntersects', '$within', '$near', '$nearSphere',
]);

/** Stands for the array element in the query an operator condition becomes (any name that is not an operator). */
const ELEMENT = 'element';

/**
 * A query test that answers the shapes fast-match.ts knows directly (an order's `{orderId}`), mingo the rest: its
 * query compiled once, on the first element that needs it, not once per element.
 */
function queryTest(filter: Doc): (doc: Doc) => boolean {
  const fast = compileFastMatcher(filter);
  let slow: ReturnType<typeof mingoQuery> | undefined;
  return (doc) => fast?.(doc) ?? (slow ??= mingoQuery(filter)).test(doc);
}

export function pullTest(condition: unknown): ElementTest {
  if (isPlainObject(condition)) {
    const first = Object.keys(condition)[0];
    if (first === undefined || !FIELD_OPERATORS.has(first)) {
      const test = queryTest(condition);
      return (element) => isPlainObject(element) && test(element);
    }
  }
  if (isPlainObject(condition) || condition instanceof RegExp) {
    const test = queryTest({ [ELEMENT]: condition });
    return (element) => test({ [ELEMENT]: element });
  }
  return (element) => sameValue(element, condition);
}

/** Removes the elements each `$pull` condition matches (in place: UpdateEngine works on its own copy). */
function applyPull(doc: Doc, fields: Doc): void {
  const update = UpdateEngine as unknown as { getNestedValue: (obj: Doc, path: string) => unknown };
  for (const [path, condition] of Object.entries(fields)) {
    const array = update.getNestedValue(doc, path);
    if (!Array.isArray(array)) continue;
    const matches = pullTest(condition);
    const kept = array.filter((element) => !matches(element));
    if (kept.length !== array.length) array.splice(0, array.length, ...kept);
  }
}

let applied = false;

/** Replaces CongoDB's $pull (UpdateEngine is a static class, so this holds for every server in the process). */
export function applyPullPatch(): void {
  if (applied) return;
  applied = true;
  (UpdateEngine as unknown as { applyPull: typeof applyPull }).applyPull = applyPull;
}
