/**
 * The Vigil config: one typed file (`vigil.config.ts`) that names every monitor, who gets paged, and
 * how. Checked by zod at synth, by `vigil validate`, and again at the canary's edge (the schedule's
 * payload is parsed with {@link monitorInputSchema}).
 *
 * The monitor input schemas and monitor defaults are in ./monitor-schema.ts, re-exported here; this
 * module adds the config-level schema (paging, services, maintenance windows, heartbeat, and the
 * checks across monitors), which the canary never imports. Written with `zod/mini`: see
 * docs/adr/0002-zod-mini.md.
 */
import * as z from 'zod/mini';
import { drillInputSchema, drillIssues } from './drill-schema.ts';
import {
  alarmSchema,
  DEFAULT_TIER,
  defaultAlarmFor,
  FAST_DEFAULT_ALARM,
  FAST_DEFAULT_TIMEOUT_MS,
  FAST_MAX_EVALUATION_PERIODS,
  FAST_MAX_TIMEOUT_MS,
  FAST_PROBE_INTERVAL_MS,
  FAST_SCHEDULE,
  invocationSchema,
  type MonitorInput,
  monitorNameSchema,
  resolveAlarm,
  scheduleSchema,
  severitySchema,
  type Tier,
  tierSchema,
  timeoutMsSchema,
} from './monitor-schema.ts';
import { configMonitorSchema, remediateSchema, remediationIssues } from './remediation-schema.ts';
import { fail, matching } from './schema-helpers.ts';

export * from './monitor-schema.ts';

// ---------------------------------------------------------------------------------------------
// Paging
// ---------------------------------------------------------------------------------------------

const email = z.email({ message: 'must be an email address, e.g. "oncall@example.com"' });
const phone = matching(/^\+[1-9]\d{6,14}$/, 'must be an E.164 phone number, e.g. "+15555550100"');
const httpsEndpoint = z.url({ protocol: /^https$/, message: 'must be an https:// URL' });

export const subscribersSchema = z.strictObject({
  email: z.optional(z.array(email)),
  sms: z.optional(z.array(phone)),
  https: z.optional(z.array(httpsEndpoint)),
});
export type Subscribers = z.infer<typeof subscribersSchema>;

export const pagingSchema = z.strictObject({
  P1: z.optional(subscribersSchema),
  P2: z.optional(subscribersSchema),
  P3: z.optional(subscribersSchema),
  P4: z.optional(subscribersSchema),
});

// ---------------------------------------------------------------------------------------------
// Services, maintenance windows, heartbeat
// ---------------------------------------------------------------------------------------------

/** A service groups monitors into one incident: one page when any of them breaches. */
export const serviceSchema = z.strictObject({
  /** Shown in pages and on the dashboard. */
  description: z.optional(z.string().check(z.maxLength(256))),
  /** Services this one depends on: while one of them is down, this service's pages are held. */
  dependsOn: z.optional(z.array(monitorNameSchema)),
  /** Hours between reminders while the service's incident stays in ALARM; 0 for none. */
  repeatHours: z.optional(z.number().check(z.gte(0), z.lte(168))),
  /** Dashboard link shown in pages. @default the service's Vigil dashboard */
  dashboard: z.optional(z.url({ message: 'must be an absolute URL' })),
  /** Cost tier of its monitors that set none. @default defaults.tier, else "full" */
  tier: z.optional(tierSchema),
  /** How its monitors that set none are invoked. @default defaults.invocation, else "shared" */
  invocation: z.optional(invocationSchema),
  /** What each of its monitors' alarms starts (see ./remediation-schema.ts). @default none */
  remediate: z.optional(remediateSchema),
});

export const WEEKDAYS = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'] as const;
const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Minutes since midnight of "HH:MM". */
export function minutesOfDay(hhmm: string): number {
  const m = HHMM.exec(hhmm);
  return m ? Number(m[1]) * 60 + Number(m[2]) : Number.NaN;
}

/** True when the runtime knows the IANA time zone ("Europe/Istanbul", "UTC"). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * A recurring maintenance window: pages (and later remediation) are held while it is open; checks
 * and metrics keep running; whatever is still breaching when it closes pages then.
 * The runbooks' window: `{ name: 'sunday-maintenance', days: ['SUN'], start: '02:00', end: '04:00', timeZone: 'UTC' }`.
 */
export const maintenanceWindowSchema = z
  .strictObject({
    /** Names the window (and its mute rule). */
    name: monitorNameSchema,
    /** Services held during the window. @default every service */
    services: z.optional(
      z
        .array(monitorNameSchema)
        .check(z.minLength(1, 'name at least one service, or leave services out for all')),
    ),
    /** Days the window opens on. */
    days: z
      .array(z.enum(WEEKDAYS, { error: (i) => `expected MON..SUN, got ${JSON.stringify(i.input)}` }))
      .check(z.minLength(1, 'name at least one day, e.g. ["SUN"]')),
    /** Opening time, "HH:MM" in `timeZone`. */
    start: matching(HHMM, 'must be a time "HH:MM" (24 h), e.g. "02:00"'),
    /** Closing time, "HH:MM" in `timeZone`, after `start` on the same day. */
    end: matching(HHMM, 'must be a time "HH:MM" (24 h), e.g. "04:00"'),
    /** IANA time zone of start and end. @default "UTC" */
    timeZone: z.optional(
      z.string().check(
        z.refine(isTimeZone, {
          message:
            'is not a time zone this runtime knows; use an IANA name such as "UTC" or "Europe/Istanbul"',
        }),
      ),
    ),
  })
  .check(
    z.superRefine((w, ctx) => {
      const start = minutesOfDay(w.start);
      const end = minutesOfDay(w.end);
      if (!Number.isNaN(start) && !Number.isNaN(end) && end <= start) {
        fail(
          ctx,
          `${w.end} is not after start ${w.start}; a window must end later the same day (split one that crosses midnight into two)`,
          ['end'],
        );
      }
    }),
  );
export type MaintenanceWindowInput = z.input<typeof maintenanceWindowSchema>;

// ---------------------------------------------------------------------------------------------
// The whole config
// ---------------------------------------------------------------------------------------------

export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 180, 365] as const;

export const configInputSchema = z
  .strictObject({
    /** Names the stack(s) and prefixes alarm names. */
    project: monitorNameSchema,
    /** Defaults applied to every monitor that does not set its own. */
    defaults: z.optional(
      z.strictObject({
        severity: z.optional(severitySchema),
        schedule: z.optional(scheduleSchema),
        alarm: z.optional(alarmSchema),
        timeoutMs: z.optional(timeoutMsSchema),
        tier: z.optional(tierSchema),
        invocation: z.optional(invocationSchema),
      }),
    ),
    /** Subscribers per severity topic. */
    paging: z.optional(pagingSchema),
    /** Services by name: dependencies, reminders, dashboard link. Monitors name theirs with `service`. */
    services: z.optional(z.record(monitorNameSchema, serviceSchema)),
    /** Recurring maintenance windows. */
    maintenance: z.optional(z.array(maintenanceWindowSchema)),
    /** A page on a schedule that proves the paging path works end to end. @default off */
    heartbeat: z.optional(
      z.strictObject({
        /** When to send it (EventBridge cron, UTC), e.g. "cron(0 9 ? * MON *)". */
        schedule: scheduleSchema,
        /** The topic it goes to. @default "P4" */
        severity: z.optional(severitySchema),
      }),
    ),
    /** Days the canary's logs are kept. @default 30 */
    logRetentionDays: z.optional(
      z.union(
        LOG_RETENTION_DAYS.map((d) => z.literal(d)),
        { error: () => `must be one of ${LOG_RETENTION_DAYS.join(', ')} (CloudWatch Logs retention values)` },
      ),
    ),
    monitors: z.array(configMonitorSchema).check(z.minLength(1, 'add at least one monitor')),
    /** DR drills: restore a backup monitor's newest backup, verify it, measure RTO and RPO (README "DR drills"). */
    drills: z.optional(z.array(drillInputSchema)),
  })
  .check(
    z.superRefine((config, ctx) => {
      const services = new Set([
        ...Object.keys(config.services ?? {}),
        ...config.monitors.map((m) => m.service ?? m.name),
      ]);
      for (const [name, service] of Object.entries(config.services ?? {})) {
        service.dependsOn?.forEach((dep, i) => {
          if (dep === name)
            fail(ctx, `"${name}" cannot depend on itself`, ['services', name, 'dependsOn', i]);
          else if (!services.has(dep)) {
            fail(ctx, `"${dep}" is not a service; name one of ${[...services].join(', ')}`, [
              'services',
              name,
              'dependsOn',
              i,
            ]);
          }
        });
      }
      const cycle = dependencyCycle(config.services ?? {});
      if (cycle) fail(ctx, `services depend on each other in a cycle: ${cycle.join(' -> ')}`, ['services']);
      config.maintenance?.forEach((w, i) => {
        w.services?.forEach((svc, j) => {
          if (!services.has(svc)) {
            fail(ctx, `"${svc}" is not a service; name one of ${[...services].join(', ')}`, [
              'maintenance',
              i,
              'services',
              j,
            ]);
          }
        });
      });
      groupedServiceIssues(
        config,
        (m) =>
          m.tier ?? config.services?.[m.service ?? m.name]?.tier ?? config.defaults?.tier ?? DEFAULT_TIER,
        (message, path) => fail(ctx, message, path),
      );
      drillIssues(config, isTimeZone, (message, path) => fail(ctx, message, path));
      remediationIssues(
        config,
        (m) =>
          m.tier ?? config.services?.[m.service ?? m.name]?.tier ?? config.defaults?.tier ?? DEFAULT_TIER,
        (message, path) => fail(ctx, message, path),
      );
      const seen = new Map<string, number>();
      config.monitors.forEach((m, i) => {
        const first = seen.get(m.name);
        if (first !== undefined) {
          fail(ctx, `"${m.name}" is already the name of monitors[${first}]; monitor names must be unique`, [
            'monitors',
            i,
            'name',
          ]);
        } else {
          seen.set(m.name, i);
        }
        const tier =
          m.tier ?? config.services?.[m.service ?? m.name]?.tier ?? config.defaults?.tier ?? DEFAULT_TIER;
        tierIssues(m, tier, (message, path) => fail(ctx, message, ['monitors', i, ...path]));
        if (m.fast) {
          fastModeIssues(m, (message, path) => fail(ctx, message, ['monitors', i, ...path]));
          return;
        }
        // M over N can only come from M and N given in different places (alarmSchema checks one
        // alarm, and resolveAlarm fills a missing half within bounds): here, the monitor's M or N
        // against the other from defaults.alarm.
        const alarm = resolveAlarm(defaultAlarmFor(m), config.defaults?.alarm, m.alarm);
        const split =
          (m.alarm?.datapointsToAlarm === undefined) !== (m.alarm?.evaluationPeriods === undefined);
        if (split && alarm.datapointsToAlarm > alarm.evaluationPeriods) {
          fail(
            ctx,
            `${alarm.datapointsToAlarm} is more than evaluationPeriods (${alarm.evaluationPeriods}); M of N needs M <= N`,
            [
              'monitors',
              i,
              'alarm',
              m.alarm?.datapointsToAlarm !== undefined ? 'datapointsToAlarm' : 'evaluationPeriods',
            ],
          );
        }
      });
    }),
  );

/**
 * What a `lean` or `grouped` monitor must also satisfy: it publishes no metric but `Success` (lean)
 * or its service's `FailedChecks` (grouped), so nothing may alarm on another metric.
 */
function tierIssues(
  m: MonitorInput,
  tier: Tier,
  report: (message: string, path: PropertyKey[]) => void,
): void {
  if (tier === 'full') return;
  const fix = "use tier: 'full' for this monitor";
  const needs = (what: string, path: PropertyKey[]) =>
    report(`${what} needs metrics the ${tier} tier does not publish; ${fix}`, path);
  // Lean publishes a high-resolution Success for a fast monitor, all its 10 s alarm reads; grouped
  // sums a service's FailedChecks per minute, which no 10 s alarm can read.
  if (m.fast && tier === 'grouped') needs('fast mode (high-resolution Success and a 10 s alarm)', ['fast']);
  if (m.kind === 'http' && m.componentMetrics !== undefined && m.componentMetrics !== false) {
    needs('componentMetrics (a ComponentHealthy metric per component)', ['componentMetrics']);
  }
  // The warnings themselves still show in the check's detail; only their alarms need the metric.
  if (m.kind === 'http' && m.certificate && m.certificate.warningAlarm) {
    needs('certificate.warningAlarm (a CertificateDaysLeft alarm)', ['certificate', 'warningAlarm']);
  }
  if (m.kind === 'command' && m.disk?.warnUsedPercent !== undefined) {
    needs('disk.warnUsedPercent (a DiskUsedPercent alarm)', ['disk', 'warnUsedPercent']);
  }
  if (m.kind !== 'queue') return;
  if (m.warnDepth !== undefined) needs('warnDepth (a QueueDepth alarm)', ['warnDepth']);
  if (m.stalled !== undefined) needs('stalled (a QueueDepth alarm)', ['stalled']);
  if (m.sqs?.deadLetterQueue !== undefined) {
    needs('sqs.deadLetterQueue (a DeadLetterDepth alarm)', ['sqs', 'deadLetterQueue']);
  }
  if (m.sqs && m.maxOldestMessageAgeSeconds !== undefined) {
    needs('maxOldestMessageAgeSeconds on SQS (an AWS/SQS oldest-message alarm)', [
      'maxOldestMessageAgeSeconds',
    ]);
  }
}

/**
 * A service pages from one `FailedChecks` alarm when all its monitors are grouped: mixing tiers in
 * one service, or a grouped service in a dependency (suppression needs composites over per-monitor
 * alarms), is refused.
 */
function groupedServiceIssues(
  config: {
    monitors: readonly MonitorInput[];
    services?: Record<string, { dependsOn?: string[] | undefined }> | undefined;
  },
  tierOf: (m: MonitorInput) => Tier,
  report: (message: string, path: PropertyKey[]) => void,
): void {
  const byService = new Map<string, { grouped: number[]; other: number[] }>();
  config.monitors.forEach((m, i) => {
    const service = m.service ?? m.name;
    const entry = byService.get(service) ?? { grouped: [], other: [] };
    (tierOf(m) === 'grouped' ? entry.grouped : entry.other).push(i);
    byService.set(service, entry);
  });
  const dependedOn = new Set(Object.values(config.services ?? {}).flatMap((s) => s.dependsOn ?? []));
  for (const [service, { grouped, other }] of byService) {
    const first = grouped[0];
    if (first === undefined) continue;
    if (other.length > 0) {
      report(
        `service "${service}" mixes grouped and other tiers (monitors[${other.join('], monitors[')}] are not grouped); a service has one FailedChecks alarm only when all its monitors are grouped: set the same tier on all of them, e.g. services.${service}.tier`,
        ['monitors', first, 'tier'],
      );
    }
    if ((config.services?.[service]?.dependsOn?.length ?? 0) > 0 || dependedOn.has(service)) {
      report(
        `grouped service "${service}" is in a dependency (dependsOn); holding pages needs composites over per-monitor alarms: use tier: 'lean' or 'full' for its monitors, or remove the dependency`,
        ['monitors', first, 'tier'],
      );
    }
  }
}

/**
 * What a monitor with `fast: true` must also satisfy. A fast monitor has its own defaults (schedule
 * rate(1 minute), timeoutMs 5000, alarm 2 of 3) rather than the config's `defaults`, which are sized
 * for one check a minute or slower, and no confirmation probe (its next probe 10 s later is one).
 */
function fastModeIssues(m: MonitorInput, report: (message: string, path: PropertyKey[]) => void): void {
  if (m.kind !== 'http') {
    report(
      `fast mode is for HTTP monitors only: a ${m.kind} check reads a value that changes over minutes, not seconds; remove fast: true`,
      ['fast'],
    );
    return;
  }
  if (m.schedule !== undefined && m.schedule !== FAST_SCHEDULE) {
    report(
      `${m.schedule} does not work with fast: true, which is invoked every minute and probes every ${FAST_PROBE_INTERVAL_MS / 1000} s from there; remove schedule (or use "${FAST_SCHEDULE}")`,
      ['schedule'],
    );
  }
  if (m.timeoutMs !== undefined && m.timeoutMs > FAST_MAX_TIMEOUT_MS) {
    report(
      `${m.timeoutMs} ms is too long for fast: true: a probe must end before the next one starts ${FAST_PROBE_INTERVAL_MS / 1000} s later; use at most ${FAST_MAX_TIMEOUT_MS} (default ${FAST_DEFAULT_TIMEOUT_MS})`,
      ['timeoutMs'],
    );
  }
  if (m.confirm !== undefined && m.confirm !== false) {
    report(
      `a confirmation probe does not work with fast: true, whose next probe 10 s later is its confirmation (its alarm defaults to ${FAST_DEFAULT_ALARM.datapointsToAlarm} of ${FAST_DEFAULT_ALARM.evaluationPeriods} ten-second periods); remove confirm, or drop fast: true to confirm inside a minute`,
      ['confirm'],
    );
  }
  // M <= N: alarmSchema checks the two when both are given; resolveAlarm keeps it when one is.
  const alarm = resolveAlarm(FAST_DEFAULT_ALARM, m.alarm);
  if (alarm.datapointsToAlarm < 2) {
    report(
      `${alarm.datapointsToAlarm} of ${alarm.evaluationPeriods} would page on one lost 10 s probe (a dropped packet, a late slot leaving one period empty, which counts as breaching); use at least 2 with fast: true`,
      ['alarm', m.alarm?.datapointsToAlarm !== undefined ? 'datapointsToAlarm' : 'evaluationPeriods'],
    );
  }
  if (alarm.evaluationPeriods > FAST_MAX_EVALUATION_PERIODS) {
    report(
      `${alarm.evaluationPeriods} periods of 10 s is more than ${FAST_MAX_EVALUATION_PERIODS} (5 minutes), which a standard monitor detects as quickly at a third of the alarm price; use at most ${FAST_MAX_EVALUATION_PERIODS} or drop fast: true`,
      ['alarm', 'evaluationPeriods'],
    );
  }
}

/** A dependency cycle among services, as a path that returns to its start, or undefined. */
function dependencyCycle(
  services: Record<string, { dependsOn?: string[] | undefined }>,
): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, path: string[]): string[] | undefined => {
    if (state.get(name) === 'done') return undefined;
    if (state.get(name) === 'visiting') return [...path.slice(path.indexOf(name)), name];
    state.set(name, 'visiting');
    for (const dep of services[name]?.dependsOn ?? []) {
      const cycle = visit(dep, [...path, name]);
      if (cycle) return cycle;
    }
    state.set(name, 'done');
    return undefined;
  };
  for (const name of Object.keys(services)) {
    const cycle = visit(name, []);
    if (cycle) return cycle;
  }
  return undefined;
}

/** What a user writes in `vigil.config.ts`. */
export type VigilConfigInput = z.input<typeof configInputSchema>;
