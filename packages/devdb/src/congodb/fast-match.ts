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

/** A three-valued "or" of `tests` on `x`: true when any says true, else unknown when any cannot tell, else false. */
function anyOf<X>(tests: readonly ((x: X) => Verdict)[], x: X): Verdict {
  let verdict: Verdict = false;
  for (const test of tests) {
    const answer = test(x);
    if (answer) return true;
    if (answer === undefined) verdict = undefined;
  }
  return verdict;
}

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
  return (value) => anyOf(tests, value);
}

/** `{$gt|$gte|$lt|$lte: c}` for a number or a valid date `c`: mingo compares values of the same type only. */
function comparisonTest(op: string, wanted: unknown): FieldTest | undefined {
  const holds =
    op === '$gt' ? (c: number) => c > 0 : op === '$gte' ? (c: number) => c >= 0 : op === '$lt' ? (c: number) => c < 0 : (c: number) => c <= 0;
  if (typeof wanted === 'number' && !Number.isNaN(wanted)) {
    return (value) => {
      if (typeof value === 'number') return Number.isNaN(value) ? undefined : holds(value < wanted ? -1 : value > wanted ? 1 : 0);
      if (value === undefined || value === null || typeof value === 'string' || typeof value === 'boolean' || value instanceof Date) return false;
      return undefined;
    };
  }
  if (wanted instanceof Date && !Number.isNaN(wanted.getTime())) {
    const time = wanted.getTime();
    return (value) => {
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : holds(value.getTime() - time);
      if (value === undefined || value === null || isPrimitive(value)) return false;
      return undefined;
    };
  }
  return undefined;
}

/** A test of one path's value, `negated` for `$ne` (true when no value the path reaches equals). */
interface ConditionTest {
  test: FieldTest;
  negated: boolean;
}

const COMPARISONS = new Set(['$gt', '$gte', '$lt', '$lte']);

/** The tests a condition on one path makes (all must hold), or undefined when it is not a shape this file knows. */
function conditionTests(condition: unknown): ConditionTest[] | undefined {
  const operators = isPlainObject(condition) ? Object.keys(condition) : [];
  if (operators.length > 0 && operators.every((op) => op === '$ne' || COMPARISONS.has(op))) {
    const tests: ConditionTest[] = [];
    for (const op of operators) {
      const test = op === '$ne' ? equalityTest((condition as Doc).$ne) : comparisonTest(op, (condition as Doc)[op]);
      if (!test) return undefined;
      tests.push({ test, negated: op === '$ne' });
    }
    return tests;
  }
  let test: FieldTest | undefined;
  if (operators.length === 1 && operators[0] === '$eq') test = equalityTest((condition as Doc).$eq);
  else if (operators.length === 1 && operators[0] === '$in') test = membershipTest((condition as Doc).$in);
  else {
    const pattern = regexOf(condition);
    test = pattern ? regexTest(pattern) : equalityTest(condition);
  }
  return test ? [{ test, negated: false }] : undefined;
}

/** What a path reaches in a document: one value (undefined when missing), several (through an array), or unsure. */
type Reached = { one: unknown } | { many: unknown[] } | undefined;

/**
 * The value(s) of `parts` in `doc`, as mingo resolves them, for the plain cases: documents all the way; a last
 * part that reaches into an array of documents (each element's field, missing ones left out) or, when numeric,
 * picks an element of an array of plain values. Anything else (arrays midway, arrays of arrays or of mixed
 * elements, values that are arrays or documents in a fan-out, BSON values midway) is mingo's.
 */
function reach(doc: Doc, parts: readonly string[]): Reached {
  let current: unknown = doc;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    if (current === undefined || current === null) return { one: undefined };
    if (isPlainObject(current)) {
      current = current[part];
      continue;
    }
    if (!Array.isArray(current) || i !== parts.length - 1 || i === 0) return undefined;
    if (/^\d+$/.test(part)) {
      return current.every((el) => !Array.isArray(el) && !isPlainObject(el)) ? { one: current[Number(part)] } : undefined;
    }
    const many: unknown[] = [];
    for (const el of current) {
      if (!isPlainObject(el)) return undefined;
      const value = el[part];
      if (Array.isArray(value) || isPlainObject(value)) return undefined;
      if (value !== undefined) many.push(value);
    }
    return { many };
  }
  return { one: current };
}

/** The verdict of `test` on what a path reached: any value passing (mingo's reading of a fan-out), negated for $ne. */
function verdictOn(reached: Reached, { test, negated }: ConditionTest): Verdict {
  if (!reached) return undefined;
  let verdict: Verdict;
  if ('one' in reached) verdict = test(reached.one);
  else {
    verdict = false;
    for (const value of reached.many) {
      const answer = test(value);
      if (answer) {
        verdict = true;
        break;
      }
      if (answer === undefined) verdict = undefined;
    }
  }
  return verdict === undefined ? undefined : verdict !== negated;
}

/** `{$exists: b}` on a plain field, or on a path ending in an array position: mingo asks whether it resolves. */
function existsTest(parts: readonly string[], condition: unknown): FastMatcher | undefined {
  if (!isPlainObject(condition) || Object.keys(condition).length !== 1 || typeof condition.$exists !== 'boolean') return undefined;
  if (parts.length > 1 && !/^\d+$/.test(parts[parts.length - 1] as string)) return undefined;
  const wanted = condition.$exists;
  return (doc) => {
    const reached = reach(doc, parts);
    if (!reached || !('one' in reached)) return undefined;
    return (reached.one !== undefined) === wanted;
  };
}

/** `$or` of filters this file knows: true when a branch is, false when all are false. */
function orMatcher(branches: unknown): FastMatcher | undefined {
  if (!Array.isArray(branches) || branches.length === 0) return undefined;
  const matchers: FastMatcher[] = [];
  for (const branch of branches) {
    const matcher = isPlainObject(branch) ? compileFastMatcher(branch) : undefined;
    if (!matcher) return undefined;
    matchers.push(matcher);
  }
  return (doc) => anyOf(matchers, doc);
}

/**
 * A direct test for `filter`, or undefined when its shape is not one this file knows: equalities, `$in`, `$ne`,
 * `$gt`/`$gte`/`$lt`/`$lte`, `$regex` and `$exists` on fields, on dotted paths where reach() can read them, and
 * top-level `$or` of such filters (the guards of the API's compare-and-set writes: `{ _id, stock: { $gte: n },
 * 'reservations.orderId': { $ne: id } }`). Mingo compiled each of those anew on every write.
 */
export function compileFastMatcher(filter: Doc): FastMatcher | undefined {
  const paths: string[][] = [];
  const tests: ConditionTest[] = [];
  const others: FastMatcher[] = [];
  for (const [path, condition] of Object.entries(filter)) {
    if (path === '$or') {
      const matcher = orMatcher(condition);
      if (!matcher) return undefined;
      others.push(matcher);
      continue;
    }
    if (path.startsWith('$') || path === '' || path.split('.').some((part) => part === '' || part.startsWith('$'))) return undefined;
    const parts = path.split('.');
    const exists = existsTest(parts, condition);
    if (exists) {
      others.push(exists);
      continue;
    }
    const conditions = conditionTests(condition);
    if (!conditions) return undefined;
    for (const test of conditions) {
      paths.push(parts);
      tests.push(test);
    }
  }
  // Plain arrays and an index loop: this runs once per document of a search, 10,000 times a request.
  return (doc) => {
    let verdict: Verdict = true;
    for (let i = 0; i < tests.length; i++) {
      const parts = paths[i] as string[];
      const test = tests[i] as ConditionTest;
      let answer: Verdict;
      if (parts.length === 1) {
        answer = test.test(doc[parts[0] as string]);
        if (answer !== undefined && test.negated) answer = !answer;
      } else answer = verdictOn(reach(doc, parts), test);
      if (answer === false) return false;
      if (answer === undefined) verdict = undefined;
    }
    for (const matcher of others) {
      const answer = matcher(doc);
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
