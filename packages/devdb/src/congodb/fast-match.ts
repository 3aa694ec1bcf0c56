// A direct test for the filters lists and searches send most (equalities and `$in` on plain fields, a `$regex`
// on a name), which answers yes or no for the documents whose values make that answer obvious (strings, numbers,
// booleans, dates, ObjectIds, missing) and "ask mingo" for the rest (arrays, embedded documents, other BSON
// types). mingo builds and walks a generic matcher for every document; at 10,000 products that was most of a
// search's time. Filters of any other shape go to mingo whole, so answers never differ from mingo's.
import { bsonType, canonicalKey, isPlainObject, type Doc } from './bson-values';
import { engine } from './engine';

/** true / false, or undefined when only mingo can tell. */
type Verdict = boolean | undefined;
type FieldTest = (value: unknown) => Verdict;
export type FastMatcher = (doc: Doc) => Verdict;

const isObjectId = (value: unknown): boolean => {
  const t = bsonType(value);
  return t === 'ObjectId' || t === 'ObjectID';
};

/** Values mingo compares to a plain condition by their own value only (no arrays, no embedded documents). */
function isPrimitive(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && !Number.isNaN(value));
}

/** `field: c` / `field: {$eq: c}` for a non-null scalar `c`. */
function equalityTest(wanted: unknown): FieldTest | undefined {
  if (isPrimitive(wanted)) {
    return (value) => {
      if (value === undefined || value === null) return false;
      if (isPrimitive(value)) return typeof value === typeof wanted && value === wanted;
      return undefined;
    };
  }
  if (wanted instanceof Date && !Number.isNaN(wanted.getTime())) {
    const time = wanted.getTime();
    return (value) => {
      if (value === undefined || value === null || isPrimitive(value)) return false;
      if (value instanceof Date) return value.getTime() === time;
      return undefined;
    };
  }
  if (isObjectId(wanted)) {
    const key = canonicalKey(wanted);
    return (value) => {
      if (value === undefined || value === null || isPrimitive(value)) return false;
      if (isObjectId(value)) return canonicalKey(value) === key;
      return undefined;
    };
  }
  return undefined;
}

/** `{$regex: 'text', $options: 'i'}` or a RegExp, with flags JavaScript and MongoDB read alike (i, m, s). */
function regexOf(condition: unknown): RegExp | undefined {
  if (condition instanceof RegExp) return /^[ims]*$/.test(condition.flags) ? condition : undefined;
  if (!isPlainObject(condition)) return undefined;
  const keys = Object.keys(condition);
  if (!keys.every((k) => k === '$regex' || k === '$options') || typeof condition.$regex !== 'string') return undefined;
  const options = condition.$options ?? '';
  if (typeof options !== 'string' || !/^[ims]*$/.test(options)) return undefined;
  try {
    return new RegExp(condition.$regex, options);
  } catch {
    return undefined; // mingo reports the bad pattern
  }
}

function regexTest(pattern: RegExp): FieldTest {
  return (value) => {
    if (typeof value === 'string') return pattern.test(value);
    if (value === undefined || value === null || typeof value === 'number' || typeof value === 'boolean') return false;
    return undefined;
  };
}

/** `field: {$in: [...]}` of non-null scalars: ObjectIds (a page's SKUs by product) by key, others one by one. */
function membershipTest(list: unknown): FieldTest | undefined {
  if (!Array.isArray(list)) return undefined;
  if (list.length > 0 && list.every(isObjectId)) {
    const keys = new Set(list.map(canonicalKey));
    return (value) => {
      if (value === undefined || value === null || isPrimitive(value)) return false;
      if (isObjectId(value)) return keys.has(canonicalKey(value));
      return undefined;
    };
  }
  const tests = list.map(equalityTest);
  if (!tests.every((t): t is FieldTest => t !== undefined)) return undefined;
  return (value) => {
    let verdict: Verdict = false;
    for (const test of tests) {
      const answer = test(value);
      if (answer) return true;
      if (answer === undefined) verdict = undefined;
    }
    return verdict;
  };
}

function fieldTest(condition: unknown): FieldTest | undefined {
  if (isPlainObject(condition) && Object.keys(condition).length === 1 && '$eq' in condition) return equalityTest(condition.$eq);
  if (isPlainObject(condition) && Object.keys(condition).length === 1 && '$in' in condition) return membershipTest(condition.$in);
  const pattern = regexOf(condition);
  return pattern ? regexTest(pattern) : equalityTest(condition);
}

/** A direct test for `filter`, or undefined when its shape is not one this file knows. */
export function compileFastMatcher(filter: Doc): FastMatcher | undefined {
  const tests: Array<[string, FieldTest]> = [];
  for (const [path, condition] of Object.entries(filter)) {
    // Dotted paths reach through arrays of documents; operators combine filters: both are mingo's.
    if (path.startsWith('$') || path.includes('.')) return undefined;
    const test = fieldTest(condition);
    if (!test) return undefined;
    tests.push([path, test]);
  }
  // Plain arrays and an index loop: this runs once per document of a search, 10,000 times a request.
  const paths = tests.map(([path]) => path);
  const fieldTests = tests.map(([, test]) => test);
  return (doc) => {
    let verdict: Verdict = true;
    for (let i = 0; i < paths.length; i++) {
      const answer = (fieldTests[i] as FieldTest)(doc[paths[i] as string]);
      if (answer === false) return false;
      if (answer === undefined) verdict = undefined;
    }
    return verdict;
  };
}

/** `engine.filter(docs, filter)`, answered directly where the documents allow it (same documents, same order). */
export function filterDocuments(docs: Doc[], filter: Doc, matcher: FastMatcher | undefined = compileFastMatcher(filter)): Doc[] {
  if (!matcher) return engine.filter(docs, filter);
  const verdicts = docs.map(matcher);
  const unsure = docs.filter((_, i) => verdicts[i] === undefined);
  const slow = unsure.length > 0 ? new Set(engine.filter(unsure, filter)) : undefined;
  return docs.filter((doc, i) => verdicts[i] ?? slow?.has(doc) ?? false);
}
