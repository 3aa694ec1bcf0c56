// Array update paths for CongoDB, whose UpdateEngine treats `items.$.qty` as a literal key named "$" (the
// update is silently lost) and ignores arrayFilters. Before an update is applied to a document we rewrite every
// `$`, `$[]` and `$[id]` segment into concrete indexes (`items.1.qty`), which the engine does handle.
import { engine } from './engine';
import { isPlainObject, type Doc } from './bson-values';

/** A write error with MongoDB's code, reported to the client instead of a generic failure. */
export class CommandError extends Error {
  constructor(
    message: string,
    readonly code: number,
    readonly codeName: string,
  ) {
    super(message);
    this.name = 'CommandError';
  }
}

const ARRAY_SEGMENT = /^\$\[(\w*)\]$/;

function isArraySegment(segment: string): boolean {
  return segment === '$' || ARRAY_SEGMENT.test(segment);
}

function setPath(target: Doc, path: string, value: unknown): Doc {
  const parts = path.split('.');
  let current = target;
  parts.forEach((part, i) => {
    if (i === parts.length - 1) current[part] = value;
    else current = (current[part] = {}) as Doc;
  });
  return target;
}

/** Conditions of `filter` (including inside top-level `$and`) that are about `arrayPath` or its elements. */
function conditionsOn(filter: Doc, arrayPath: string): Doc[] {
  const out: Doc[] = [];
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$and' && Array.isArray(value)) {
      for (const sub of value) if (isPlainObject(sub)) out.push(...conditionsOn(sub, arrayPath));
    } else if (key === arrayPath || key.startsWith(`${arrayPath}.`)) {
      out.push({ [key]: value });
    }
  }
  return out;
}

/**
 * The index the positional `$` stands for: the first element of the array at `arrayPath` that satisfies the
 * query's conditions on that array (tested one element at a time, so `$elemMatch`, `items.sku: x` and
 * `tags: x` all work).
 */
function positionalIndex(array: unknown[], arrayPath: string, filter: Doc): number | undefined {
  const conditions = conditionsOn(filter, arrayPath);
  if (conditions.length === 0) return undefined;
  const query = conditions.length === 1 ? (conditions[0] as Doc) : { $and: conditions };
  const index = array.findIndex((element) => engine.matches(setPath({}, arrayPath, [element]), query));
  return index >= 0 ? index : undefined;
}

function filtersFor(identifier: string, arrayFilters: readonly Doc[]): Doc[] {
  const mentions = (filter: Doc): boolean =>
    Object.entries(filter).some(([key, value]) =>
      key.startsWith('$') && Array.isArray(value)
        ? value.some((sub) => isPlainObject(sub) && mentions(sub))
        : key === identifier || key.startsWith(`${identifier}.`),
    );
  return arrayFilters.filter(mentions);
}

interface Context {
  filter: Doc;
  arrayFilters: readonly Doc[];
  path: string;
}

function expand(node: unknown, segments: string[], i: number, prefix: string[], ctx: Context): string[] {
  if (i === segments.length) return [prefix.join('.')];
  const segment = segments[i] as string;
  if (segment === '$') {
    const index = Array.isArray(node) ? positionalIndex(node, prefix.join('.'), ctx.filter) : undefined;
    if (index === undefined) {
      throw new CommandError('The positional operator did not find the match needed from the query.', 2, 'BadValue');
    }
    return expand((node as unknown[])[index], segments, i + 1, [...prefix, String(index)], ctx);
  }
  const match = ARRAY_SEGMENT.exec(segment);
  if (match) {
    if (!Array.isArray(node)) {
      throw new CommandError(
        `The path '${prefix.join('.')}' must exist in the document in order to apply array updates.`,
        2,
        'BadValue',
      );
    }
    const identifier = match[1] ?? '';
    let filters: Doc[] = [];
    if (identifier) {
      filters = filtersFor(identifier, ctx.arrayFilters);
      if (filters.length === 0) {
        throw new CommandError(
          `No array filter found for identifier '${identifier}' in path '${ctx.path}'`,
          2,
          'BadValue',
        );
      }
    }
    const out: string[] = [];
    node.forEach((element, index) => {
      if (filters.every((f) => engine.matches({ [identifier]: element }, f))) {
        out.push(...expand(element, segments, i + 1, [...prefix, String(index)], ctx));
      }
    });
    return out;
  }
  let next: unknown;
  if (Array.isArray(node) && /^\d+$/.test(segment)) next = node[Number(segment)];
  else if (isPlainObject(node)) next = node[segment];
  return expand(next, segments, i + 1, [...prefix, segment], ctx);
}

/**
 * Rewrite the array paths of an operator update (`$set`, `$inc`, `$push` …) for one document. Paths without
 * `$` segments are kept; `$[]`/`$[id]` paths may turn into several concrete paths or none.
 */
export function resolveArrayPaths(update: Doc, doc: Doc, filter: Doc, arrayFilters: readonly Doc[] = []): Doc {
  let changed = false;
  const out: Doc = {};
  for (const [operator, operand] of Object.entries(update)) {
    if (!isPlainObject(operand) || !Object.keys(operand).some((p) => p.split('.').some(isArraySegment))) {
      out[operator] = operand;
      continue;
    }
    changed = true;
    const resolved: Doc = {};
    for (const [path, value] of Object.entries(operand)) {
      const segments = path.split('.');
      if (!segments.some(isArraySegment)) {
        resolved[path] = value;
        continue;
      }
      for (const concrete of expand(doc, segments, 0, [], { filter, arrayFilters, path })) resolved[concrete] = value;
    }
    out[operator] = resolved;
  }
  return changed ? out : update;
}
