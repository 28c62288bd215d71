/**
 * Backup age from a JSON endpoint: a managed database provider's backups API (its token a header
 * secret, resolved by the HTTP engine) reports when the newest backup was taken, and that time must be
 * younger than the monitor's `maxAgeHours` (the RPO; runbook madef-home-care §3, "recent backups
 * (within last 24 hours)").
 *
 * THE TIME at `timestampPath` may be
 * - an ISO 8601 date-time ("2026-11-24T01:00:00Z"; without a zone it is taken as UTC);
 * - epoch seconds or epoch milliseconds, as a number or a string of digits. They are told apart by
 *   size: below 1e11 it is seconds (1e11 s is the year 5138), from 1e11 up it is milliseconds (1e11 ms
 *   is March 1973, before any backup this checks). A real backup time falls on one side without doubt.
 *   From 1e14 up (micro- or nanoseconds) the value is refused as `bad_json` rather than guessed.
 *
 * REASONS: `backup_missing` when the path leads nowhere or holds `null` (the API lists no backup, e.g.
 * `backups[0].created_at` of an empty list); `bad_json` when something else is there (the detail names
 * the path and the value); `backup_too_old` when the newest backup is older than `maxAgeHours`, or dated
 * more than 15 minutes in the future (a wrong zone must not hide a stale backup forever). Failures of
 * the request itself (`http_status`, `timeout`, `secret_unavailable`...) come from the HTTP engine.
 * The measurement BackupAgeSeconds is published whenever there is a believable time.
 */
import type { BackupMonitor, BackupSource } from '../../../../lib/config/resolve.ts';
import { requestJson } from '../http-check.ts';
import type { CheckDeps } from '../index.ts';
import { lookupPath } from '../json-path.ts';
import { describeJsonValue, explainMissingPath, formatIsoSeconds, parseIsoTimestamp } from '../json-value.ts';
import type { CheckResult } from '../result.ts';
import { formatHours } from './evaluate.ts';

/** Below this an epoch number is seconds, from here up milliseconds (see the module comment). */
const EPOCH_SECONDS_BELOW = 1e11;
/** From here up an epoch number is micro- or nanoseconds, which no provider is known to send: refused. */
const EPOCH_MILLISECONDS_BELOW = 1e14;
/** A backup dated further ahead than this is not trusted (same rule as file backups). */
const MAX_FUTURE_SKEW_MS = 15 * 60_000;

/** The epoch ms of a backup time as an API gave it, or why it is not one. */
export type BackupTime =
  | { readonly ok: true; readonly epochMs: number }
  | { readonly ok: false; readonly problem: string };

/**
 * Reads a backup time: an ISO 8601 string, or epoch seconds/milliseconds as a number or a digit
 * string. Pure. `null` and `undefined` are not handled here (they mean "no backup").
 */
export function parseBackupTime(value: unknown): BackupTime {
  let epoch: number | undefined;
  if (typeof value === 'number') epoch = value;
  else if (typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value)) epoch = Number(value);
  else if (typeof value === 'string') {
    const ms = parseIsoTimestamp(value);
    if (ms !== undefined) return { ok: true, epochMs: ms };
    return { ok: false, problem: `${describeJsonValue(value)}, not an ISO 8601 time or an epoch number` };
  } else {
    return { ok: false, problem: `${describeJsonValue(value)}, not a time` };
  }
  if (!Number.isFinite(epoch) || epoch <= 0) {
    return { ok: false, problem: `${describeJsonValue(value)}, not a time after 1970` };
  }
  if (epoch < EPOCH_SECONDS_BELOW) return { ok: true, epochMs: Math.round(epoch * 1000) };
  if (epoch < EPOCH_MILLISECONDS_BELOW) return { ok: true, epochMs: Math.round(epoch) };
  return {
    ok: false,
    problem: `${describeJsonValue(value)}, too large for epoch seconds or milliseconds (microseconds?)`,
  };
}

/**
 * Checks the newest backup's time reported by a JSON endpoint against `monitor.maxAgeHours`. Never
 * throws. `deps.now` (epoch ms) is the clock the age is measured against.
 */
export async function checkEndpointBackup(
  monitor: BackupMonitor,
  source: Extract<BackupSource, { kind: 'endpoint' }>,
  deps: CheckDeps,
): Promise<CheckResult> {
  const answer = await requestJson(monitor.name, 'backup', source, deps);
  if (!answer.ok) return answer.result;
  const { json, base } = answer;
  const path = source.timestampPath;
  try {
    const found = lookupPath(json, path);
    if (!found.found || found.value === null) {
      const why = found.found ? `${path} is null` : explainMissingPath(json, path);
      return { ...base, ok: false, reason: 'backup_missing', detail: `no backup reported: ${why}` };
    }
    const time = parseBackupTime(found.value);
    if (!time.ok) {
      return { ...base, ok: false, reason: 'bad_json', detail: `timestampPath ${path} is ${time.problem}` };
    }
    const now = deps.now?.() ?? Date.now();
    const at = formatIsoSeconds(time.epochMs);
    const limit = `${monitor.maxAgeHours} h`;
    const ageMs = now - time.epochMs;
    if (-ageMs > MAX_FUTURE_SKEW_MS) {
      return {
        ...base,
        ok: false,
        reason: 'backup_too_old',
        detail: `newest backup is dated ${formatHours(-ageMs)} in the future (${at}); is ${path} in UTC?`,
        // No BackupAgeSeconds: a made-up 0 would read as a fresh backup on the dashboard.
      };
    }
    const age = Math.max(0, ageMs);
    const measurements = { BackupAgeSeconds: Math.round(age / 1000) };
    if (age > monitor.maxAgeHours * 3_600_000) {
      return {
        ...base,
        ok: false,
        reason: 'backup_too_old',
        detail: `newest backup ${formatHours(age)} old, over the ${limit} limit (${at})`,
        measurements,
      };
    }
    return {
      ...base,
      ok: true,
      detail: `newest backup ${formatHours(age)} old, within the ${limit} limit (${at})`,
      measurements,
    };
  } catch (err) {
    // Only a bug gets here (a path the schema let through that the parser refuses, say).
    const message = err instanceof Error ? err.message : String(err);
    return { ...base, ok: false, reason: 'bad_json', detail: `reading ${path}: ${message}` };
  }
}
