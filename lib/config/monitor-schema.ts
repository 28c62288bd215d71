/**
 * The monitor input schemas: what one monitor in `vigil.config.ts` may say, kind by kind, and the
 * monitor-level defaults that resolving one applies. The config schema (./schema.ts) builds on them
 * and re-exports all of this module.
 *
 * The canary parses its event with these schemas (./events.ts), so they live apart from the
 * config-level schema (paging, services, maintenance windows, heartbeat and the checks across
 * monitors): the canary's bundle then holds only what one monitor needs. Keep config-level rules out
 * of this module.
 *
 * Written with `zod/mini` rather than classic zod: classic zod alone is 454 KB minified against the
 * canary's 100 KB budget (mini: 13 KB). See docs/adr/0002-zod-mini.md.
 *
 * Monitor kinds form a discriminated union on `kind`; each kind adds a member without touching the rest.
 */
import * as z from 'zod/mini';
import { fail, int, matching } from './schema-helpers.ts';

/** Paging severities, as the runbooks use them: P1 critical (24/7) down to P4 info. */
export const SEVERITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export const severitySchema = z.enum(SEVERITIES, {
  error: (issue) => `expected one of P1, P2, P3, P4, got ${JSON.stringify(issue.input)}`,
});
export type Severity = z.infer<typeof severitySchema>;

/**
 * Cost tier of a monitor: `full` publishes `Success`, `LatencyMs` and the kind's measurements and
 * alarms per monitor; `lean` publishes `Success` only, one alarm per monitor; `grouped` publishes a
 * `FailedChecks` count per service and the service has one alarm. See README "What it costs".
 */
export const TIERS = ['full', 'lean', 'grouped'] as const;
export const tierSchema = z.enum(TIERS, {
  error: (i) => `expected "full", "lean" or "grouped", got ${JSON.stringify(i.input)}`,
});
export type Tier = z.infer<typeof tierSchema>;
export const DEFAULT_TIER: Tier = 'full';

/**
 * How a monitor's check is invoked: `shared` runs it in one canary invocation with the other
 * monitors of its service that have the same schedule and mode (up to
 * {@link MAX_MONITORS_PER_INVOCATION}, all at once, each with its own deadline); `own` gives it a
 * schedule and an invocation of its own. Sharing divides Scheduler, Lambda request and Lambda time
 * by the group's size. See docs/adr/0008-shared-invocations.md.
 */
export const INVOCATIONS = ['shared', 'own'] as const;
export const invocationSchema = z.enum(INVOCATIONS, {
  error: (i) => `expected "shared" or "own", got ${JSON.stringify(i.input)}`,
});
export type Invocation = z.infer<typeof invocationSchema>;
export const DEFAULT_INVOCATION: Invocation = 'shared';
/**
 * Most monitors one invocation runs. Their checks run concurrently, so memory is the bound: 50 bodies
 * at the default 1 MiB cap stay well inside the canary's 256 MB.
 */
export const MAX_MONITORS_PER_INVOCATION = 50;

/** Monitor names become metric dimensions, alarm names and logical IDs: keep them plain. */
export const MONITOR_NAME_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

export const monitorNameSchema = matching(
  MONITOR_NAME_PATTERN,
  'must be 1-64 lowercase letters, digits or dashes, starting and ending with a letter or digit (e.g. "madef-api-health")',
);

// ---------------------------------------------------------------------------------------------
// Schedules
// ---------------------------------------------------------------------------------------------

const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;

/** Seconds between runs of a `rate(...)` expression, or undefined for `cron(...)`. */
export function rateSeconds(expression: string): number | undefined {
  const m = RATE.exec(expression);
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = m[2] ?? '';
  return n * (unit.startsWith('minute') ? 60 : unit.startsWith('hour') ? 3600 : 86400);
}

export const scheduleSchema = z.string().check(
  z.superRefine((value, ctx) => {
    if (/^rate\(\s*\d+\s*seconds?\s*\)$/.test(value)) {
      return fail(
        ctx,
        `${value} is below EventBridge Scheduler's 1-minute minimum; use "rate(1 minute)", or fast: true on an HTTP monitor to probe every 10 s`,
      );
    }
    if (value.startsWith('cron(')) {
      if (!/^cron\(\S+ \S+ \S+ \S+ \S+ \S+\)$/.test(value)) {
        fail(ctx, `${value} is not a 6-field EventBridge cron expression; e.g. "cron(0/5 * * * ? *)"`);
      }
      return;
    }
    const m = RATE.exec(value);
    if (!m) {
      return fail(
        ctx,
        `${JSON.stringify(value)} is not a schedule; use "rate(1 minute)", "rate(5 minutes)" or "cron(...)"`,
      );
    }
    const n = Number(m[1]);
    const unit = m[2] ?? '';
    const plural = unit.endsWith('s');
    if (n < 1) fail(ctx, `${value} must be at least 1; use "rate(1 minute)"`);
    else if (n === 1 && plural) {
      fail(ctx, `${value}: EventBridge wants the singular unit; use "rate(1 ${unit.slice(0, -1)})"`);
    } else if (n > 1 && !plural) {
      fail(ctx, `${value}: EventBridge wants the plural unit; use "rate(${n} ${unit}s)"`);
    }
  }),
);

// ---------------------------------------------------------------------------------------------
// Secrets and headers
// ---------------------------------------------------------------------------------------------

/**
 * A value read at run time, never written into a template or an environment variable:
 * an SSM Parameter Store SecureString, or a Secrets Manager secret (optionally one JSON field of it).
 */
export const secretRefSchema = z.union([
  z.strictObject({
    ssmParameter: matching(
      /^\/[\w.\-/]+$/,
      'must be a parameter name starting with "/", e.g. "/vigil/madef/health-token"',
    ),
    /** Text put before the secret value, e.g. "Bearer ". */
    prefix: z.optional(z.string()),
  }),
  z.strictObject({
    secretsManager: matching(
      /^[\w/+=.@:-]+$/,
      'must be a secret name or ARN, e.g. "vigil/madef/health-token"',
    ),
    /** For a JSON secret: the field holding the value. */
    jsonKey: z.optional(z.string()),
    prefix: z.optional(z.string()),
  }),
]);
export type SecretRef = z.infer<typeof secretRefSchema>;

const headerNameSchema = matching(
  /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/,
  'must be a valid HTTP header name (letters, digits, dashes)',
);

/** Header values: plain text for what is not secret, a {@link SecretRef} for what is. */
export const headerValueSchema = z.union([z.string(), secretRefSchema], {
  error: () =>
    'must be plain text, { ssmParameter: "/vigil/app/token" } or { secretsManager: "vigil/app/token", jsonKey?: "token" } (each with an optional prefix such as "Bearer ")',
});

// Headers that carry credentials by name, and name parts that mark one (X-Auth-Token, X-Api-Key,
// X-Client-Secret...). A plain-text value for any of them would sit in the synthesized template and
// in the schedule's payload, readable by anyone who can read the stack.
const CREDENTIAL_HEADER_NAMES: ReadonlySet<string> = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
]);
const CREDENTIAL_HEADER_PART = /token|api-?key|api_key|secret|passw(?:or)?d|credential/;

/** Whether a header name carries a credential, so its value must come from a secret. */
export function isCredentialHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return CREDENTIAL_HEADER_NAMES.has(lower) || CREDENTIAL_HEADER_PART.test(lower);
}

// Query parameter names that carry credentials: whole names (`key`, `sig`), parts (`access_token`,
// `client_secret`, `X-Amz-Signature`) and a `_key` / `-key` suffix (`api_key`, `license-key`).
const CREDENTIAL_QUERY_NAMES: ReadonlySet<string> = new Set(['key', 'sig', 'auth', 'pass', 'pwd']);
const CREDENTIAL_QUERY_PART = /token|secret|passw(?:or)?d|signature|credential|apikey|api_key|api-key/;
const CREDENTIAL_QUERY_SUFFIX = /[_-]key$/;

/** Whether a URL query parameter name carries a credential, so its value must come from a secret. */
export function isCredentialQueryParam(name: string): boolean {
  const lower = name.toLowerCase();
  return (
    CREDENTIAL_QUERY_NAMES.has(lower) ||
    CREDENTIAL_QUERY_PART.test(lower) ||
    CREDENTIAL_QUERY_SUFFIX.test(lower)
  );
}

/** A secret's suggested name: `/vigil/app/x-api-key` from a header or parameter name. */
function suggestedSecretName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9_.-]+/g, '-');
}

/**
 * The fix for a plain-text credential, shown in the error. Never quotes the value: it is the secret.
 * An `Authorization: Bearer ...` keeps its scheme as the ref's prefix.
 */
function secretFix(where: 'header' | 'query', name: string, plain: string): string {
  const scheme = /^(Bearer|Basic|Token|Bot)\s/i.exec(plain)?.[1];
  const prefix = scheme ? `, prefix: "${scheme} "` : '';
  const key = suggestedSecretName(name);
  const put =
    where === 'header' ? `headers: { ${JSON.stringify(name)}: ` : `query: { ${JSON.stringify(name)}: `;
  return `${put}{ ssmParameter: "/vigil/app/${key}"${prefix} } } (an SSM SecureString) or ${put}{ secretsManager: "vigil/app/${key}"${prefix} } }, read at run time`;
}

const LEAK =
  'would land in plain text in the synthesized template and the schedule payload, where anyone who can read the stack can read it';

const headersSchema = z.record(headerNameSchema, headerValueSchema).check(
  z.superRefine((headers, ctx) => {
    for (const [name, value] of Object.entries(headers)) {
      if (typeof value === 'string' && isCredentialHeader(name)) {
        fail(
          ctx,
          `a credential header ${LEAK}; store the value in a secret and write ${secretFix('header', name, value)}`,
          [name],
        );
      }
    }
  }),
);

/**
 * Query parameters added to the URL at run time: plain text for what is not secret, a
 * {@link SecretRef} for what is (credential-like names must be secrets, as for headers).
 */
const queryParamsSchema = z
  .record(z.string().check(z.minLength(1, 'must not be empty')), headerValueSchema)
  .check(
    z.superRefine((query, ctx) => {
      for (const [name, value] of Object.entries(query)) {
        if (typeof value === 'string' && isCredentialQueryParam(name)) {
          fail(
            ctx,
            `a credential query parameter ${LEAK}; store the value in a secret and write ${secretFix('query', name, value)}`,
            [name],
          );
        }
      }
    }),
  );

// ---------------------------------------------------------------------------------------------
// Assertions on a JSON body
// ---------------------------------------------------------------------------------------------

/** Grammar of JSON paths: dotted names, `[0]` indices and `["quoted.keys"]`; a leading `$` alone is the whole body. */
export const JSON_PATH =
  /^(?:[A-Za-z_$][\w$-]*|\[\d+\]|\["[^"]*"\])(?:\.[A-Za-z_$][\w$-]*|\[\d+\]|\["[^"]*"\])*$/;

const jsonPath = matching(
  JSON_PATH,
  'must be a dotted path like "checks.database.status", "items[0].id" or \'checks["a.b"].status\', or "$" for the whole body',
);

const comparisonSchema = z
  .strictObject({
    equals: z.optional(z.number()),
    lt: z.optional(z.number()),
    lte: z.optional(z.number()),
    gt: z.optional(z.number()),
    gte: z.optional(z.number()),
  })
  .check(
    z.refine((c) => Object.values(c).some((v) => v !== undefined), {
      message: 'give at least one of equals, lt, lte, gt, gte, e.g. { gte: 1 }',
    }),
  );

export const ASSERTION_OPERATORS = [
  'equals',
  'notEquals',
  'oneOf',
  'lt',
  'lte',
  'gt',
  'gte',
  'exists',
  'matches',
  'length',
  'contains',
  'notContains',
] as const;
export type AssertionOperator = (typeof ASSERTION_OPERATORS)[number];

/** Operators a `text: true` assertion (on the raw body) takes. */
export const TEXT_OPERATORS = ['contains', 'notContains', 'matches'] as const;

/**
 * How much of the raw body a `text: true` assertion searches: the first 64 KiB. Route 53 searches the
 * first 5,120 bytes, which misses the words of an HTML page with a long head; a bound at all keeps a
 * regular expression's cost fixed whatever the body cap.
 */
export const TEXT_MATCH_MAX_BYTES = 64 * 1024;

const regexSource = z.string().check(
  z.refine(
    (s) => {
      try {
        new RegExp(s);
        return true;
      } catch {
        return false;
      }
    },
    { message: 'is not a valid regular expression' },
  ),
);

/**
 * One assertion on the body and exactly one operator. Either a path into the JSON body
 * (`{ path: 'checks.memory.percentage', lt: 85 }`; `$` is the whole body: `{ path: '$', gte: 1 }` for a
 * bare number, `{ path: '$', length: { gte: 1 } }` for a top-level array), or `text: true` for the raw
 * body, whatever its type: `{ text: true, contains: 'OK' }`, searched in the first
 * {@link TEXT_MATCH_MAX_BYTES} bytes.
 */
export const assertionSchema = z
  .strictObject({
    path: z.optional(jsonPath),
    /** Assert on the raw body's text (its first 64 KiB) rather than on a JSON path. */
    text: z.optional(z.literal(true, { error: () => 'must be true (or left out for a JSON path)' })),
    equals: z.optional(z.unknown()),
    /** The value at the path is not this one; a missing path fails too (use exists: false for absence). */
    notEquals: z.optional(z.unknown()),
    oneOf: z.optional(z.array(z.unknown()).check(z.minLength(1, 'list at least one allowed value'))),
    lt: z.optional(z.number()),
    lte: z.optional(z.number()),
    gt: z.optional(z.number()),
    gte: z.optional(z.number()),
    exists: z.optional(z.boolean()),
    matches: z.optional(regexSource),
    length: z.optional(comparisonSchema),
    /** With `text: true`: the body's text contains this string (case-sensitive). */
    contains: z.optional(z.string().check(z.minLength(1, 'must not be empty'))),
    /** With `text: true`: the body's text does not contain this string (case-sensitive). */
    notContains: z.optional(z.string().check(z.minLength(1, 'must not be empty'))),
  })
  .check(
    z.superRefine((a, ctx) => {
      if (a.path === undefined && a.text === undefined) {
        return fail(
          ctx,
          'needs a path into the JSON body, e.g. { path: "checks.database.status", equals: "ok" } ("$" is the whole body), or text: true for the raw body, e.g. { text: true, contains: "OK" }',
        );
      }
      if (a.path !== undefined && a.text !== undefined) {
        return fail(
          ctx,
          'has both path and text; use path for a JSON value or text: true for the raw body, one per assertion',
        );
      }
      const given = ASSERTION_OPERATORS.filter((op) => op in a && a[op] !== undefined);
      if (given.length === 0) {
        fail(
          ctx,
          a.text
            ? 'needs one operator: contains, notContains or matches, e.g. { text: true, contains: "OK" }'
            : 'needs one operator: equals, oneOf, notEquals, lt, lte, gt, gte, exists, matches or length, e.g. { path: "checks.database.status", equals: "ok" }',
        );
      } else if (given.length > 1) {
        fail(
          ctx,
          `has ${given.join(' and ')}; use exactly one operator per assertion (add a second assertion for the other)`,
        );
      } else if (a.text && !(TEXT_OPERATORS as readonly string[]).includes(given[0] ?? '')) {
        fail(
          ctx,
          `text: true searches the raw body and takes contains, notContains or matches, not ${given[0]}; for a JSON value use a path, e.g. { path: "$", ${given[0]}: ... }`,
        );
      } else if (!a.text && (given[0] === 'contains' || given[0] === 'notContains')) {
        fail(
          ctx,
          `${given[0]} searches the raw body: use { text: true, ${given[0]}: ${JSON.stringify(a[given[0]])} }; for a JSON string at a path use matches`,
        );
      }
    }),
  );
export type Assertion = z.infer<typeof assertionSchema>;

// ---------------------------------------------------------------------------------------------
// Alarms
// ---------------------------------------------------------------------------------------------

export const alarmSchema = z
  .strictObject({
    /** Datapoints that must breach (M) ... */
    datapointsToAlarm: z.optional(int(1)),
    /** ... out of this many evaluation periods (N). */
    evaluationPeriods: z.optional(int(1, 100)),
  })
  .check(
    z.superRefine((a, ctx) => {
      if (
        a.datapointsToAlarm !== undefined &&
        a.evaluationPeriods !== undefined &&
        a.datapointsToAlarm > a.evaluationPeriods
      ) {
        fail(
          ctx,
          `${a.datapointsToAlarm} is more than evaluationPeriods (${a.evaluationPeriods}); M of N needs M <= N`,
          ['datapointsToAlarm'],
        );
      }
    }),
  );

// ---------------------------------------------------------------------------------------------
// Monitors
// ---------------------------------------------------------------------------------------------

/** What every monitor kind shares. */
const monitorBase = {
  /** Unique name: the metric dimension, the alarm name, the key of every page. */
  name: monitorNameSchema,
  /** The service the monitor belongs to (groups pages and dashboards). @default the monitor's name */
  service: z.optional(monitorNameSchema),
  /** Human description shown in pages. */
  description: z.optional(z.string().check(z.maxLength(256, 'must be at most 256 characters'))),
  /** Who is paged: P1 critical .. P4 info. @default defaults.severity ("P2") */
  severity: z.optional(severitySchema),
  /** EventBridge Scheduler expression. @default defaults.schedule ("rate(1 minute)") */
  schedule: z.optional(scheduleSchema),
  /**
   * Alarm M of N; give one of the two and the other follows the kind's default (see
   * {@link resolveAlarm}). @default defaults.alarm, else the kind's ({@link defaultAlarmFor}): 1 of 1
   * for a confirming HTTP monitor and a backup, 2 of 3 for the rest
   */
  alarm: z.optional(alarmSchema),
  /** Link to the runbook section that says what to do (shown in pages). */
  runbook: z.optional(
    z.url({
      message: 'must be an absolute URL, e.g. "https://github.com/acme/ops/blob/main/runbook.md#restart"',
    }),
  ),
  /** Set false to keep the monitor in the config without scheduling it. @default true */
  enabled: z.optional(z.boolean()),
  /**
   * Fast mode (HTTP monitors only): six probes a minute, 10 s apart, high-resolution metrics and a
   * 10 s alarm (2 of 3 by default: two failed probes in a row): pages in about half a minute. Costs a
   * $0.30 high-resolution alarm and a probe's canary time every 10 s. @default false
   */
  fast: z.optional(z.boolean()),
  /** Cost tier: `full`, `lean` or `grouped`. @default services.<service>.tier, else defaults.tier, else "full" */
  tier: z.optional(tierSchema),
  /**
   * `shared`: checked in one invocation with its service's other monitors on the same schedule;
   * `own`: a schedule and invocation of its own. @default services.<service>.invocation, else
   * defaults.invocation, else "shared"
   */
  invocation: z.optional(invocationSchema),
  /** Hours between reminders while its incident stays in ALARM; 0 for none. @default 4 for P1/P2, 0 for P3/P4 */
  repeatHours: z.optional(
    z
      .number()
      .check(z.gte(0, 'must be 0 (no reminders) or more'), z.lte(168, 'must be at most 168 (a week)')),
  ),
};

const httpUrl = z.string().check(
  z.superRefine((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return fail(ctx, `${JSON.stringify(value)} is not a URL; use e.g. "https://api.example.com/health"`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      fail(ctx, `${url.protocol} is not supported; use an http:// or https:// URL`);
    }
    if (url.username || url.password) {
      fail(ctx, 'must not embed credentials; put them in a header from ssmParameter or secretsManager');
    }
    for (const name of new Set(url.searchParams.keys())) {
      if (isCredentialQueryParam(name)) {
        fail(
          ctx,
          `query parameter ${JSON.stringify(name)} carries a credential that ${LEAK}; remove it from the url, store the value in a secret and write ${secretFix('query', name, url.searchParams.get(name) ?? '')}`,
        );
      }
    }
  }),
);

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_REDIRECTS = 5;
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export const timeoutMsSchema = z
  .int()
  .check(
    z.gte(100, 'must be at least 100 ms'),
    z.lte(60_000, 'must be at most 60000 ms (60 s); a health check slower than that is an outage'),
  );

/** Days before a certificate's expiry to warn at, and to fail the check at: a team's usual 14 and 7. */
export const DEFAULT_CERT_WARN_DAYS = 14;
export const DEFAULT_CERT_MIN_DAYS = 7;

/** Certificate expiry rules of an HTTPS monitor (the leaf and every certificate of its chain). */
export const certificateSchema = z
  .strictObject({
    /** Fewer days left than this: a warning in the check's detail and, with warningAlarm, a page. @default 14 */
    warnDays: z.optional(int(1, 365, ' days')),
    /** Fewer days left than this fails the check as `certificate_expiring`. @default 7 */
    minDays: z.optional(int(0, 365, ' days')),
    /** A second alarm on `CertificateDaysLeft < warnDays`, paging `warningSeverity` (full tier). @default false */
    warningAlarm: z.optional(z.boolean()),
    /** Severity of the warning alarm. @default "P3" */
    warningSeverity: z.optional(severitySchema),
  })
  .check(
    z.superRefine((c, ctx) => {
      const warn = c.warnDays ?? DEFAULT_CERT_WARN_DAYS;
      const min = c.minDays ?? DEFAULT_CERT_MIN_DAYS;
      if (min >= warn) {
        fail(
          ctx,
          `${min} is not below warnDays (${warn}); the warning must come first, e.g. { warnDays: ${Math.max(min + 7, 14)}, minDays: ${min} }`,
          [c.minDays !== undefined ? 'minDays' : 'warnDays'],
        );
      }
    }),
  );

/** Default, least and most `confirm.afterMs`. */
export const DEFAULT_CONFIRM_AFTER_MS = 5_000;
export const MIN_CONFIRM_AFTER_MS = 1_000;
export const MAX_CONFIRM_AFTER_MS = 30_000;

/**
 * When a failing HTTP check is probed again (the confirmation probe): `afterMs` after the first
 * probe started. At least 1 s: a sooner probe sees the same blip (a reset, a load balancer swapping
 * targets) and confirms nothing. At most 30 s: the minute's datapoint is flushed after the second
 * probe, and a later one would reach the alarm after 2 of 3 without confirmation would have paged.
 */
export const confirmSchema = z.union(
  [
    z.boolean(),
    z.strictObject({
      /** ms after the first probe started. @default 5000 */
      afterMs: z.optional(
        z
          .int()
          .check(
            z.gte(
              MIN_CONFIRM_AFTER_MS,
              `must be at least ${MIN_CONFIRM_AFTER_MS} ms: a second probe sooner than 1 s after the first sees the same blip and confirms nothing`,
            ),
            z.lte(
              MAX_CONFIRM_AFTER_MS,
              `must be at most ${MAX_CONFIRM_AFTER_MS} ms: the minute's datapoint waits for the second probe, and a later one reaches the alarm after 2 of 3 without confirmation would have paged (use confirm: false and an alarm of your own instead)`,
            ),
          ),
      ),
    }),
  ],
  {
    error: () =>
      'must be true, false or { afterMs: 5000 } (whole ms after the first probe started, 1000..30000)',
  },
);
export type ConfirmInput = z.input<typeof confirmSchema>;

export const httpMonitorSchema = z.strictObject({
  ...monitorBase,
  kind: z.literal('http'),
  url: httpUrl,
  method: z.optional(z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])),
  headers: z.optional(headersSchema),
  /** Request body for POST/PUT/PATCH (sent as-is). */
  body: z.optional(z.string().check(z.maxLength(64 * 1024, 'must be at most 64 KiB'))),
  /** Whole-check deadline, including redirects and the one network retry. @default 10000 (4000 with fast: true) */
  timeoutMs: z.optional(timeoutMsSchema),
  /** Redirects followed before `redirect_loop`. 0 treats any redirect as the answer. @default 5 */
  maxRedirects: z.optional(int(0, 10)),
  /** Body bytes read before `too_large`; the rest is never buffered. @default 1048576 (1 MiB) */
  maxBodyBytes: z.optional(int(1024, 16 * 1024 * 1024, ' bytes')),
  /** Retry a network error (not an HTTP answer) once within the timeout. @default true */
  retryNetworkErrors: z.optional(z.boolean()),
  /** Expected status codes. @default any 2xx */
  expectStatus: z.optional(z.array(int(100, 599)).check(z.minLength(1, 'list at least one status code'))),
  /** Fail as `slow` when the answer takes longer than this. */
  maxLatencyMs: z.optional(int(1, undefined, ' ms')),
  /** Assertions on the JSON body; any assertion makes a non-JSON body a `bad_json` failure. */
  assertions: z.optional(z.array(assertionSchema)),
  /**
   * Per-component metrics from a health document (`checks.*`, `services.*`, application/health+json).
   * `true` for every component, or the names to publish. Each metric costs $0.30 a month. @default false
   */
  componentMetrics: z.optional(z.union([z.boolean(), z.array(z.string().check(z.minLength(1)))])),
  /**
   * Query parameters added to the URL at run time, e.g. `{ api_key: { ssmParameter: "/vigil/app/api-key" } }`
   * for an API that wants its key in the URL; credential-like names must be secrets.
   */
  query: z.optional(queryParamsSchema),
  /**
   * Judge the health document's own `status` on a 2xx: `fail`, `down`, `error` (any case) or
   * `unhealthy` fails as `health_status`, naming the components that are down; `warn` passes with a
   * note. `false` passes any 2xx whatever its body says. @default true
   */
  healthStatus: z.optional(z.boolean()),
  /**
   * TLS certificate expiry, for https:// URLs: read from the handshake the check already makes.
   * `false` turns it off. @default { warnDays: 14, minDays: 7 }, no warning alarm
   */
  certificate: z.optional(z.union([z.literal(false), certificateSchema])),
  /**
   * The confirmation probe: a failing check is probed again in the same invocation, `afterMs` after
   * the first probe started (at once when the first ended later, e.g. a timeout), and fails only if
   * that one fails too. One failing minute, confirmed, is the runbooks' "2 consecutive failures", so
   * the alarm defaults to 1 of 1. Not with `fast: true`, whose next probe 10 s later is its
   * confirmation. `vigil check` probes once. @default { afterMs: 5000 } (off with fast: true)
   */
  confirm: z.optional(confirmSchema),
});
export type HttpMonitorInput = z.input<typeof httpMonitorSchema>;

// ---------------------------------------------------------------------------------------------
// Queue depth, backup age and host commands (the operations the runbooks do by hand every day)
// ---------------------------------------------------------------------------------------------

/** An SQS queue URL (`https://sqs.<region>.amazonaws.com/<account>/<name>`) or a queue name. */
export const SQS_QUEUE_URL = /^https?:\/\/[^/\s]+\/(\d{12})\/([\w-]{1,80}(?:\.fifo)?)$/;
export const SQS_QUEUE_NAME = /^[\w-]{1,80}(?:\.fifo)?$/;
const sqsQueueRef = z.string().check(
  z.refine((v) => SQS_QUEUE_URL.test(v) || SQS_QUEUE_NAME.test(v), {
    message:
      'must be a queue URL like "https://sqs.eu-west-1.amazonaws.com/123456789012/orders" or a queue name in the stack\'s account and Region',
  }),
);

/** An HTTP JSON endpoint read by a queue or backup monitor (same request options as an HTTP monitor). */
const jsonEndpointBase = {
  url: httpUrl,
  headers: z.optional(headersSchema),
  /** Query parameters added to the URL at run time; credential-like ones must be secrets. */
  query: z.optional(queryParamsSchema),
  timeoutMs: z.optional(timeoutMsSchema),
};

export const queueMonitorSchema = z
  .strictObject({
    ...monitorBase,
    kind: z.literal('queue'),
    /** An SQS queue, read with GetQueueAttributes (the AWS/SQS metrics lag on quiet queues). */
    sqs: z.optional(
      z.strictObject({
        queue: sqsQueueRef,
        /** Its dead-letter queue: any new message there is a failure of its own. */
        deadLetterQueue: z.optional(sqsQueueRef),
      }),
    ),
    /** A queue that is not SQS (BullMQ/Redis, an outbox): a number, or an array's length, in a JSON endpoint. */
    endpoint: z.optional(
      z.strictObject({
        ...jsonEndpointBase,
        /** Path to the depth: a number, or an array whose length is the depth. */
        depthPath: jsonPath,
        /** Path to the oldest message's age: seconds, or an ISO timestamp of when it was queued. */
        oldestAgePath: z.optional(jsonPath),
      }),
    ),
    /** Critical depth: more visible messages than this fails the check. */
    maxDepth: z.optional(int(0)),
    /** Warning depth: a second alarm, paging `warningSeverity`. Below `maxDepth`. */
    warnDepth: z.optional(int(0)),
    /** Severity of the warning-depth alarm. @default "P3" */
    warningSeverity: z.optional(severitySchema),
    /** Oldest message older than this fails the check (endpoint with oldestAgePath; SQS via AWS/SQS). */
    maxOldestMessageAgeSeconds: z.optional(int(1, undefined, ' s')),
    /** A stalled consumer: depth over `minDepth` and not falling for `checks` checks in a row. */
    stalled: z.optional(z.strictObject({ minDepth: int(0), checks: int(2, 30) })),
  })
  .check(
    z.superRefine((q, ctx) => {
      if ((q.sqs === undefined) === (q.endpoint === undefined)) {
        fail(
          ctx,
          'give exactly one source: sqs: { queue: "orders" } or endpoint: { url: "https://...", depthPath: "outbox.pending" }',
        );
      }
      const watches =
        q.maxDepth !== undefined ||
        q.warnDepth !== undefined ||
        q.maxOldestMessageAgeSeconds !== undefined ||
        q.stalled !== undefined ||
        q.sqs?.deadLetterQueue !== undefined;
      if (!watches) {
        fail(
          ctx,
          'watches nothing; set maxDepth, warnDepth, maxOldestMessageAgeSeconds, stalled or sqs.deadLetterQueue',
        );
      }
      if (q.warnDepth !== undefined && q.maxDepth !== undefined && q.warnDepth >= q.maxDepth) {
        fail(ctx, `${q.warnDepth} is not below maxDepth (${q.maxDepth}); the warning level must come first`, [
          'warnDepth',
        ]);
      }
      if (q.maxOldestMessageAgeSeconds !== undefined && q.endpoint && !q.endpoint.oldestAgePath) {
        fail(ctx, 'needs endpoint.oldestAgePath: the path where the endpoint reports the oldest message', [
          'maxOldestMessageAgeSeconds',
        ]);
      }
    }),
  );
export type QueueMonitorInput = z.input<typeof queueMonitorSchema>;

/** Rules shared by backups listed from S3 and from a host directory. */
const backupFileRules = {
  /** File-name pattern with the timestamp, e.g. "madef_{YYYYMMDD}_{HHMMSS}.sql.gz"; ages by the name. */
  pattern: z.optional(z.string().check(z.minLength(1))),
  /** Smaller files are not backups (an empty or truncated dump). @default 1 */
  minSizeBytes: z.optional(int(1, undefined, ' bytes')),
  /** Backups that must be kept (retention is working). */
  minCount: z.optional(int(1)),
  /** A newest backup smaller than the previous one by more than this share (%) is truncated. */
  maxSizeDropPercent: z.optional(
    z.number().check(z.gte(1, 'must be at least 1 (%)'), z.lte(100, 'must be at most 100 (%)')),
  ),
  /** For .gz files: check the gzip header and trailer (S3: two ranged GETs; host: gzip -t). @default true */
  verifyGzip: z.optional(z.boolean()),
};

const S3_BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
export const INSTANCE_ID = /^(?:i|mi)-[0-9a-f]{8,17}$/;
const instanceId = matching(
  INSTANCE_ID,
  'must be an EC2 instance ID ("i-0abc...") or a managed instance ID ("mi-0abc...")',
);

export const BACKUP_SOURCES = ['s3', 'rds', 'awsBackup', 'host', 'endpoint'] as const;

export const backupMonitorSchema = z
  .strictObject({
    ...monitorBase,
    kind: z.literal('backup'),
    /** The newest object under a bucket and prefix. */
    s3: z.optional(
      z.strictObject({
        bucket: matching(S3_BUCKET, 'must be an S3 bucket name, e.g. "acme-db-backups"'),
        prefix: z.optional(z.string()),
        ...backupFileRules,
      }),
    ),
    /** The newest `available` snapshot (automated or manual) of an RDS instance or Aurora cluster. */
    rds: z.optional(
      z
        .strictObject({
          instance: z.optional(z.string().check(z.minLength(1))),
          cluster: z.optional(z.string().check(z.minLength(1))),
        })
        .check(
          z.refine((r) => (r.instance === undefined) !== (r.cluster === undefined), {
            message: 'give exactly one of instance: "madef-db" or cluster: "madef-aurora"',
          }),
        ),
    ),
    /** The newest COMPLETED AWS Backup recovery point of a resource in a vault. */
    awsBackup: z.optional(
      z.strictObject({
        vault: z.string().check(z.minLength(1)),
        resourceArn: matching(
          /^arn:aws[\w-]*:[\w-]+:[\w-]*:\d{12}:.+$/,
          "must be the protected resource's ARN",
        ),
      }),
    ),
    /** A directory on a host managed by Systems Manager (e.g. /opt/madef/backups), read over Run Command. */
    host: z.optional(
      z.strictObject({
        instance: instanceId,
        directory: matching(/^\/[^\0'"`$\\]*$/, 'must be an absolute path without quotes, $ or backslashes'),
        ...backupFileRules,
      }),
    ),
    /** A JSON endpoint reporting the newest backup's time (a managed database provider's API). */
    endpoint: z.optional(
      z.strictObject({
        ...jsonEndpointBase,
        /** Path to the newest backup's time: ISO 8601 string or epoch seconds/milliseconds. */
        timestampPath: jsonPath,
      }),
    ),
    /** Oldest acceptable age of the newest backup, in hours: the RPO. @default 24 */
    maxAgeHours: z.optional(z.number().check(z.positive('must be above 0'), z.lte(24 * 366))),
  })
  .check(
    z.superRefine((b, ctx) => {
      const sources = BACKUP_SOURCES.filter((k) => b[k] !== undefined);
      if (sources.length === 0) {
        fail(
          ctx,
          'give one source: s3, rds, awsBackup, host or endpoint, e.g. s3: { bucket: "acme-backups", prefix: "madef/" }',
        );
      } else if (sources.length > 1) {
        fail(ctx, `has ${sources.join(' and ')}; give exactly one source per backup monitor`);
      }
    }),
  );
export type BackupMonitorInput = z.input<typeof backupMonitorSchema>;

/** The disk aspect's default ceiling: a filesystem fuller than this fails the check. */
export const DEFAULT_DISK_MAX_USED_PERCENT = 90;

const percent = z.number().check(z.gte(1, 'must be at least 1 (%)'), z.lte(100, 'must be at most 100 (%)'));

/**
 * Disk space on a host: `df -P` (and `df -Pi` for inodes) on one path, run in the same Run Command
 * as the monitor's own script. See docs/adr/0012-disk-space-as-a-host-aspect.md for why it is an
 * aspect of the monitors that reach a host rather than a kind of its own.
 */
export const diskSchema = z
  .strictObject({
    /** The path whose filesystem is watched, e.g. "/opt/madef/backups" or "/var/lib/docker". */
    path: matching(
      /^\/[^\0'"`$\\\n]*$/,
      'must be an absolute path without quotes, $, backslashes or newlines, e.g. "/opt/madef/backups"',
    ),
    /** More of the filesystem used than this (%, as `df` rounds it) fails as `disk_full`. @default 90 */
    maxUsedPercent: z.optional(percent),
    /** A warning level below maxUsedPercent: a second alarm on `DiskUsedPercent` paging `warningSeverity`. */
    warnUsedPercent: z.optional(percent),
    /** Severity of the warning alarm. @default "P3" */
    warningSeverity: z.optional(severitySchema),
    /** More inodes used than this (%) fails as `inodes_full`; also runs `df -Pi`. @default not checked */
    maxInodesUsedPercent: z.optional(percent),
  })
  .check(
    z.superRefine((d, ctx) => {
      const max = d.maxUsedPercent ?? DEFAULT_DISK_MAX_USED_PERCENT;
      if (d.warnUsedPercent !== undefined && d.warnUsedPercent >= max) {
        fail(
          ctx,
          `${d.warnUsedPercent} is not below maxUsedPercent (${max}); the warning level must come first`,
          ['warnUsedPercent'],
        );
      }
    }),
  );
export type DiskInput = z.input<typeof diskSchema>;

export const commandMonitorSchema = z
  .strictObject({
    ...monitorBase,
    kind: z.literal('command'),
    /** Managed instances to run on, by ID. */
    instances: z.optional(z.array(instanceId).check(z.minLength(1), z.maxLength(50))),
    /** Or by tag: every managed instance with these tags. */
    tags: z.optional(
      z.record(z.string().check(z.minLength(1)), z.string()).check(
        z.refine((t) => Object.keys(t).length > 0, {
          message: 'name at least one tag, e.g. { Role: "worker" }',
        }),
      ),
    ),
    /** Shell command run with AWS-RunShellScript; healthy on exit 0. Optional with `disk`. */
    command: z.optional(z.string().check(z.minLength(1, 'must not be empty'), z.maxLength(4096))),
    /** Disk space of the filesystem holding a path, checked in the same Run Command. */
    disk: z.optional(diskSchema),
    /** Directory to run in, e.g. "/opt/ai-muhasebi". */
    workingDirectory: z.optional(matching(/^\//, 'must be an absolute path')),
    /** Seconds before the command counts as timed out. @default 60 */
    timeoutSeconds: z.optional(int(5, 600, ' s')),
    /** Assertions on the command's stdout parsed as JSON. */
    assertions: z.optional(z.array(assertionSchema)),
  })
  .check(
    z.superRefine((c, ctx) => {
      if ((c.instances === undefined) === (c.tags === undefined)) {
        fail(ctx, 'give exactly one target: instances: ["i-0abc..."] or tags: { Role: "app" }');
      }
      if (c.command === undefined && c.disk === undefined) {
        fail(
          ctx,
          'give a command to run, a disk to watch, or both, e.g. disk: { path: "/", maxUsedPercent: 90 }',
          ['command'],
        );
      }
      // The command check parses stdout as JSON; raw-text assertions are for HTTP bodies.
      c.assertions?.forEach((a, i) => {
        if (a.text) {
          fail(ctx, "text: true is for HTTP bodies; a command's stdout is parsed as JSON, so use a path", [
            'assertions',
            i,
            'text',
          ]);
        }
      });
    }),
  );
export type CommandMonitorInput = z.input<typeof commandMonitorSchema>;

export const MONITOR_KINDS = ['http', 'queue', 'backup', 'command'] as const;

/** All monitor kinds, told apart by `kind`. */
export const monitorInputSchema = z.discriminatedUnion(
  'kind',
  [httpMonitorSchema, queueMonitorSchema, backupMonitorSchema, commandMonitorSchema],
  {
    error: (issue) =>
      issue.code === 'invalid_union'
        ? `kind ${JSON.stringify((issue.input as { kind?: unknown })?.kind)} is not a monitor kind; use one of ${MONITOR_KINDS.map((k) => `"${k}"`).join(', ')}`
        : undefined,
  },
);
export type MonitorInput = z.input<typeof monitorInputSchema>;

// ---------------------------------------------------------------------------------------------
// Monitor defaults and fast mode
// ---------------------------------------------------------------------------------------------

export const DEFAULT_SCHEDULE = 'rate(1 minute)';
export const DEFAULT_SEVERITY: Severity = 'P2';

/** An alarm's M of N, resolved. */
export interface AlarmSpec {
  readonly datapointsToAlarm: number;
  readonly evaluationPeriods: number;
}

/**
 * The default HTTP monitor's alarm (standard mode, confirming): 1 of 1. A failing minute is already
 * two failed probes 5 s apart, the runbooks' "2 consecutive failures", so it pages on that minute.
 * Not 1 of 3, which would hold the alarm until three passing minutes: when the invocation delay
 * leaves one minute without a datapoint (a schedule whose phase sits on a minute boundary), CloudWatch
 * fills the empty period as breaching whenever fewer than 3 of the last 5 hold data, and 1 of 3 then
 * pages with nothing failing (0.25 % of windows in bench/page-latency.ts); 1 of 1 judges the newest
 * period that holds data and never does.
 */
export const DEFAULT_ALARM = { datapointsToAlarm: 1, evaluationPeriods: 1 } as const;
/** An HTTP monitor with `confirm: false`: the runbooks' two consecutive failures as 2 failing minutes of 3. */
export const UNCONFIRMED_DEFAULT_ALARM = { datapointsToAlarm: 2, evaluationPeriods: 3 } as const;
/**
 * Alarm defaults of the kinds that are never confirmed inside an invocation: a queue's backlog must
 * last (a burst that drains is no incident), a backup's age only grows (a second reading later says
 * the same thing later), a command is a Run Command on a host whose scripts settle slowly.
 */
export const KIND_DEFAULT_ALARMS = {
  queue: { datapointsToAlarm: 2, evaluationPeriods: 3 },
  backup: { datapointsToAlarm: 1, evaluationPeriods: 1 },
  command: { datapointsToAlarm: 2, evaluationPeriods: 3 },
} as const satisfies Record<Exclude<MonitorKind, 'http'>, AlarmSpec>;

type MonitorKind = (typeof MONITOR_KINDS)[number];

/**
 * The alarm a monitor gets when neither it nor the config's `defaults.alarm` sets one, by kind:
 * HTTP confirming 1 of 1, HTTP with `confirm: false` 2 of 3, HTTP fast 2 of 3 ten-second periods,
 * queue 2 of 3, backup 1 of 1, command 2 of 3. Takes a monitor as written in the config or resolved
 * (`confirm` absent means the default, on; it is off with `fast`).
 */
export function defaultAlarmFor(monitor: {
  readonly kind: MonitorKind;
  readonly fast?: boolean | undefined;
  readonly confirm?: ConfirmInput | { readonly afterMs: number } | undefined;
}): AlarmSpec {
  if (monitor.kind !== 'http') return KIND_DEFAULT_ALARMS[monitor.kind];
  if (monitor.fast) return FAST_DEFAULT_ALARM;
  return monitor.confirm === false ? UNCONFIRMED_DEFAULT_ALARM : DEFAULT_ALARM;
}

/**
 * M of N from a kind's default and the alarms set over it (`defaults.alarm`, then the monitor's;
 * later wins field by field). When only one of the two is given, the other follows the default so
 * that M <= N: M alone keeps the default N or grows it to M (`{ datapointsToAlarm: 2 }` on a 1 of 1
 * default is 2 of 2), N alone keeps the default M or shrinks it to N.
 */
export function resolveAlarm(
  kindDefault: AlarmSpec,
  ...overrides: readonly (
    | { datapointsToAlarm?: number | undefined; evaluationPeriods?: number | undefined }
    | undefined
  )[]
): AlarmSpec {
  let m: number | undefined;
  let n: number | undefined;
  for (const o of overrides) {
    if (o?.datapointsToAlarm !== undefined) m = o.datapointsToAlarm;
    if (o?.evaluationPeriods !== undefined) n = o.evaluationPeriods;
  }
  if (m !== undefined && n !== undefined) return { datapointsToAlarm: m, evaluationPeriods: n };
  if (m !== undefined)
    return { datapointsToAlarm: m, evaluationPeriods: Math.max(m, kindDefault.evaluationPeriods) };
  if (n !== undefined)
    return { datapointsToAlarm: Math.min(kindDefault.datapointsToAlarm, n), evaluationPeriods: n };
  return { ...kindDefault };
}

/**
 * Fast mode: EventBridge Scheduler cannot fire more often than once a minute, so a fast monitor is
 * invoked every minute, probes at once, and queues the minute's other {@link FAST_PROBES} - 1 probes,
 * {@link FAST_PROBE_INTERVAL_MS} apart, as delayed messages to the fast-probe queue; each probe is its
 * own high-resolution datapoint in its own 10 s alarm period. See docs/adr/0006-fast-mode.md.
 */
export const FAST_SCHEDULE = 'rate(1 minute)';
export const FAST_PROBE_INTERVAL_MS = 10_000;
export const FAST_PROBES = 6;
/**
 * How long the scheduled invocation may spend queueing the minute's later slots (loading the SQS
 * SDK, the request, its retries): it runs beside slot 0's probe, and the canary's timeout counts it
 * (lib/monitors/monitor-traits.ts; defined here, not beside the message schema, so
 * that module stays out of bundles that only need the constant). It also covers a queued slot's wait for its start, which is at
 * most two seconds.
 */
export const FAST_PROBE_SEND_DEADLINE_MS = 5_000;
/** A probe must end before the next one starts: its timeout stays a second under the interval. */
export const FAST_MAX_TIMEOUT_MS = 9_000;
/**
 * A fast monitor's timeoutMs unless it sets its own (defaults.timeoutMs is for standard monitors):
 * 4 s, Route 53's own limit for a health check's connection. A hanging endpoint holds each probe's
 * datapoint back for this long, so it is part of the time to page.
 */
export const FAST_DEFAULT_TIMEOUT_MS = 4_000;
/**
 * Two failed probes of three 10 s periods: the runbooks' two consecutive failures (each probe is the
 * previous one's confirmation), and one lost probe never pages alone.
 */
export const FAST_DEFAULT_ALARM = { datapointsToAlarm: 2, evaluationPeriods: 3 } as const;
/** More than 5 minutes of 10 s periods detects no faster than a standard monitor. */
export const FAST_MAX_EVALUATION_PERIODS = 30;
