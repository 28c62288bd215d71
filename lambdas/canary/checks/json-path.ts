/**
 * The small path language assertions use to point into a JSON body: `checks.database.status`,
 * `items[0].id`, `checks["a.b"].status`. The grammar is the one `assertionSchema.path` validates in
 * `lib/config/schema.ts`: a first segment, then `.name`, `[index]` or `["any key"]` segments, where a
 * name is `[A-Za-z_$][\w$-]*` (dashes allowed, so `checks.postgres-primary.status` works) and a
 * quoted key has no escapes.
 *
 * Parsing is hand-written (no regex per segment) and cached, because the canary evaluates the same
 * few paths on every check.
 *
 * A path that is `$` alone, or starts with `$.` or `$[`, starts at the whole body, as in JSONPath:
 * `$` is a bare number or a top-level array (with `length`), `$[0].id` an item of a top-level array.
 */

/** One step into a JSON value: an object key, or an array index. */
export type PathSegment = { readonly key: string } | { readonly index: number };

/** The outcome of a lookup: "absent" and "present with the value `null`" are different answers. */
export type PathLookup = { readonly found: true; readonly value: unknown } | { readonly found: false };

/** Thrown by {@link parsePath} for a path outside the grammar; the message says where. */
export class JsonPathSyntaxError extends Error {
  constructor(
    readonly path: string,
    readonly position: number,
    message: string,
  ) {
    super(`invalid path ${JSON.stringify(path)} at character ${position + 1}: ${message}`);
    this.name = 'JsonPathSyntaxError';
  }
}

const NOT_FOUND: PathLookup = { found: false };

// Char-code classes for names: the first character `[A-Za-z_$]`, the rest `[\w$-]`.
function isNameStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36;
}
function isNamePart(c: number): boolean {
  return isNameStart(c) || (c >= 48 && c <= 57) || c === 45;
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * Splits a path into segments. Throws {@link JsonPathSyntaxError} when the path is outside the
 * grammar (the config schema rejects such paths first, so at run time this means a hand-built monitor).
 */
export function parsePath(path: string): readonly PathSegment[] {
  const segments: PathSegment[] = [];
  let rootMarked = false;
  let i = 0;
  const n = path.length;
  if (n === 0) throw new JsonPathSyntaxError(path, 0, 'the path is empty');
  while (i < n) {
    const c = path.charCodeAt(i);
    if (c === 91 /* [ */) {
      if (path.charCodeAt(i + 1) === 34 /* " */) {
        const close = path.indexOf('"', i + 2);
        if (close < 0 || path.charCodeAt(close + 1) !== 93 /* ] */) {
          throw new JsonPathSyntaxError(path, i, 'a quoted key must look like ["name"]');
        }
        segments.push({ key: path.slice(i + 2, close) });
        i = close + 2;
      } else {
        let j = i + 1;
        while (j < n && isDigit(path.charCodeAt(j))) j++;
        if (j === i + 1 || path.charCodeAt(j) !== 93) {
          throw new JsonPathSyntaxError(path, i, 'an index must look like [0]');
        }
        segments.push({ index: Number(path.slice(i + 1, j)) });
        i = j + 1;
      }
    } else {
      // A name: at the start of the path, or after a dot.
      let start = i;
      if (segments.length > 0 || rootMarked) {
        if (c !== 46 /* . */) throw new JsonPathSyntaxError(path, i, 'expected ".", "[" or the end');
        start = i + 1;
      }
      if (start >= n || !isNameStart(path.charCodeAt(start))) {
        throw new JsonPathSyntaxError(path, start, 'a name must start with a letter, "_" or "$"');
      }
      let j = start + 1;
      while (j < n && isNamePart(path.charCodeAt(j))) j++;
      // A leading `$` alone is the whole body (JSONPath's root): `$` is a bare number or array,
      // `$[0].id` the first item of a top-level array. A key named "$" is still `["$"]`.
      if (segments.length === 0 && start === 0 && j === 1 && path.charCodeAt(0) === 36 /* $ */) {
        i = j;
        rootMarked = true;
        continue;
      }
      segments.push({ key: path.slice(start, j) });
      i = j;
    }
  }
  return segments;
}

// Monitors are few and their paths fixed, so the cache stays small; the cap only guards against a
// caller feeding it unbounded distinct paths.
const parsed = new Map<string, readonly PathSegment[]>();
const MAX_CACHED_PATHS = 1000;

function parseCached(path: string): readonly PathSegment[] {
  let segments = parsed.get(path);
  if (segments === undefined) {
    segments = parsePath(path);
    if (parsed.size >= MAX_CACHED_PATHS) parsed.clear();
    parsed.set(path, segments);
  }
  return segments;
}

/**
 * Looks a path up in a parsed JSON value. Keys match own properties of plain objects only (so
 * `constructor` or `length` never "exist" by accident); indexes match array elements only.
 * Throws {@link JsonPathSyntaxError} for a path outside the grammar.
 */
export function lookupPath(root: unknown, path: string | readonly PathSegment[]): PathLookup {
  const segments = typeof path === 'string' ? parseCached(path) : path;
  let node: unknown = root;
  for (const segment of segments) {
    if ('index' in segment) {
      if (!Array.isArray(node) || segment.index >= node.length) return NOT_FOUND;
      node = node[segment.index];
    } else {
      if (node === null || typeof node !== 'object' || Array.isArray(node)) return NOT_FOUND;
      if (!Object.hasOwn(node, segment.key)) return NOT_FOUND;
      node = (node as Record<string, unknown>)[segment.key];
    }
  }
  return { found: true, value: node };
}
