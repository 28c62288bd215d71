/**
 * The failing monitors' last check results, read back from the canary's log group: the canary logs
 * one JSON line per check, `{ message: 'check failed: <reason>', monitor, monitorService, severity,
 * result }` (lambdas/canary/record.ts), so a page can quote the reason code, the detail and the
 * components without the canary keeping any state. A page never waits on this: any failure to read
 * is logged and the page goes out without the last check.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import * as z from 'zod/mini';
import type { Loaded } from '../shared/aws.ts';
import type { LastCheck } from './format.ts';

/** How far back to look: longer than any check interval that pages within minutes. */
export const LAST_CHECK_LOOKBACK_MS = 15 * 60_000;
/** FilterLogEvents may return a page with few events and a token; follow it this many times at most. */
const MAX_PAGES = 10;
/** CloudWatch Logs' limit on a filter pattern. */
const PATTERN_MAX = 1024;

const componentSchema = z.looseObject({
  name: z.string(),
  state: z.string(),
  status: z.string(),
  latencyMs: z.optional(z.number()),
  detail: z.optional(z.string()),
});

/** The part of a canary log line a page reads. */
const checkLineSchema = z.looseObject({
  monitor: z.string(),
  result: z.looseObject({
    ok: z.boolean(),
    checkedAt: z.string(),
    reason: z.optional(z.string()),
    detail: z.optional(z.string()),
    statusCode: z.optional(z.number()),
    latencyMs: z.optional(z.number()),
    components: z.optional(z.array(componentSchema)),
    measurements: z.optional(z.record(z.string(), z.number())),
  }),
});

/** A canary log line's monitor and check result; undefined for a line that is not one. */
export function parseCheckLine(message: string): { monitor: string; result: LastCheck } | undefined {
  const start = message.indexOf('{');
  if (start < 0) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(message.slice(start));
  } catch {
    return undefined;
  }
  const parsed = checkLineSchema.safeParse(data);
  return parsed.success ? { monitor: parsed.data.monitor, result: parsed.data.result } : undefined;
}

/**
 * Filter patterns matching the canary lines of `monitors`: `{ $.monitor = "api" }` for one,
 * `{ ($.monitor = "api") || ($.monitor = "db") }` for several, split to stay within 1,024
 * characters. Monitor names are `[a-z0-9-]`, so they need no quoting.
 */
export function monitorFilterPatterns(monitors: readonly string[]): string[] {
  const patterns: string[] = [];
  let group: string[] = [];
  const render = (names: string[]) =>
    names.length === 1
      ? `{ $.monitor = "${names[0]}" }`
      : `{ ${names.map((n) => `($.monitor = "${n}")`).join(' || ')} }`;
  for (const name of monitors) {
    if (group.length > 0 && render([...group, name]).length > PATTERN_MAX) {
      patterns.push(render(group));
      group = [];
    }
    group.push(name);
  }
  if (group.length > 0) patterns.push(render(group));
  return patterns;
}

/**
 * Filter pattern of a service's failed checks: `{ ($.monitorService = "api") && ($.result.ok IS FALSE) }`.
 * Service names are `[a-z0-9-]`, so they need no quoting.
 */
export function failedChecksPattern(service: string): string {
  return `{ ($.monitorService = "${service}") && ($.result.ok IS FALSE) }`;
}

/**
 * The newest failed check of each monitor of `service` logged in the last
 * {@link LAST_CHECK_LOOKBACK_MS}, by monitor name: what a grouped-tier service's page names, since
 * its one `FailedChecks` metric does not say which monitor failed. Empty when none failed or the
 * logs could not be read.
 */
export async function readFailedChecks(
  logs: () => Promise<Loaded<typeof import('@aws-sdk/client-cloudwatch-logs'), CloudWatchLogsClient>>,
  logGroupName: string,
  service: string,
  now: Date,
  logger: Pick<Logger, 'warn'>,
): Promise<Map<string, LastCheck>> {
  const newest = new Map<string, { at: number; result: LastCheck }>();
  try {
    await filterEvents(logs, logGroupName, failedChecksPattern(service), now, (at, line) => {
      if (line.result.ok) return;
      const seen = newest.get(line.monitor);
      if (!seen || at >= seen.at) newest.set(line.monitor, { at, result: line.result });
    });
  } catch (error) {
    logger.warn("could not read the service's failed checks; paging without them", {
      logGroupName,
      service,
      error: error instanceof Error ? error.message : String(error),
    });
  }
  return new Map([...newest].map(([monitor, { result }]) => [monitor, result]));
}

/** Every canary line matching `filterPattern` in the lookback, oldest first, following page tokens. */
async function filterEvents(
  logs: () => Promise<Loaded<typeof import('@aws-sdk/client-cloudwatch-logs'), CloudWatchLogsClient>>,
  logGroupName: string,
  filterPattern: string,
  now: Date,
  onLine: (at: number, line: { monitor: string; result: LastCheck }) => void,
): Promise<void> {
  const { sdk, client } = await logs();
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const out = await client.send(
      new sdk.FilterLogEventsCommand({
        logGroupName,
        filterPattern,
        startTime: now.getTime() - LAST_CHECK_LOOKBACK_MS,
        ...(nextToken && { nextToken }),
      }),
    );
    for (const event of out.events ?? []) {
      const line = event.message ? parseCheckLine(event.message) : undefined;
      if (line) onLine(event.timestamp ?? 0, line);
    }
    nextToken = out.nextToken;
    if (!nextToken) break;
  }
}

/**
 * The newest check result of each monitor logged in the last {@link LAST_CHECK_LOOKBACK_MS}, by
 * monitor name. Monitors with none, or whose logs could not be read, are simply absent.
 */
export async function readLastChecks(
  logs: () => Promise<Loaded<typeof import('@aws-sdk/client-cloudwatch-logs'), CloudWatchLogsClient>>,
  logGroupName: string,
  monitors: readonly string[],
  now: Date,
  logger: Pick<Logger, 'warn'>,
): Promise<Map<string, LastCheck>> {
  const newest = new Map<string, { at: number; result: LastCheck }>();
  const wanted = new Set(monitors);
  if (wanted.size === 0) return new Map();
  try {
    for (const filterPattern of monitorFilterPatterns([...wanted])) {
      await filterEvents(logs, logGroupName, filterPattern, now, (at, line) => {
        if (!wanted.has(line.monitor)) return;
        const seen = newest.get(line.monitor);
        // Newest wins; on a tie, the later event (FilterLogEvents returns oldest first).
        if (!seen || at >= seen.at) newest.set(line.monitor, { at, result: line.result });
      });
    }
  } catch (error) {
    logger.warn('could not read the last check results; paging without them', {
      logGroupName,
      monitors: [...wanted],
      error: error instanceof Error ? error.message : String(error),
    });
  }
  return new Map([...newest].map(([monitor, { result }]) => [monitor, result]));
}
