import { describe, expect, it } from 'vitest';
import { JsonPathSyntaxError, lookupPath, parsePath } from '../../lambdas/canary/checks/json-path.ts';

describe('parsePath', () => {
  it('splits dotted names, indexes and quoted keys', () => {
    expect(parsePath('checks.database.status')).toEqual([
      { key: 'checks' },
      { key: 'database' },
      { key: 'status' },
    ]);
    expect(parsePath('items[0].id')).toEqual([{ key: 'items' }, { index: 0 }, { key: 'id' }]);
    expect(parsePath('checks["a.b"].status')).toEqual([{ key: 'checks' }, { key: 'a.b' }, { key: 'status' }]);
    expect(parsePath('[2][10]')).toEqual([{ index: 2 }, { index: 10 }]);
    expect(parsePath('checks.postgres-primary.$ok_1')).toEqual([
      { key: 'checks' },
      { key: 'postgres-primary' },
      { key: '$ok_1' },
    ]);
    expect(parsePath('a[""]')).toEqual([{ key: 'a' }, { key: '' }]);
  });

  it.each([
    ['', 1],
    ['a.', 3],
    ['.a', 1],
    ['a..b', 3],
    ['a[x]', 2],
    ['a[]', 2],
    ['a["b]', 2],
    ['a[0]b', 5],
    ['1abc', 1],
    ['a b', 2],
  ])('rejects %j, naming the character', (path, position) => {
    expect(() => parsePath(path)).toThrow(JsonPathSyntaxError);
    expect(() => parsePath(path)).toThrow(`at character ${position}`);
  });
});

describe('lookupPath', () => {
  const body = {
    checks: { database: { status: 'ok', latency: 4 }, 'a.b': { status: 'up' }, nothing: null },
    items: [{ id: 'first' }, { id: 'second' }],
  };

  it('finds nested values', () => {
    expect(lookupPath(body, 'checks.database.status')).toEqual({ found: true, value: 'ok' });
    expect(lookupPath(body, 'items[1].id')).toEqual({ found: true, value: 'second' });
    expect(lookupPath(body, 'checks["a.b"].status')).toEqual({ found: true, value: 'up' });
    expect(lookupPath(body, 'checks.database')).toEqual({ found: true, value: { status: 'ok', latency: 4 } });
  });

  it('tells a present null from a missing key', () => {
    expect(lookupPath(body, 'checks.nothing')).toEqual({ found: true, value: null });
    expect(lookupPath(body, 'checks.redis')).toEqual({ found: false });
    expect(lookupPath(body, 'checks.nothing.status')).toEqual({ found: false });
  });

  it('does not treat array indexes as keys, keys as indexes, or inherited properties as present', () => {
    expect(lookupPath(body, 'items[2]')).toEqual({ found: false });
    expect(lookupPath(body, 'items.length')).toEqual({ found: false });
    expect(lookupPath(body, 'checks[0]')).toEqual({ found: false });
    expect(lookupPath(body, 'checks.constructor')).toEqual({ found: false });
    expect(lookupPath({ a: 'text' }, 'a.length')).toEqual({ found: false });
  });

  it('looks into the root itself when it is an array', () => {
    expect(lookupPath([{ ok: true }], '[0].ok')).toEqual({ found: true, value: true });
  });

  it('accepts parsed segments', () => {
    expect(lookupPath(body, [{ key: 'items' }, { index: 0 }, { key: 'id' }])).toEqual({
      found: true,
      value: 'first',
    });
  });
});

describe('the root path $', () => {
  it('is the whole body alone, and starts a path into a top-level array', () => {
    expect(parsePath('$')).toEqual([]);
    expect(parsePath('$[0].id')).toEqual([{ index: 0 }, { key: 'id' }]);
    expect(parsePath('$.status')).toEqual([{ key: 'status' }]);
    expect(lookupPath(42, '$')).toEqual({ found: true, value: 42 });
    expect(lookupPath([{ id: 7 }], '$[0].id')).toEqual({ found: true, value: 7 });
  });

  it('leaves names that only start with $ as keys, and reaches a key named "$" by quoting it', () => {
    expect(parsePath('$ok')).toEqual([{ key: '$ok' }]);
    expect(lookupPath({ $: 1 }, '["$"]')).toEqual({ found: true, value: 1 });
    expect(() => parsePath('$x.$')).not.toThrow();
    expect(() => parsePath('$$')).not.toThrow();
    expect(() => parsePath('$a')).not.toThrow();
    expect(() => parsePath('$b.')).toThrow(JsonPathSyntaxError);
  });
});
