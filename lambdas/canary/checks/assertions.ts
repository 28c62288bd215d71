/**
 * Assertions on a parsed JSON body (`{ path: 'checks.memory.percentage', lt: 85 }`, `{ path: '$', gte: 1 }`)
 * or on the raw body's text (`{ text: true, contains: 'OK' }`), and the one-line wording a page shows
 * for each failure. Pure and allocation-light: they run on every check.
 */
import { type Assertion, TEXT_MATCH_MAX_BYTES } from '../../../lib/config/monitor-schema.ts';
import { lookupPath, type PathLookup } from './json-path.ts';
import type { AssertionFailure } from './result.ts';

type Comparison = NonNullable<Assertion['length']>;
type NumericOperator = 'lt' | 'lte' | 'gt' | 'gte';

const NUMERIC_SYMBOL: Readonly<Record<NumericOperator | 'equals', string>> = {
  equals: '=',
  lt: '<',
  lte: '<=',
  gt: '>',
  gte: '>=',
};

/** The `path` a failure of a `text: true` assertion reports. */
export const TEXT_PATH = 'body text';

// How a page states the text cap: "in the first 64 KiB".
const TEXT_MATCH_KIB = TEXT_MATCH_MAX_BYTES / 1024;

/** Longest stretch of body text a failure carries as its `actual` (quoted, it fits formatValue's 60). */
const MAX_TEXT_PREVIEW = 50;

/** Whether any assertion reads a JSON path (and so needs the body to be JSON). */
export function needsJson(assertions: readonly Assertion[]): boolean {
  return assertions.some((a) => !a.text);
}

/** Whether any assertion reads the raw body text. */
export function needsText(assertions: readonly Assertion[]): boolean {
  return assertions.some((a) => a.text === true);
}

/**
 * Evaluates every assertion and returns the failures, in config order (empty when all hold).
 * Path assertions read `body` (parsed JSON); `text: true` assertions read `text`, the raw body's first
 * `TEXT_MATCH_MAX_BYTES` bytes as the caller decoded them (undefined: no text, and they fail).
 * Never throws: a path outside the grammar or an invalid pattern counts as a failure.
 */
export function evaluateAssertions(
  body: unknown,
  assertions: readonly Assertion[],
  text?: string,
): AssertionFailure[] {
  const failures: AssertionFailure[] = [];
  for (const assertion of assertions) {
    const failure = assertion.text ? evaluateText(text, assertion) : evaluateOne(body, assertion);
    if (failure) failures.push(failure);
  }
  return failures;
}

function evaluateText(text: string | undefined, a: Assertion): AssertionFailure | undefined {
  const fail = (operator: string, expected: unknown): AssertionFailure => ({
    path: TEXT_PATH,
    operator,
    expected,
    actual: text === undefined ? undefined : preview(text, operator, expected),
  });
  if (a.contains !== undefined) {
    return text?.includes(a.contains) ? undefined : fail('contains', a.contains);
  }
  if (a.notContains !== undefined) {
    return text !== undefined && !text.includes(a.notContains)
      ? undefined
      : fail('notContains', a.notContains);
  }
  if (a.matches !== undefined) {
    const re = compilePattern(a.matches);
    return text !== undefined && re?.test(text) ? undefined : fail('matches', a.matches);
  }
  return fail('none', undefined);
}

/**
 * The text a page quotes for a failed text assertion: around the unwanted string for notContains
 * (so the page shows it in context), else the body's start, whitespace collapsed, 60 characters.
 */
function preview(text: string, operator: string, expected: unknown): string {
  let start = 0;
  if (operator === 'notContains' && typeof expected === 'string') {
    start = Math.max(0, text.indexOf(expected) - 20);
  }
  const line = text
    .slice(start, start + MAX_TEXT_PREVIEW * 2)
    .replace(/\s+/g, ' ')
    .trim();
  const clipped = line.length > MAX_TEXT_PREVIEW ? `${line.slice(0, MAX_TEXT_PREVIEW - 1)}…` : line;
  return start > 0 ? `…${clipped}` : clipped;
}

function evaluateOne(body: unknown, a: Assertion): AssertionFailure | undefined {
  // The schema requires a path when text is not set; a hand-built monitor without one fails below.
  const path = a.path ?? '';
  let at: PathLookup;
  try {
    at = lookupPath(body, path);
  } catch {
    // The schema rejects such paths; a hand-built monitor still gets a failure, not a crash.
    at = { found: false };
  }
  const actual = at.found ? at.value : undefined;
  const fail = (operator: string, expected: unknown): AssertionFailure => ({
    path,
    operator,
    expected,
    actual,
  });

  if (a.exists !== undefined) return at.found === a.exists ? undefined : fail('exists', a.exists);
  if (a.equals !== undefined) {
    return at.found && jsonEqual(actual, a.equals) ? undefined : fail('equals', a.equals);
  }
  if (a.notEquals !== undefined) {
    // A missing value fails: "status is not down" should not pass when there is no status at all.
    return at.found && !jsonEqual(actual, a.notEquals) ? undefined : fail('notEquals', a.notEquals);
  }
  if (a.oneOf !== undefined) {
    return at.found && a.oneOf.some((v) => jsonEqual(actual, v)) ? undefined : fail('oneOf', a.oneOf);
  }
  for (const op of ['lt', 'lte', 'gt', 'gte'] as const) {
    const limit = a[op];
    if (limit !== undefined) {
      return typeof actual === 'number' && compare(actual, op, limit) ? undefined : fail(op, limit);
    }
  }
  if (a.matches !== undefined) {
    const re = compilePattern(a.matches);
    return typeof actual === 'string' && re?.test(actual) ? undefined : fail('matches', a.matches);
  }
  if (a.length !== undefined) {
    const length = measure(actual);
    return length !== undefined && satisfies(length, a.length) ? undefined : fail('length', a.length);
  }
  // No operator: the schema forbids it, and an assertion that checks nothing must not pass silently.
  return fail('none', undefined);
}

function compare(actual: number, op: NumericOperator | 'equals', limit: number): boolean {
  switch (op) {
    case 'equals':
      return actual === limit;
    case 'lt':
      return actual < limit;
    case 'lte':
      return actual <= limit;
    case 'gt':
      return actual > limit;
    case 'gte':
      return actual >= limit;
  }
}

function satisfies(value: number, c: Comparison): boolean {
  for (const op of ['equals', 'lt', 'lte', 'gt', 'gte'] as const) {
    const limit = c[op];
    if (limit !== undefined && !compare(value, op, limit)) return false;
  }
  return true;
}

/** Array length or string length; undefined for anything else. */
function measure(value: unknown): number | undefined {
  if (Array.isArray(value)) return value.length;
  if (typeof value === 'string') return value.length;
  return undefined;
}

// Compiled once per pattern: a canary checks the same few patterns every minute.
const patterns = new Map<string, RegExp | null>();
function compilePattern(source: string): RegExp | undefined {
  let re = patterns.get(source);
  if (re === undefined) {
    try {
      re = new RegExp(source);
    } catch {
      re = null;
    }
    if (patterns.size >= 1000) patterns.clear();
    patterns.set(source, re);
  }
  // `test` on a non-global RegExp keeps no state between calls, so sharing it is safe.
  return re ?? undefined;
}

/** Deep equality of JSON values: key order does not matter, array order does. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ak = Object.keys(a);
  if (ak.length !== Object.keys(b).length) return false;
  for (const k of ak) {
    if (!Object.hasOwn(b, k)) return false;
    if (!jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Wording
// ---------------------------------------------------------------------------------------------

const MAX_VALUE_CHARS = 60;

/** A JSON value as a page shows it: `"ok"`, `91`, `{"status":"error"}`, shortened past 60 characters. */
export function formatValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'number') return 'a number';
  if (typeof value === 'boolean') return 'a boolean';
  return typeof value;
}

function describeComparison(c: Comparison): string {
  const parts: string[] = [];
  // Lower bound first: "length >= 3 and <= 5" reads as a range.
  for (const op of ['equals', 'gt', 'gte', 'lt', 'lte'] as const) {
    const limit = c[op];
    if (limit !== undefined) parts.push(`${NUMERIC_SYMBOL[op]} ${limit}`);
  }
  return parts.join(' and ');
}

/**
 * One readable line for a failed assertion, e.g.
 * `checks.memory.percentage: expected < 85, got 91`,
 * `checks.database.status: expected "ok", got "error"`,
 * `checks.redis: expected to exist, missing`.
 */
export function describeAssertionFailure(f: AssertionFailure): string {
  const got = f.actual === undefined ? 'missing' : `got ${formatValue(f.actual)}`;
  switch (f.operator) {
    case 'exists':
      return f.expected
        ? `${f.path}: expected to exist, missing`
        : `${f.path}: expected to be absent, got ${formatValue(f.actual)}`;
    case 'equals':
      return `${f.path}: expected ${formatValue(f.expected)}, ${got}`;
    case 'notEquals':
      return `${f.path}: expected anything but ${formatValue(f.expected)}, ${got}`;
    case 'contains':
      return f.actual === undefined
        ? `${f.path}: expected to contain ${formatValue(f.expected)}, no body`
        : `${f.path}: expected to contain ${formatValue(f.expected)} in the first ${TEXT_MATCH_KIB} KiB, got ${formatValue(f.actual)}`;
    case 'notContains':
      return f.actual === undefined
        ? `${f.path}: expected not to contain ${formatValue(f.expected)}, no body`
        : `${f.path}: expected not to contain ${formatValue(f.expected)}, got ${formatValue(f.actual)}`;
    case 'oneOf': {
      const options = Array.isArray(f.expected) ? f.expected.map(formatValue).join(', ') : '';
      return `${f.path}: expected one of ${options}, ${got}`;
    }
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte': {
      const want = `${NUMERIC_SYMBOL[f.operator]} ${String(f.expected)}`;
      if (f.actual === undefined || typeof f.actual === 'number')
        return `${f.path}: expected ${want}, ${got}`;
      return `${f.path}: expected a number ${want}, got ${kindOf(f.actual)} ${formatValue(f.actual)}`;
    }
    case 'matches': {
      const want = `to match /${String(f.expected)}/`;
      if (f.path === TEXT_PATH) {
        return f.actual === undefined
          ? `${f.path}: expected ${want}, no body`
          : `${f.path}: expected ${want} in the first ${TEXT_MATCH_KIB} KiB, got ${formatValue(f.actual)}`;
      }
      if (f.actual === undefined || typeof f.actual === 'string')
        return `${f.path}: expected ${want}, ${got}`;
      return `${f.path}: expected a string ${want}, got ${kindOf(f.actual)} ${formatValue(f.actual)}`;
    }
    case 'length': {
      const want = `length ${describeComparison(f.expected as Comparison)}`;
      const length = measure(f.actual);
      if (length !== undefined) return `${f.path}: expected ${want}, got length ${length}`;
      if (f.actual === undefined) return `${f.path}: expected ${want}, missing`;
      return `${f.path}: expected an array or string of ${want}, got ${kindOf(f.actual)} ${formatValue(f.actual)}`;
    }
    default:
      return `${f.path}: assertion has no operator`;
  }
}
