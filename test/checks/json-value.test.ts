import { describe, expect, it } from 'vitest';
import {
  describeJsonValue,
  explainMissingPath,
  formatIsoSeconds,
  parseIsoTimestamp,
} from '../../lambdas/canary/checks/json-value.ts';

describe('explainMissingPath', () => {
  const body = { outbox: { pending: 3 }, items: [], list: [1, 2], 'odd.key': { a: null }, nothing: null };

  it('names the first step that fails and what is there instead', () => {
    expect(explainMissingPath(body, 'waiting')).toBe(
      'the body has no key "waiting" (its keys: outbox, items, list, odd.key, nothing)',
    );
    expect(explainMissingPath(body, 'outbox.waiting')).toBe(
      'outbox has no key "waiting" (its keys: pending)',
    );
    expect(explainMissingPath(body, 'items[0].id')).toBe('items has no item [0] (it is empty)');
    expect(explainMissingPath(body, 'list[5]')).toBe('list has no item [5] (it has 2)');
    expect(explainMissingPath(body, 'nothing.at')).toBe('nothing is null');
    expect(explainMissingPath(body, 'outbox.pending.count')).toBe(
      'outbox.pending is number 3, not an object',
    );
    expect(explainMissingPath(body, 'outbox[0]')).toBe('outbox is an object with keys pending, not an array');
    expect(explainMissingPath(body, '["odd.key"].a.b')).toBe('["odd.key"].a is null');
    expect(explainMissingPath(null, 'data')).toBe('the body is null');
    expect(explainMissingPath([1], 'data')).toBe('the body is an array of 1, not an object');
  });
});

describe('parseIsoTimestamp', () => {
  const at = Date.UTC(2026, 10, 24, 1, 0, 0);

  it('reads zones (Z, ±HH:MM, ±HHMM, ±HH) and takes a time without one as UTC', () => {
    for (const text of [
      '2026-11-24T01:00:00Z',
      '2026-11-24T01:00:00.000Z',
      '2026-11-24t01:00:00z',
      '2026-11-24T02:00:00+01:00',
      '2026-11-23T22:00:00-0300',
      '2026-11-24T03:00:00+02',
      '2026-11-24 01:00:00',
      '2026-11-24T01:00',
      ' 2026-11-24T01:00:00,000Z ',
    ]) {
      expect(parseIsoTimestamp(text), text).toBe(at);
    }
  });

  it('refuses what is not a date-time', () => {
    for (const text of [
      '2026-11-24',
      'yesterday',
      '',
      '1732410000',
      '2026-11-24T25:00:00Z',
      '24/11/2026 01:00',
    ]) {
      expect(parseIsoTimestamp(text), text).toBeUndefined();
    }
  });
});

describe('formatIsoSeconds and describeJsonValue', () => {
  it('drops zero milliseconds and keeps others', () => {
    expect(formatIsoSeconds(Date.UTC(2026, 10, 23, 1, 0, 0))).toBe('2026-11-23T01:00:00Z');
    expect(formatIsoSeconds(Date.UTC(2026, 10, 23, 1, 0, 0, 250))).toBe('2026-11-23T01:00:00.250Z');
  });

  it('describes values in a few words', () => {
    expect(describeJsonValue('ok')).toBe('the string "ok"');
    expect(describeJsonValue(null)).toBe('null');
    expect(describeJsonValue({})).toBe('an empty object');
    expect(describeJsonValue(false)).toBe('boolean false');
    expect(describeJsonValue('x'.repeat(50))).toBe(`the string "${'x'.repeat(40)}…"`);
  });
});
