/**
 * The Vigil config: one typed file (`vigil.config.ts`) that names every monitor, who gets paged, and
 * how. Checked by zod at synth, by `vigil validate`, and again at the canary's edge (the schedule's
 * payload is parsed with {@link monitorSchema}).
 *
 * Monitor kinds form a discriminated union on `kind`; the foundation ships `http`. Queue depth,
 * backup age and host commands slot in as further members without touching the rest.
 */
import { z } from 'zod';

/** Paging severities, as the runbooks use them: P1 critical (24/7) down to P4 info. */
export const SEVERITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export const severitySchema = z.enum(SEVERITIES, {
  error: (issue) => `expected one of P1, P2, P3, P4, got ${JSON.stringify(issue.input)}`,
});
export type Severity = z.infer<typeof severitySchema>;

/** Monitor names become metric dimensions, alarm names and logical IDs: keep them plain. */
export const MONITOR_NAME_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

const monitorName = z
  .string()
  .regex(
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

export const scheduleSchema = z.string().superRefine((value, ctx) => {
  if (/^rate\(\s*\d+\s*seconds?\s*\)$/.test(value)) {
    ctx.addIssue({
      code: 'custom',
      message: `${value} is below EventBridge Scheduler's 1-minute minimum; use "rate(1 minute)"`,
    });
    return;
  }
  if (value.startsWith('cron(')) {
    if (!/^cron\(\S+ \S+ \S+ \S+ \S+ \S+\)$/.test(value)) {
      ctx.addIssue({
        code: 'custom',
        message: `${value} is not a 6-field EventBridge cron expression; e.g. "cron(0/5 * * * ? *)"`,
      });
    }
    return;
  }
  const m = RATE.exec(value);
  if (!m) {
    ctx.addIssue({
      code: 'custom',
      message: `${JSON.stringify(value)} is not a schedule; use "rate(1 minute)", "rate(5 minutes)" or "cron(...)"`,
    });
    return;
  }
  const n = Number(m[1]);
  const unit = m[2] ?? '';
  const plural = unit.endsWith('s');
  if (n < 1) {
    ctx.addIssue({ code: 'custom', message: `${value} must be at least 1; use "rate(1 minute)"` });
  } else if (n === 1 && plural) {
    ctx.addIssue({
      code: 'custom',
      message: `${value}: EventBridge wants the singular unit; use "rate(1 ${unit.slice(0, -1)})"`,
    });
  } else if (n > 1 && !plural) {
    ctx.addIssue({
      code: 'custom',
      message: `${value}: EventBridge wants the plural unit; use "rate(${n} ${unit}s)"`,
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Secrets and headers
// ---------------------------------------------------------------------------------------------

/**
 * A value read at run time, never written into a template or an environment variable:
 * an SSM Parameter Store SecureString, or a Secrets Manager secret (optionally one JSON field of it).
 */
export const secretRefSchema = z.union([
  z.strictObject({
    ssmParameter: z
      .string()
      .regex(/^\/[\w.\-/]+$/, 'must be a parameter name starting with "/", e.g. "/vigil/madef/health-token"'),
    /** Text put before the secret value, e.g. "Bearer ". */
    prefix: z.string().optional(),
  }),
  z.strictObject({
    secretsManager: z
      .string()
      .min(1, 'must be a secret name or ARN, e.g. "vigil/madef/health-token"')
      .regex(/^[\w/+=.@:-]+$/, 'must be a secret name or ARN, e.g. "vigil/madef/health-token"'),
    /** For a JSON secret: the field holding the value. */
    jsonKey: z.string().optional(),
    prefix: z.string().optional(),
  }),
]);
export type SecretRef = z.infer<typeof secretRefSchema>;

const headerNameSchema = z
  .string()
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be a valid HTTP header name (letters, digits, dashes)');

/** Header values: plain text for what is not secret, a {@link SecretRef} for what is. */
export const headerValueSchema = z.union([z.string(), secretRefSchema], {
  error: () =>
    'must be plain text, { ssmParameter: "/vigil/app/token" } or { secretsManager: "vigil/app/token", jsonKey?: "token" } (each with an optional prefix such as "Bearer ")',
});

// ---------------------------------------------------------------------------------------------
// Assertions on a JSON body
// ---------------------------------------------------------------------------------------------

const jsonValue: z.ZodType<unknown> = z.unknown();

const comparisonSchema = z
  .strictObject({
    equals: z.number().optional(),
    lt: z.number().optional(),
    lte: z.number().optional(),
    gt: z.number().optional(),
    gte: z.number().optional(),
  })
  .refine((c) => Object.values(c).filter((v) => v !== undefined).length >= 1, {
    message: 'give at least one of equals, lt, lte, gt, gte, e.g. { gte: 1 }',
  });

export const ASSERTION_OPERATORS = [
  'equals',
  'oneOf',
  'lt',
  'lte',
  'gt',
  'gte',
  'exists',
  'matches',
  'length',
] as const;
export type AssertionOperator = (typeof ASSERTION_OPERATORS)[number];

/**
 * One assertion on the JSON body: a path (`checks.database.status`, `items[0].id`) and exactly one
 * operator. `{ path: 'checks.memory.percentage', lt: 85 }`.
 */
export const assertionSchema = z
  .strictObject({
    path: z
      .string()
      .min(1, 'must be a path into the JSON body, e.g. "checks.database.status"')
      .regex(
        /^(?:[A-Za-z_$][\w$-]*|\[\d+\]|\["[^"]*"\])(?:\.[A-Za-z_$][\w$-]*|\[\d+\]|\["[^"]*"\])*$/,
        'must be a dotted path like "checks.database.status", "items[0].id" or \'checks["a.b"].status\'',
      ),
    equals: jsonValue.optional(),
    oneOf: z.array(jsonValue).min(1, 'list at least one allowed value').optional(),
    lt: z.number().optional(),
    lte: z.number().optional(),
    gt: z.number().optional(),
    gte: z.number().optional(),
    exists: z.boolean().optional(),
    matches: z
      .string()
      .refine(
        (s) => {
          try {
            new RegExp(s);
            return true;
          } catch {
            return false;
          }
        },
        { message: 'is not a valid regular expression' },
      )
      .optional(),
    length: comparisonSchema.optional(),
  })
  .superRefine((a, ctx) => {
    const given = ASSERTION_OPERATORS.filter(
      (op) => op in a && (a as Record<string, unknown>)[op] !== undefined,
    );
    if (given.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message:
          given.length === 0
            ? 'needs one operator: equals, oneOf, lt, lte, gt, gte, exists, matches or length, e.g. { path: "checks.database.status", equals: "ok" }'
            : `has ${given.join(' and ')}; use exactly one operator per assertion (add a second assertion for the other)`,
      });
    }
  });
export type Assertion = z.infer<typeof assertionSchema>;

// ---------------------------------------------------------------------------------------------
// Alarms
// ---------------------------------------------------------------------------------------------

export const alarmSchema = z
  .strictObject({
    /** Datapoints that must breach (M) ... */
    datapointsToAlarm: z.number().int().min(1).optional(),
    /** ... out of this many evaluation periods (N). */
    evaluationPeriods: z.number().int().min(1).max(100).optional(),
  })
  .superRefine((a, ctx) => {
    if (
      a.datapointsToAlarm !== undefined &&
      a.evaluationPeriods !== undefined &&
      a.datapointsToAlarm > a.evaluationPeriods
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['datapointsToAlarm'],
        message: `${a.datapointsToAlarm} is more than evaluationPeriods (${a.evaluationPeriods}); M of N needs M <= N`,
      });
    }
  });

// ---------------------------------------------------------------------------------------------
// Monitors
// ---------------------------------------------------------------------------------------------

/** What every monitor kind shares. */
const monitorBase = {
  /** Unique name: the metric dimension, the alarm name, the key of every page. */
  name: monitorName,
  /** The service the monitor belongs to (groups pages and dashboards). */
  service: monitorName.optional(),
  /** Human description shown in pages. */
  description: z.string().max(256).optional(),
  /** Who is paged: P1 critical .. P4 info. @default defaults.severity ("P2") */
  severity: severitySchema.optional(),
  /** EventBridge Scheduler expression. @default defaults.schedule ("rate(1 minute)") */
  schedule: scheduleSchema.optional(),
  /** Alarm M of N. @default defaults.alarm (2 of 3) */
  alarm: alarmSchema.optional(),
  /** Link to the runbook section that says what to do (shown in pages). */
  runbook: z
    .url({
      message: 'must be an absolute URL, e.g. "https://github.com/acme/ops/blob/main/runbook.md#restart"',
    })
    .optional(),
  /** Set false to keep the monitor in the config without scheduling it. @default true */
  enabled: z.boolean().optional(),
};

const httpUrl = z.string().superRefine((value, ctx) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    ctx.addIssue({
      code: 'custom',
      message: `${JSON.stringify(value)} is not a URL; use e.g. "https://api.example.com/health"`,
    });
    return;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    ctx.addIssue({
      code: 'custom',
      message: `${url.protocol} is not supported; use an http:// or https:// URL`,
    });
  }
  if (url.username || url.password) {
    ctx.addIssue({
      code: 'custom',
      message: 'must not embed credentials; put them in a header from ssmParameter or secretsManager',
    });
  }
});

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_REDIRECTS = 5;
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export const httpMonitorSchema = z.strictObject({
  ...monitorBase,
  kind: z.literal('http'),
  url: httpUrl,
  method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']).optional(),
  headers: z.record(headerNameSchema, headerValueSchema).optional(),
  /** Request body for POST/PUT/PATCH (sent as-is). */
  body: z
    .string()
    .max(64 * 1024)
    .optional(),
  /** Whole-check deadline, including redirects and the one network retry. @default 10000 */
  timeoutMs: z
    .number()
    .int()
    .min(100, 'must be at least 100 ms')
    .max(60_000, 'must be at most 60000 ms (60 s); a health check slower than that is an outage')
    .optional(),
  /** Redirects followed before `redirect_loop`. 0 treats any redirect as the answer. @default 5 */
  maxRedirects: z.number().int().min(0).max(10).optional(),
  /** Body bytes read before `too_large`; the rest is never buffered. @default 1048576 (1 MiB) */
  maxBodyBytes: z
    .number()
    .int()
    .min(1024)
    .max(16 * 1024 * 1024)
    .optional(),
  /** Retry a network error (not an HTTP answer) once within the timeout. @default true */
  retryNetworkErrors: z.boolean().optional(),
  /** Expected status codes. @default any 2xx */
  expectStatus: z.array(z.number().int().min(100).max(599)).min(1).optional(),
  /** Fail as `slow` when the answer takes longer than this. */
  maxLatencyMs: z.number().int().positive().optional(),
  /** Assertions on the JSON body; any assertion makes a non-JSON body a `bad_json` failure. */
  assertions: z.array(assertionSchema).optional(),
  /**
   * Per-component metrics from a health document (`checks.*`, `services.*`, application/health+json).
   * `true` for every component, or the names to publish. Each metric costs $0.30 a month. @default false
   */
  componentMetrics: z.union([z.boolean(), z.array(z.string().min(1))]).optional(),
});
export type HttpMonitorInput = z.input<typeof httpMonitorSchema>;

/** All monitor kinds. Later kinds (queue, backup, command) join this union. */
export const monitorInputSchema = z.discriminatedUnion('kind', [httpMonitorSchema], {
  error: (issue) =>
    issue.code === 'invalid_union'
      ? `kind ${JSON.stringify((issue.input as { kind?: unknown })?.kind)} is not a monitor kind; use "http"`
      : undefined,
});
export type MonitorInput = z.input<typeof monitorInputSchema>;

// ---------------------------------------------------------------------------------------------
// Paging
// ---------------------------------------------------------------------------------------------

const email = z.email({ message: 'must be an email address, e.g. "oncall@example.com"' });
const phone = z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 phone number, e.g. "+15555550100"');
const httpsEndpoint = z.url({ protocol: /^https$/, message: 'must be an https:// URL' });

export const subscribersSchema = z.strictObject({
  email: z.array(email).optional(),
  sms: z.array(phone).optional(),
  https: z.array(httpsEndpoint).optional(),
});
export type Subscribers = z.infer<typeof subscribersSchema>;

export const pagingSchema = z.strictObject({
  P1: subscribersSchema.optional(),
  P2: subscribersSchema.optional(),
  P3: subscribersSchema.optional(),
  P4: subscribersSchema.optional(),
});

// ---------------------------------------------------------------------------------------------
// The whole config
// ---------------------------------------------------------------------------------------------

export const DEFAULT_SCHEDULE = 'rate(1 minute)';
export const DEFAULT_SEVERITY: Severity = 'P2';
export const DEFAULT_ALARM = { datapointsToAlarm: 2, evaluationPeriods: 3 } as const;

export const configInputSchema = z
  .strictObject({
    /** Names the stack(s) and prefixes alarm names. */
    project: monitorName,
    /** Defaults applied to every monitor that does not set its own. */
    defaults: z
      .strictObject({
        severity: severitySchema.optional(),
        schedule: scheduleSchema.optional(),
        alarm: alarmSchema.optional(),
        timeoutMs: z.number().int().min(100).max(60_000).optional(),
      })
      .optional(),
    /** Subscribers per severity topic. */
    paging: pagingSchema.optional(),
    /** Days the canary's logs are kept. @default 30 */
    logRetentionDays: z
      .union([
        z.literal(1),
        z.literal(3),
        z.literal(5),
        z.literal(7),
        z.literal(14),
        z.literal(30),
        z.literal(60),
        z.literal(90),
        z.literal(180),
        z.literal(365),
      ])
      .optional(),
    monitors: z.array(monitorInputSchema).min(1, 'add at least one monitor'),
  })
  .superRefine((config, ctx) => {
    const seen = new Map<string, number>();
    config.monitors.forEach((m, i) => {
      const first = seen.get(m.name);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['monitors', i, 'name'],
          message: `"${m.name}" is already the name of monitors[${first}]; monitor names must be unique`,
        });
      } else {
        seen.set(m.name, i);
      }
      const alarm = { ...DEFAULT_ALARM, ...config.defaults?.alarm, ...m.alarm };
      if (alarm.datapointsToAlarm > alarm.evaluationPeriods) {
        ctx.addIssue({
          code: 'custom',
          path: ['monitors', i, 'alarm', 'datapointsToAlarm'],
          message: `${alarm.datapointsToAlarm} is more than evaluationPeriods (${alarm.evaluationPeriods}); M of N needs M <= N`,
        });
      }
    });
  });

/** What a user writes in `vigil.config.ts`. */
export type VigilConfigInput = z.input<typeof configInputSchema>;
