// Inclusion and exclusion projections with dotted paths, as MongoDB applies them: a path that meets an array
// applies to each element (`{ 'reservations.orderId': 1 }` answers `reservations: [{ orderId }, …]`, an element
// that is not a document dropped on inclusion and kept on exclusion), and several paths into one field are
// merged. CongoDB's own projection set `{ orderId: [ … ] }` there. Operator projections ($slice, $elemMatch,
// the positional `$`) are left to CongoDB.

type Doc = Record<string, unknown>;
/** The projection's paths as a tree: `true` where a path ends. */
type PathTree = { [field: string]: PathTree | true };

const isDocument = (v: unknown): v is Doc =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null);

/** The tree of a plain 0/1 projection (without `_id`), or undefined when it holds anything else. */
function pathTree(projection: Doc): PathTree | undefined {
  const tree: PathTree = {};
  for (const [path, flag] of Object.entries(projection)) {
    if (path === '_id') continue;
    if (![0, 1, true, false].includes(flag as number | boolean) || path.includes('$')) return undefined;
    const parts = path.split('.');
    let node = tree;
    parts.forEach((part, i) => {
      if (i === parts.length - 1) node[part] = true;
      else {
        const next = node[part];
        // A shorter path already takes the whole field.
        if (next === true) return;
        node = node[part] = next ?? {};
      }
    });
  }
  return tree;
}

function include(value: Doc, tree: PathTree): Doc {
  const out: Doc = {};
  for (const [field, sub] of Object.entries(tree)) {
    if (!(field in value)) continue;
    const v = value[field];
    if (sub === true) out[field] = v;
    else if (Array.isArray(v)) out[field] = includeInArray(v, sub);
    else if (isDocument(v)) out[field] = include(v, sub);
  }
  return out;
}

function includeInArray(values: unknown[], tree: PathTree): unknown[] {
  return values.flatMap((e) => (Array.isArray(e) ? [includeInArray(e, tree)] : isDocument(e) ? [include(e, tree)] : []));
}

function exclude(value: Doc, tree: PathTree): Doc {
  const out: Doc = { ...value };
  for (const [field, sub] of Object.entries(tree)) {
    if (!(field in out)) continue;
    const v = out[field];
    if (sub === true) delete out[field];
    else if (Array.isArray(v)) out[field] = excludeInArray(v, sub);
    else if (isDocument(v)) out[field] = exclude(v, sub);
  }
  return out;
}

function excludeInArray(values: unknown[], tree: PathTree): unknown[] {
  return values.map((e) => (Array.isArray(e) ? excludeInArray(e, tree) : isDocument(e) ? exclude(e, tree) : e));
}

/**
 * Projects documents by a plain projection with at least one dotted path; undefined when the projection is not
 * one (operators, or no dotted path), for CongoDB's own. Never changes the documents it is given.
 */
export function projectDottedPaths(docs: Doc[], projection: Doc): Doc[] | undefined {
  const paths = Object.keys(projection).filter((k) => k !== '_id');
  if (!paths.some((k) => k.includes('.'))) return undefined;
  const tree = pathTree(projection);
  if (!tree) return undefined;
  const inclusion = paths.some((k) => projection[k] === 1 || projection[k] === true);
  if (inclusion && paths.some((k) => projection[k] === 0 || projection[k] === false)) {
    throw new Error('Cannot mix inclusion and exclusion in projection');
  }
  const withoutId = projection._id === 0 || projection._id === false;
  return docs.map((doc) => {
    const out = inclusion ? { ...(withoutId || !('_id' in doc) ? {} : { _id: doc._id }), ...include(doc, tree) } : exclude(doc, tree);
    if (!inclusion && withoutId) delete out._id;
    return out;
  });
}
