/**
 * Reading one value out of a JSON body for the checks that measure something (queue depth, the age
 * of the oldest message, the newest backup's time): times in the forms APIs actually send, and
 * descriptions of whatever was there instead, so a `bad_json` detail says what to fix.
 */

import { parsePath } from './json-path.ts';

// YYYY-MM-DD, then T or a space, then HH:MM[:SS[.fraction]], then an optional zone: Z, ±HH:MM or ±HHMM.
const ISO_8601 =
  /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)(?:\s*([Zz]|[+-]\d{2}(?::?\d{2})?))?$/;

/**
 * Epoch ms of an ISO 8601 date-time, or `undefined` when the string is not one. A time without a zone
 * is taken as UTC: servers that leave the zone out almost always mean UTC, and reading it in the
 * canary's zone would make the answer depend on where the canary runs. A bare date is not accepted
 * (midnight of which zone?).
 */
export function parseIsoTimestamp(text: string): number | undefined {
  const m = ISO_8601.exec(text.trim());
  if (!m) return undefined;
  const [, date, time = '', zone] = m;
  let offset = 'Z';
  if (zone !== undefined && zone.toUpperCase() !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    offset = `${zone[0]}${digits.slice(0, 2)}:${digits.slice(2, 4) || '00'}`;
  }
  const ms = Date.parse(`${date}T${time.replace(',', '.')}${offset}`);
  return Number.isNaN(ms) ? undefined : ms;
}

/** `2026-11-23T01:00:00Z`: ISO 8601 in UTC, milliseconds shown only when there are some. */
export function formatIsoSeconds(epochMs: number): string {
  return new Date(epochMs).toISOString().replace('.000Z', 'Z');
}

/** A JSON value in a few words: `the string "12"`, `null`, `an object with keys a, b`, `true`. */
export function describeJsonValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') {
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  }
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') {
    const keys = Object.keys(value);
    return keys.length === 0 ? 'an empty object' : `an object with keys ${listKeys(keys)}`;
  }
  return `${typeof value} ${String(value)}`;
}

/**
 * Why `path` leads nowhere in `body`, from the first step that fails: `latest_backup is null`,
 * `outbox has no key "waiting" (its keys: pending)`, `backups has no item [0] (it is empty)`. Says
 * what is there, so a typo in the path and an empty answer read differently.
 */
export function explainMissingPath(body: unknown, path: string): string {
  let node: unknown = body;
  let at = '';
  for (const segment of parsePath(path)) {
    const where = at === '' ? 'the body' : at;
    if (node === null) return `${where} is null`;
    if ('index' in segment) {
      if (!Array.isArray(node)) return `${where} is ${describeJsonValue(node)}, not an array`;
      if (segment.index >= node.length) {
        return `${where} has no item [${segment.index}] (${node.length === 0 ? 'it is empty' : `it has ${node.length}`})`;
      }
      node = node[segment.index];
      at += `[${segment.index}]`;
    } else {
      if (typeof node !== 'object' || Array.isArray(node)) {
        return `${where} is ${describeJsonValue(node)}, not an object`;
      }
      if (!Object.hasOwn(node, segment.key)) {
        const keys = Object.keys(node);
        const has = keys.length === 0 ? 'it is an empty object' : `its keys: ${listKeys(keys)}`;
        return `${where} has no key ${JSON.stringify(segment.key)} (${has})`;
      }
      node = (node as Record<string, unknown>)[segment.key];
      at += /^[A-Za-z_$][\w$-]*$/.test(segment.key)
        ? `${at === '' ? '' : '.'}${segment.key}`
        : `[${JSON.stringify(segment.key)}]`;
    }
  }
  return `${path} is ${describeJsonValue(node)}`;
}

function listKeys(keys: readonly string[]): string {
  return keys.length > 8 ? `${keys.slice(0, 8).join(', ')}, …` : keys.join(', ');
}
