import { describe, expect, it } from 'vitest';
import {
  describeAssertionFailure,
  evaluateAssertions,
  jsonEqual,
} from '../../lambdas/canary/checks/assertions.ts';
import type { AssertionFailure } from '../../lambdas/canary/checks/result.ts';
import type { Assertion } from '../../lib/config/schema.ts';

const madef = {
  status: 'healthy',
  checks: {
    database: { status: 'error', latency: 5001 },
    redis: { status: 'not_configured' },
    memory: { percentage: 91, label: '91%' },
    whatsapp: { status: 'ok', connected: true, tags: ['a', 'b'] },
  },
  missingColumns: [],
  version: 'v2.14.0',
};

/** Evaluates one assertion: undefined when it holds, else its failure. */
function one(a: Assertion, body: unknown = madef): AssertionFailure | undefined {
  return evaluateAssertions(body, [a])[0];
}

describe('evaluateAssertions', () => {
  it('returns no failures when every assertion holds', () => {
    expect(
      evaluateAssertions(madef, [
        { path: 'status', equals: 'healthy' },
        { path: 'checks.redis.status', oneOf: ['ok', 'not_configured'] },
        { path: 'checks.database.latency', gt: 0 },
        { path: 'checks.memory.percentage', lte: 91 },
        { path: 'checks.whatsapp', exists: true },
        { path: 'checks.email', exists: false },
        { path: 'version', matches: '^v\\d+\\.\\d+' },
        { path: 'missingColumns', length: { equals: 0 } },
      ]),
    ).toEqual([]);
  });

  it('reports every failure in config order, with expected and actual', () => {
    expect(
      evaluateAssertions(madef, [
        { path: 'checks.database.status', equals: 'ok' },
        { path: 'status', equals: 'healthy' },
        { path: 'checks.memory.percentage', lt: 85 },
      ]),
    ).toEqual([
      { path: 'checks.database.status', operator: 'equals', expected: 'ok', actual: 'error' },
      { path: 'checks.memory.percentage', operator: 'lt', expected: 85, actual: 91 },
    ]);
  });

  it('compares equals deeply, ignoring key order but not array order', () => {
    expect(
      one({ path: 'checks.whatsapp', equals: { connected: true, tags: ['a', 'b'], status: 'ok' } }),
    ).toBeUndefined();
    expect(one({ path: 'checks.whatsapp.tags', equals: ['b', 'a'] })?.operator).toBe('equals');
    expect(one({ path: 'missingColumns', equals: [] })).toBeUndefined();
    expect(one({ path: 'checks.memory.percentage', equals: '91' })?.actual).toBe(91);
  });

  it('matches equals: null only against a present null', () => {
    expect(one({ path: 'a', equals: null }, { a: null })).toBeUndefined();
    expect(one({ path: 'a', equals: null }, {})).toEqual({
      path: 'a',
      operator: 'equals',
      expected: null,
      actual: undefined,
    });
  });

  it('fails oneOf for a value outside the list', () => {
    expect(one({ path: 'checks.database.status', oneOf: ['ok', 'not_configured'] })).toEqual({
      path: 'checks.database.status',
      operator: 'oneOf',
      expected: ['ok', 'not_configured'],
      actual: 'error',
    });
  });

  it.each([
    [{ path: 'checks.memory.percentage', lt: 91 }, false],
    [{ path: 'checks.memory.percentage', lte: 91 }, true],
    [{ path: 'checks.memory.percentage', gt: 91 }, false],
    [{ path: 'checks.memory.percentage', gte: 91 }, true],
  ] as const)('compares numbers: %j holds: %s', (a, holds) => {
    expect(one(a) === undefined).toBe(holds);
  });

  it('fails a numeric comparison on a value that is not a number', () => {
    expect(one({ path: 'checks.memory.label', lt: 85 })).toEqual({
      path: 'checks.memory.label',
      operator: 'lt',
      expected: 85,
      actual: '91%',
    });
    expect(one({ path: 'checks.nope', gte: 0 })?.actual).toBeUndefined();
  });

  it('checks exists both ways', () => {
    expect(one({ path: 'checks.email', exists: true })).toEqual({
      path: 'checks.email',
      operator: 'exists',
      expected: true,
      actual: undefined,
    });
    expect(one({ path: 'checks.redis', exists: false })?.actual).toEqual({ status: 'not_configured' });
  });

  it('matches strings only', () => {
    expect(one({ path: 'version', matches: '^v3' })?.operator).toBe('matches');
    expect(one({ path: 'checks.memory.percentage', matches: '9' })?.actual).toBe(91);
  });

  it('compares the length of arrays and strings, all given bounds at once', () => {
    expect(one({ path: 'checks.whatsapp.tags', length: { gte: 1, lt: 3 } })).toBeUndefined();
    expect(one({ path: 'checks.whatsapp.tags', length: { gte: 1, lt: 2 } })?.operator).toBe('length');
    expect(one({ path: 'version', length: { equals: 7 } })).toBeUndefined();
    expect(one({ path: 'checks.memory.percentage', length: { gte: 1 } })?.actual).toBe(91);
    expect(one({ path: 'missingColumns', length: { gt: 0 } })).toEqual({
      path: 'missingColumns',
      operator: 'length',
      expected: { gt: 0 },
      actual: [],
    });
  });

  it('fails an assertion on a body that is not an object', () => {
    expect(one({ path: 'status', equals: 'ok' }, 'plain text')?.actual).toBeUndefined();
    expect(one({ path: 'status', exists: false }, null)).toBeUndefined();
  });

  it('fails, rather than throws, on a path or pattern outside the grammar', () => {
    expect(one({ path: 'a..b', exists: true })?.operator).toBe('exists');
    expect(one({ path: 'version', matches: '(' })?.operator).toBe('matches');
  });
});

describe('describeAssertionFailure', () => {
  it.each<[Assertion, string]>([
    [{ path: 'checks.memory.percentage', lt: 85 }, 'checks.memory.percentage: expected < 85, got 91'],
    [{ path: 'checks.memory.percentage', gte: 95 }, 'checks.memory.percentage: expected >= 95, got 91'],
    [{ path: 'checks.database.status', equals: 'ok' }, 'checks.database.status: expected "ok", got "error"'],
    [{ path: 'checks.email', exists: true }, 'checks.email: expected to exist, missing'],
    [
      { path: 'checks.redis', exists: false },
      'checks.redis: expected to be absent, got {"status":"not_configured"}',
    ],
    [{ path: 'checks.nope.status', equals: 'ok' }, 'checks.nope.status: expected "ok", missing'],
    [
      { path: 'checks.database.status', oneOf: ['ok', 'not_configured'] },
      'checks.database.status: expected one of "ok", "not_configured", got "error"',
    ],
    [
      { path: 'checks.memory.label', lt: 85 },
      'checks.memory.label: expected a number < 85, got a string "91%"',
    ],
    [{ path: 'version', matches: '^v3' }, 'version: expected to match /^v3/, got "v2.14.0"'],
    [
      { path: 'checks.memory.percentage', matches: '^9' },
      'checks.memory.percentage: expected a string to match /^9/, got a number 91',
    ],
    [{ path: 'missingColumns', length: { gt: 0 } }, 'missingColumns: expected length > 0, got length 0'],
    [
      { path: 'checks.whatsapp.tags', length: { gte: 3, lte: 5 } },
      'checks.whatsapp.tags: expected length >= 3 and <= 5, got length 2',
    ],
    [
      { path: 'checks.memory', length: { gte: 1 } },
      'checks.memory: expected an array or string of length >= 1, got an object {"percentage":91,"label":"91%"}',
    ],
    [{ path: 'checks.gone', length: { gte: 1 } }, 'checks.gone: expected length >= 1, missing'],
  ])('words %j as one line', (assertion, line) => {
    const [failure] = evaluateAssertions(madef, [assertion]);
    expect(failure).toBeDefined();
    expect(describeAssertionFailure(failure as AssertionFailure)).toBe(line);
  });

  it('shortens long values', () => {
    const [failure] = evaluateAssertions({ a: 'x'.repeat(500) }, [{ path: 'a', equals: 'ok' }]);
    const line = describeAssertionFailure(failure as AssertionFailure);
    expect(line.length).toBeLessThan(100);
    expect(line.endsWith('…')).toBe(true);
  });
});

describe('jsonEqual', () => {
  it('treats objects and arrays structurally', () => {
    expect(jsonEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBe(true);
    expect(jsonEqual({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(jsonEqual([1], { 0: 1 })).toBe(false);
    expect(jsonEqual({ 0: 1 }, [1])).toBe(false);
    expect(jsonEqual(null, {})).toBe(false);
    expect(jsonEqual(1, '1')).toBe(false);
  });
});

describe('notEquals and text assertions', () => {
  it('notEquals fails on the value it rules out and on a missing value, and passes any other', () => {
    expect(one({ path: 'checks.database.status', notEquals: 'error' })).toEqual({
      path: 'checks.database.status',
      operator: 'notEquals',
      expected: 'error',
      actual: 'error',
    });
    expect(one({ path: 'checks.nope', notEquals: 'error' })?.actual).toBeUndefined();
    expect(one({ path: 'checks.redis.status', notEquals: 'error' })).toBeUndefined();
    expect(one({ path: 'checks.memory', notEquals: { percentage: 91, label: '91%' } })?.operator).toBe(
      'notEquals',
    );
  });

  it('reads the text it is given for text: true, and fails without one', () => {
    const text = 'OK\n';
    expect(evaluateAssertions(undefined, [{ text: true, contains: 'OK' }], text)).toEqual([]);
    expect(evaluateAssertions(undefined, [{ text: true, notContains: 'DOWN' }], text)).toEqual([]);
    expect(evaluateAssertions(undefined, [{ text: true, matches: '^OK\\s*$' }], text)).toEqual([]);
    expect(evaluateAssertions(undefined, [{ text: true, contains: 'OK' }])).toEqual([
      { path: 'body text', operator: 'contains', expected: 'OK', actual: undefined },
    ]);
  });

  it('words each failure for a page', () => {
    expect(
      describeAssertionFailure({
        path: 'mode',
        operator: 'notEquals',
        expected: 'maintenance',
        actual: 'maintenance',
      }),
    ).toBe('mode: expected anything but "maintenance", got "maintenance"');
    expect(
      describeAssertionFailure({
        path: 'body text',
        operator: 'contains',
        expected: 'Sign in',
        actual: 'Bad Gateway',
      }),
    ).toBe('body text: expected to contain "Sign in" in the first 64 KiB, got "Bad Gateway"');
    expect(
      describeAssertionFailure({
        path: 'body text',
        operator: 'notContains',
        expected: 'error',
        actual: 'an error',
      }),
    ).toBe('body text: expected not to contain "error", got "an error"');
    expect(
      describeAssertionFailure({
        path: 'body text',
        operator: 'matches',
        expected: '^OK',
        actual: undefined,
      }),
    ).toBe('body text: expected to match /^OK/, no body');
  });
});
