/**
 * The queue check: how many messages wait in a queue, from SQS or from a JSON endpoint (an outbox,
 * a BullMQ/Redis queue), turned into a {@link CheckResult} with measurements. It automates runbooks
 * whatsapp-notifications "Queue Backup" (`aws sqs get-queue-attributes ... ApproximateNumberOfMessages`,
 * "SQS queue depth > 1000") and madef-home-care §7.1 ("outbox messages piling up",
 * `curl /api/whatsapp/queue | jq '.data | length'`).
 *
 * SOURCES
 * - SQS: one GetQueueAttributes (ApproximateNumberOfMessages, ...NotVisible, ...Delayed) per queue,
 *   the queue and its dead-letter queue read concurrently. The attributes are read directly because
 *   the AWS/SQS metrics lag, and stop entirely on a quiet queue. A queue is a URL (used as is) or a
 *   name (GetQueueUrl in the canary's account and Region). SQS has no "oldest message" attribute:
 *   `maxOldestMessageAgeSeconds` on an SQS monitor is an alarm on AWS/SQS ApproximateAgeOfOldestMessage,
 *   not part of this check.
 * - Endpoint: a GET through the HTTP engine (`requestJson`: same timeouts, secrets and reason codes),
 *   then the number at `depthPath`, or the length of the array there (the madef `data` list).
 *   `oldestAgePath` holds either the oldest message's age in seconds, or the ISO 8601 time it was
 *   queued (age = now - time; a time without a zone is UTC; a time in the future counts as 0 s);
 *   `null` there means nothing is waiting, age 0. Anything else at either path is `bad_json`.
 *
 * THE VERDICT (the canary's `Success` metric)
 * - `queue_depth`: depth (visible messages) over `maxDepth`; reported first when both fail.
 * - `queue_age`: oldest message older than `maxOldestMessageAgeSeconds` (endpoint only, see above).
 * Everything else is NOT part of pass/fail, because it needs history or pages at its own severity:
 * they are alarms on the measurements this check publishes, built with the monitor's constructs.
 * - `warnDepth`: an alarm on QueueDepth paging `warningSeverity`.
 * - `stalled`: QueueDepth over `minDepth` and not falling for `checks` checks in a row.
 * - Dead letters: DIFF(DeadLetterDepth) > 0, messages that arrived since the last check. A dead-letter
 *   queue that already holds messages is not news every minute, and only the previous reading tells
 *   new from old, so this check cannot judge it alone (the `dead_letters` reason belongs to that alarm).
 * A passing result still says what stands out in its `detail` ("over warning level 500",
 * "3 messages in dead-letter queue orders-dlq"), so `vigil check` shows it.
 *
 * MEASUREMENTS: QueueDepth (visible), InFlight (received, not yet deleted), Delayed, and with a
 * dead-letter queue DeadLetterDepth. DeadLetterDepth counts every message in the dead-letter queue
 * (visible + in flight + delayed), not just the visible ones: someone polling it in the console hides
 * messages for the visibility timeout, and when they reappear a visible-only count would rise and page
 * as "new dead letters". Endpoint monitors measure QueueDepth and, with `oldestAgePath`,
 * OldestMessageAgeSeconds.
 */
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { QueueMonitor } from '../../../lib/config/resolve.ts';
import { checkDeadlineMs } from '../../../lib/monitors/monitor-traits.ts';
import { requestJson } from './http-check.ts';
import type { CheckDeps } from './index.ts';
import { lookupPath } from './json-path.ts';
import { describeJsonValue, explainMissingPath, parseIsoTimestamp } from './json-value.ts';
import type { CheckFailure, CheckResult, MeasurementName, ReasonCode } from './result.ts';

type SqsSource = Extract<QueueMonitor['source'], { kind: 'sqs' }>;
type EndpointSource = Extract<QueueMonitor['source'], { kind: 'endpoint' }>;
type SqsSdk = typeof import('@aws-sdk/client-sqs');
type Measurements = Partial<Record<MeasurementName, number>>;

/** Options a caller rarely needs. */
export interface QueueCheckOptions {
  /**
   * Budget of an SQS check in ms (an endpoint's is its `timeoutMs`); every SQS call is aborted at it.
   * @default `checkDeadlineMs(monitor)`
   */
  readonly deadlineMs?: number;
}

// Monotonic: a wall-clock step (NTP) during a check must not turn into a negative duration.
const monotonic = (): number => performance.now();

/**
 * Runs a queue monitor once. Never throws: every outcome, an SQS error or a bug here included, is a
 * {@link CheckResult}. See the module comment for what passes and what is left to alarms.
 */
export async function runQueueCheck(
  monitor: QueueMonitor,
  deps: CheckDeps,
  options: QueueCheckOptions = {},
): Promise<CheckResult> {
  const clock = deps.now ?? monotonic;
  const start = clock();
  const checkedAt = new Date(deps.now ? start : Date.now()).toISOString();
  const base = (attempts: number) => ({
    monitor: monitor.name,
    kind: 'queue',
    checkedAt,
    durationMs: Math.round(clock() - start),
    attempts,
  });
  try {
    if (monitor.source.kind === 'endpoint') return await checkEndpointQueue(monitor, monitor.source, deps);
    const deadlineMs = options.deadlineMs ?? checkDeadlineMs(monitor);
    const read = await readSqs(monitor.source, deps, deadlineMs);
    if (!read.ok) return { ...base(read.attempts), ok: false, reason: read.reason, detail: read.detail };
    const { queue, deadLetters } = read;
    const measurements: Measurements = {
      QueueDepth: queue.visible,
      InFlight: queue.inFlight,
      Delayed: queue.delayed,
      ...(deadLetters !== undefined && { DeadLetterDepth: deadLetters.total }),
    };
    const verdict = judgeQueue(monitor, {
      label: `${queue.name}: `,
      depth: queue.visible,
      depthText: `${plural(queue.visible, 'message')} visible`,
      breakdown: `${queue.inFlight} in flight, ${queue.delayed} delayed`,
      ...(deadLetters !== undefined && { deadLetters: { name: deadLetters.name, count: deadLetters.total } }),
    });
    return { ...base(read.attempts), ...verdict, measurements };
  } catch (err) {
    const reason: ReasonCode = monitor.source.kind === 'sqs' ? 'aws_error' : 'network';
    return { ...base(1), ok: false, reason, detail: `unexpected error in the check: ${describeError(err)}` };
  }
}

// ---------------------------------------------------------------------------------------------
// The verdict, shared by both sources
// ---------------------------------------------------------------------------------------------

interface QueueReading {
  /** "orders: " for SQS; empty for an endpoint (its URL is in the config). */
  readonly label: string;
  readonly depth: number;
  /** "12 messages visible" */
  readonly depthText: string;
  /** "3 in flight, 0 delayed", when the source tells. */
  readonly breakdown?: string;
  readonly oldestAgeSeconds?: number;
  readonly deadLetters?: { readonly name: string; readonly count: number };
}

type Verdict =
  | { readonly ok: true; readonly detail: string }
  | { readonly ok: false; readonly reason: ReasonCode; readonly detail: string };

function judgeQueue(monitor: QueueMonitor, r: QueueReading): Verdict {
  const overMax = monitor.maxDepth !== undefined && r.depth > monitor.maxDepth;
  const maxAge = monitor.maxOldestMessageAgeSeconds;
  const tooOld = maxAge !== undefined && r.oldestAgeSeconds !== undefined && r.oldestAgeSeconds > maxAge;
  const age =
    r.oldestAgeSeconds === undefined ? undefined : `oldest ${formatSeconds(r.oldestAgeSeconds)} old`;

  // What stands out without failing the check: the alarms on the measurements judge these.
  const notes: string[] = [];
  if (!overMax && monitor.warnDepth !== undefined && r.depth > monitor.warnDepth) {
    notes.push(`over warning level ${monitor.warnDepth}`);
  }
  if (r.deadLetters !== undefined && r.deadLetters.count > 0) {
    notes.push(`${plural(r.deadLetters.count, 'message')} in dead-letter queue ${r.deadLetters.name}`);
  }
  const tail = notes.length > 0 ? `; ${notes.join('; ')}` : '';

  if (overMax) {
    const context = [r.breakdown, tooOld ? undefined : age].filter((s) => s !== undefined).join(', ');
    const ageFailure = tooOld ? `; also ${age}, over the ${maxAge} s limit` : '';
    return {
      ok: false,
      reason: 'queue_depth',
      detail: `${r.label}${r.depthText}, over the ${monitor.maxDepth} limit${context ? ` (${context})` : ''}${ageFailure}${tail}`,
    };
  }
  if (tooOld) {
    return {
      ok: false,
      reason: 'queue_age',
      detail: `${r.label}oldest message ${formatSeconds(r.oldestAgeSeconds ?? 0)} old, over the ${maxAge} s limit (${r.depthText})${tail}`,
    };
  }
  const parts = [r.depthText, r.breakdown, age].filter((s) => s !== undefined);
  return { ok: true, detail: `${r.label}${parts.join(', ')}${tail}` };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** `45 s`, `930 s (15.5 min)`, `7200 s (2.0 h)`: seconds always, to compare with the limit at a glance. */
function formatSeconds(seconds: number): string {
  const s = Number.isInteger(seconds) ? String(seconds) : seconds.toFixed(1);
  if (seconds >= 3600) return `${s} s (${(seconds / 3600).toFixed(1)} h)`;
  if (seconds >= 120) return `${s} s (${(seconds / 60).toFixed(1)} min)`;
  return `${s} s`;
}

function describeError(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const line = message.replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

// ---------------------------------------------------------------------------------------------
// SQS
// ---------------------------------------------------------------------------------------------

interface QueueCounts {
  readonly name: string;
  readonly visible: number;
  readonly inFlight: number;
  readonly delayed: number;
  readonly total: number;
}

type SqsRead =
  | { readonly ok: true; readonly counts: QueueCounts; readonly attempts: number }
  | { readonly ok: false; readonly reason: ReasonCode; readonly detail: string; readonly attempts: number };

const ATTRIBUTES = [
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
] as const;

/** A queue URL is used as is; anything else is a name to look up. */
function isQueueUrl(queue: string): boolean {
  return /^https?:\/\//i.test(queue);
}

/** The queue's name, for details: the last segment of a URL, or the name itself. */
function queueName(queue: string): string {
  if (!isQueueUrl(queue)) return queue;
  const trimmed = queue.replace(/\/+$/, '');
  return trimmed.slice(trimmed.lastIndexOf('/') + 1) || queue;
}

type SqsOutcome =
  | {
      readonly ok: true;
      readonly queue: QueueCounts;
      readonly deadLetters?: QueueCounts;
      readonly attempts: number;
    }
  | { readonly ok: false; readonly reason: ReasonCode; readonly detail: string; readonly attempts: number };

/**
 * Reads the queue and its dead-letter queue within `deadlineMs`. The signal aborts the SDK's calls;
 * the race ends the check on time even where the SDK does not look at the signal (its retry back-off,
 * loading the client), so the canary never outlives `checkDeadlineMs`.
 */
async function readSqs(source: SqsSource, deps: CheckDeps, deadlineMs: number): Promise<SqsOutcome> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<SqsOutcome>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      const what = [
        `queue ${queueName(source.queue)}`,
        ...(source.deadLetterQueue === undefined
          ? []
          : [`dead-letter queue ${queueName(source.deadLetterQueue)}`]),
      ].join(' and ');
      resolve({
        ok: false,
        reason: 'timeout',
        detail: `no answer from SQS within ${deadlineMs} ms reading ${what}`,
        attempts: 1,
      });
    }, deadlineMs);
  });
  try {
    return await Promise.race([readBoth(source, deps, controller.signal, deadlineMs), late]);
  } finally {
    clearTimeout(timer);
  }
}

async function readBoth(
  source: SqsSource,
  deps: CheckDeps,
  signal: AbortSignal,
  deadlineMs: number,
): Promise<SqsOutcome> {
  let sqs: { sdk: SqsSdk; client: SQSClient };
  try {
    sqs = await deps.aws.sqs();
  } catch (err) {
    return {
      ok: false,
      reason: 'aws_error',
      detail: `the SQS client could not be loaded: ${describeError(err)}`,
      attempts: 0,
    };
  }
  const read = (queue: string, role: string) => readQueue(sqs, queue, role, signal, deadlineMs);
  const [queue, deadLetters] = await Promise.all([
    read(source.queue, 'queue'),
    source.deadLetterQueue === undefined ? undefined : read(source.deadLetterQueue, 'dead-letter queue'),
  ]);
  const attempts = Math.max(queue.attempts, deadLetters?.attempts ?? 0);
  if (!queue.ok) return { ...queue, attempts };
  // A dead-letter queue that cannot be read leaves the monitor blind to failed messages: that is a
  // failure of its own (usually a typo in the config or a missing IAM grant), not a silent pass.
  if (deadLetters !== undefined && !deadLetters.ok) return { ...deadLetters, attempts };
  return {
    ok: true,
    queue: queue.counts,
    ...(deadLetters !== undefined && { deadLetters: deadLetters.counts }),
    attempts,
  };
}

async function readQueue(
  { sdk, client }: { sdk: SqsSdk; client: SQSClient },
  queue: string,
  role: string,
  abortSignal: AbortSignal,
  deadlineMs: number,
): Promise<SqsRead> {
  const name = queueName(queue);
  let attempts = 0;
  try {
    let url = queue;
    if (!isQueueUrl(queue)) {
      const found = await client.send(new sdk.GetQueueUrlCommand({ QueueName: queue }), { abortSignal });
      attempts += found.$metadata.attempts ?? 1;
      if (!found.QueueUrl) {
        return {
          ok: false,
          reason: 'aws_error',
          detail: `GetQueueUrl returned no URL for ${role} ${name}`,
          attempts,
        };
      }
      url = found.QueueUrl;
    }
    const out = await client.send(
      new sdk.GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: [...ATTRIBUTES] }),
      { abortSignal },
    );
    attempts += out.$metadata.attempts ?? 1;
    const counts: number[] = [];
    for (const attribute of ATTRIBUTES) {
      const raw = out.Attributes?.[attribute];
      const value = raw === undefined ? Number.NaN : Number(raw);
      if (!Number.isFinite(value) || value < 0) {
        const got = raw === undefined ? 'no' : `${JSON.stringify(raw)} for`;
        return {
          ok: false,
          reason: 'aws_error',
          detail: `GetQueueAttributes on ${role} ${name} returned ${got} ${attribute}`,
          attempts,
        };
      }
      counts.push(value);
    }
    const [visible = 0, inFlight = 0, delayed = 0] = counts;
    return {
      ok: true,
      counts: { name, visible, inFlight, delayed, total: visible + inFlight + delayed },
      attempts,
    };
  } catch (err) {
    const failedAttempts = (err as { $metadata?: { attempts?: number } } | null)?.$metadata?.attempts ?? 1;
    return {
      ...classifySqsError(err, {
        role,
        name,
        byName: !isQueueUrl(queue),
        aborted: abortSignal.aborted,
        deadlineMs,
      }),
      attempts: attempts + failedAttempts,
    };
  }
}

const NOT_FOUND = new Set([
  'QueueDoesNotExist',
  'AWS.SimpleQueueService.NonExistentQueue',
  'NonExistentQueue',
]);
const ACCESS_DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'AuthorizationError',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
]);

/**
 * The reason code of an SQS error. The SDK speaks SQS's JSON protocol in query-compatible mode: the
 * error's `name` is the modelled one (QueueDoesNotExist) and `Code` the query one
 * (AWS.SimpleQueueService.NonExistentQueue); both are checked.
 */
function classifySqsError(
  err: unknown,
  where: {
    readonly role: string;
    readonly name: string;
    readonly byName: boolean;
    readonly aborted: boolean;
    readonly deadlineMs: number;
  },
): { readonly ok: false; readonly reason: ReasonCode; readonly detail: string } {
  const e = err as { name?: unknown; Code?: unknown; $metadata?: { httpStatusCode?: number } } | null;
  const name = typeof e?.name === 'string' ? e.name : 'Error';
  const code = typeof e?.Code === 'string' ? e.Code : name;
  const what = `${where.role} ${where.name}`;
  if (NOT_FOUND.has(name) || NOT_FOUND.has(code)) {
    const scope = where.byName ? " in the canary's account and Region" : '';
    return { ok: false, reason: 'not_found', detail: `${what} does not exist${scope} (${code})` };
  }
  if (ACCESS_DENIED.has(name) || ACCESS_DENIED.has(code) || e?.$metadata?.httpStatusCode === 403) {
    const actions = where.byName ? 'sqs:GetQueueUrl and sqs:GetQueueAttributes' : 'sqs:GetQueueAttributes';
    return {
      ok: false,
      reason: 'access_denied',
      detail: `access denied reading ${what} (${code}: ${describeError(err)}); the canary's role needs ${actions} on it`,
    };
  }
  if (where.aborted || name === 'AbortError' || name === 'TimeoutError') {
    return {
      ok: false,
      reason: 'timeout',
      detail: `no answer from SQS within ${where.deadlineMs} ms reading ${what}`,
    };
  }
  return { ok: false, reason: 'aws_error', detail: `reading ${what} failed: ${code}: ${describeError(err)}` };
}

// ---------------------------------------------------------------------------------------------
// JSON endpoint
// ---------------------------------------------------------------------------------------------

async function checkEndpointQueue(
  monitor: QueueMonitor,
  source: EndpointSource,
  deps: CheckDeps,
): Promise<CheckResult> {
  const answer = await requestJson(monitor.name, 'queue', source, deps);
  if (!answer.ok) return answer.result;
  const { json, base } = answer;
  const bad = (detail: string): CheckFailure => ({ ...base, ok: false, reason: 'bad_json', detail });

  const depth = readDepth(json, source.depthPath);
  if (!depth.ok) return bad(depth.detail);
  const measurements: Measurements = { QueueDepth: depth.depth };

  let oldestAgeSeconds: number | undefined;
  if (source.oldestAgePath !== undefined) {
    const now = deps.now?.() ?? Date.now();
    const age = readOldestAge(json, source.oldestAgePath, now);
    if (!age.ok) return { ...bad(age.detail), measurements };
    oldestAgeSeconds = age.seconds;
    measurements.OldestMessageAgeSeconds = age.seconds;
  }

  const verdict = judgeQueue(monitor, {
    label: '',
    depth: depth.depth,
    depthText: `${plural(depth.depth, 'message')} ${depth.array ? 'listed' : 'queued'} at ${source.depthPath}`,
    ...(oldestAgeSeconds !== undefined && { oldestAgeSeconds }),
  });
  return { ...base, ...verdict, measurements };
}

type Read<T> = ({ readonly ok: true } & T) | { readonly ok: false; readonly detail: string };

/** The depth at `path`: a count, or an array whose length is the count. */
function readDepth(body: unknown, path: string): Read<{ depth: number; array: boolean }> {
  const found = lookupPath(body, path);
  if (!found.found) {
    return { ok: false, detail: `depthPath ${path} leads nowhere: ${explainMissingPath(body, path)}` };
  }
  const value = found.value;
  if (Array.isArray(value)) return { ok: true, depth: value.length, array: true };
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) {
    return { ok: true, depth: value, array: false };
  }
  return {
    ok: false,
    detail: `depthPath ${path} is ${describeJsonValue(value)}; expected a count (a number ≥ 0) or an array of the messages`,
  };
}

/** Seconds, or an ISO 8601 time of the oldest message; `null` when nothing waits. */
function readOldestAge(body: unknown, path: string, now: number): Read<{ seconds: number }> {
  const found = lookupPath(body, path);
  if (!found.found) {
    return { ok: false, detail: `oldestAgePath ${path} leads nowhere: ${explainMissingPath(body, path)}` };
  }
  const value = found.value;
  // An empty queue has no oldest message; 0 keeps the metric flowing (its alarm treats missing data
  // as breaching).
  if (value === null) return { ok: true, seconds: 0 };
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return { ok: true, seconds: value };
  if (typeof value === 'string') {
    const queuedAt = parseIsoTimestamp(value);
    // A time slightly ahead of the canary's clock is skew, not a message from the future.
    if (queuedAt !== undefined)
      return { ok: true, seconds: Math.max(0, Math.round((now - queuedAt) / 1000)) };
  }
  return {
    ok: false,
    detail: `oldestAgePath ${path} is ${describeJsonValue(value)}; expected the age in seconds or an ISO 8601 time like "2026-11-24T01:00:00Z"`,
  };
}
