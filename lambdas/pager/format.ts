/**
 * Pages a person can act on: from an alarm's state, the catalog and the failing monitors' last check
 * results, the text of one page: an SMS line (at most 140 ASCII characters), an email subject (under
 * 100, SNS's limit) and an email that says what failed, against which threshold, since when, why
 * (the last check's reason code and detail), where the runbook and the dashboard are, and the
 * incident key a pager de-duplicates on. Pure and deterministic: same input, same text.
 */
import type { Severity } from '../../lib/config/schema.ts';
import type { PagerCatalog } from '../../lib/paging/catalog.ts';
import { incidentKeyOf } from './catalog.ts';
import type { AlarmFacts } from './events.ts';

/** What a page reports: a new or escalated incident, its recovery, a reminder, or the heartbeat. */
export type PageState = 'ALARM' | 'OK' | 'REMINDER' | 'HEARTBEAT';

/** One page, ready to publish. */
export interface Page {
  /** `vigil/<project>/<service>`: the same on ALARM, REMINDER, escalation and OK. */
  readonly incidentKey: string;
  readonly severity: Severity;
  readonly state: PageState;
  /** Email subject: one ASCII line under 100 characters. */
  readonly subject: string;
  /** SMS text: one ASCII line of at most 140 characters. */
  readonly sms: string;
  /** The full text, for email. */
  readonly email: string;
}

/** Health of one component, as the canary logged it. */
export interface LastCheckComponent {
  readonly name: string;
  readonly state: string;
  readonly status: string;
  readonly latencyMs?: number;
  readonly detail?: string;
}

/** What a page reads of a check result (a `CheckResult` from lambdas/canary/checks/result.ts fits). */
export interface LastCheck {
  readonly ok: boolean;
  /** ISO time the check started. */
  readonly checkedAt: string;
  /** The reason code, when it failed. */
  readonly reason?: string;
  readonly detail?: string;
  readonly statusCode?: number;
  readonly latencyMs?: number;
  readonly components?: readonly LastCheckComponent[];
  readonly measurements?: Readonly<Record<string, number | undefined>>;
}

/** A monitor of the paging service that is failing: its alarms in ALARM and its last check. */
export interface FailingMonitor {
  readonly monitor: string;
  /** Its alarms in ALARM: the monitor's own, its aspects (queue warning, stalled...). */
  readonly alarms: readonly AlarmFacts[];
  /** The newest check result in the canary's logs; undefined when none was found. */
  readonly lastCheck?: LastCheck;
}

/** The maintenance window (or `vigil mute`) that held an alarm's first page. */
export interface HeldBy {
  /** The window's name: the mute rule's name without `vigil-<project>-mute-`. */
  readonly window: string;
  readonly start: Date;
  readonly end: Date;
}

/** What to page about. */
export type PageRequest =
  | {
      readonly state: 'ALARM';
      readonly alarm: AlarmFacts;
      readonly failing: readonly FailingMonitor[];
      /** A less urgent alarm of the same incident was already in ALARM. */
      readonly escalatedFrom?: Severity;
      /** Set for a page held by a mute window and sent when it closed. */
      readonly heldBy?: HeldBy;
    }
  | { readonly state: 'REMINDER'; readonly alarm: AlarmFacts; readonly failing: readonly FailingMonitor[] }
  | {
      readonly state: 'OK';
      /** The alarm in its new OK state (`since` is the recovery). */
      readonly alarm: AlarmFacts;
      /** When it had gone to ALARM, when known (alarm history). */
      readonly alarmSince?: Date;
    }
  | { readonly state: 'HEARTBEAT'; readonly alarm: AlarmFacts };

/** What a page needs besides the alarm. */
export interface FormatContext {
  readonly catalog: PagerCatalog;
  /** The service's dashboard; undefined when none is known. */
  readonly dashboardUrl?: string;
  /** Used for "for 4h" in reminders and held pages. */
  readonly now: Date;
}

/** SNS's SMS limit for ASCII text. */
export const SMS_MAX = 140;
/** SNS: "Subjects must be ... less than 100 characters long". */
export const SUBJECT_MAX = 99;

/** Formats one page. Throws when the alarm is not in the catalog (the caller filters those out). */
export function formatPage(request: PageRequest, ctx: FormatContext): Page {
  const { catalog } = ctx;
  const entry = catalog.alarms[request.alarm.name];
  if (!entry) throw new Error(`alarm ${request.alarm.name} is not in the pager catalog`);
  const line = headline(request, ctx);
  const full = line.full();
  return {
    incidentKey: incidentKeyOf(catalog, entry.service),
    severity: entry.severity,
    state: request.state,
    subject: line.fit(SUBJECT_MAX),
    sms: line.fit(SMS_MAX),
    email: `${[full, '', ...body(request, ctx)].join('\n')}\n`,
  };
}

// ---------------------------------------------------------------------------------------------
// Headline: subject and SMS
// ---------------------------------------------------------------------------------------------

interface Headline {
  /** The whole line, for the email's first line. */
  full(): string;
  /** The line in at most `max` ASCII characters (see {@link makeHeadline}). */
  fit(max: number): string;
}

/** Names are cut to no less than this (with "..."): still recognisable in a list of monitors. */
const MIN_NAME = 12;

/**
 * `<lead><service>: <names><tail>`, e.g. "P1 ALARM " "madef" "madef-api-health" " down (assertion_failed)".
 * To fit, the monitor names are cut first, then the service, each to {@link MIN_NAME}; the severity,
 * state and reason (the tail) go last, from the end.
 */
function makeHeadline(lead: string, service: string, names: string, tail: string): Headline {
  const [l, svc, n, t] = [lead, service, names, tail].map(ascii) as [string, string, string, string];
  const join = (s: string, m: string) => `${l}${s}: ${m}${t}`;
  return {
    full: () => join(svc, n),
    fit: (max) => {
      let over = join(svc, n).length - max;
      const cutNames = shorten(n, Math.max(MIN_NAME, n.length - Math.max(0, over)));
      over -= n.length - cutNames.length;
      const cutService = shorten(svc, Math.max(MIN_NAME, svc.length - Math.max(0, over)));
      const line = join(cutService, cutNames);
      return line.length <= max ? line : shorten(line, max);
    },
  };
}

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 3))}...`;
}

function headline(request: PageRequest, ctx: FormatContext): Headline {
  const { catalog } = ctx;
  const alarm = request.alarm;
  const entry = catalog.alarms[alarm.name];
  if (!entry) throw new Error(`alarm ${alarm.name} is not in the pager catalog`);
  const lead = `${entry.severity} ${request.state} `;
  if (request.state === 'HEARTBEAT') return makeHeadline(lead, catalog.project, 'paging path works', '');

  const subject =
    entry.type === 'service'
      ? undefined
      : entry.type === 'aspect'
        ? `${entry.monitor} ${entry.aspect}`
        : (entry.monitor ?? alarm.name);

  if (request.state === 'OK') {
    const lasted = request.alarmSince
      ? ` after ${duration(alarm.since.getTime() - request.alarmSince.getTime())}`
      : '';
    return makeHeadline(lead, entry.service, subject ?? 'service', ` recovered${lasted}`);
  }

  const names = subject ?? (failingNames(catalog, request.failing) || 'service');
  // An aspect names its own condition ("orders warning"); "down" is for a failing check.
  const checkFails =
    entry.type === 'monitor' ||
    (entry.type === 'service' &&
      (request.failing.length === 0 ||
        request.failing.some(
          (f) => f.alarms.length === 0 || f.alarms.some((a) => catalog.alarms[a.name]?.type === 'monitor'),
        )));
  const verb = checkFails ? ' down' : '';
  const held = request.state === 'ALARM' && request.heldBy;
  const when =
    request.state === 'REMINDER'
      ? ` for ${duration(ctx.now.getTime() - alarm.since.getTime())}`
      : held
        ? ' after maintenance'
        : '';
  const notes = [
    ...whyShort(catalog, request.failing, alarm),
    ...(request.state === 'ALARM' && request.escalatedFrom
      ? [`escalated from ${request.escalatedFrom}`]
      : []),
  ];
  const suffix = notes.length > 0 ? ` (${notes.join('; ')})` : '';
  return makeHeadline(lead, entry.service, names, `${verb}${when}${suffix}`);
}

/** "api, orders warning": failing monitors, an aspect named only when the monitor's own alarm is not failing. */
function failingNames(catalog: PagerCatalog, failing: readonly FailingMonitor[]): string {
  return failing
    .map((f) => {
      const kinds = f.alarms.map((a) => catalog.alarms[a.name]);
      if (kinds.length === 0 || kinds.some((k) => k?.type === 'monitor')) return f.monitor;
      const aspects = kinds.flatMap((k) => (k?.aspect ? [k.aspect] : []));
      return aspects.length > 0 ? `${f.monitor} ${aspects.join('+')}` : f.monitor;
    })
    .join(', ');
}

/** Reason codes of the failing checks; for an alarm no check failed (an aspect), what it observed. */
function whyShort(catalog: PagerCatalog, failing: readonly FailingMonitor[], alarm: AlarmFacts): string[] {
  const reasons = unique(
    failing.flatMap((f) =>
      f.lastCheck && !f.lastCheck.ok && f.lastCheck.reason ? [f.lastCheck.reason] : [],
    ),
  );
  if (reasons.length > 0) return [reasons.join(', ')];
  const entry = catalog.alarms[alarm.name];
  if (entry?.type === 'service') return [];
  const seen = observation(alarm);
  if (seen?.value === 'no data') return ['no data'];
  if (seen && entry?.type === 'aspect' && seen.value !== undefined && seen.threshold) {
    return [`${seen.metric} ${seen.value} ${seen.threshold}`];
  }
  return [];
}

// ---------------------------------------------------------------------------------------------
// Email
// ---------------------------------------------------------------------------------------------

function body(request: PageRequest, ctx: FormatContext): string[] {
  const { catalog } = ctx;
  const alarm = request.alarm;
  const entry = catalog.alarms[alarm.name];
  if (!entry) return [];
  const key = incidentKeyOf(catalog, entry.service);

  if (request.state === 'HEARTBEAT') {
    return [
      'Vigil heartbeat: paging path works.',
      'This page travelled alarm -> SNS -> pager -> notify topic. Nothing to do.',
      'If it stops arriving on schedule, pages are not reaching you: check the pager function and the topic subscriptions.',
      '',
      `Sent: ${time(alarm.since)}`,
      `Alarm: ${alarm.name}`,
      `Incident key: ${key}`,
    ];
  }

  const service = catalog.services[entry.service];
  const lines = [`Service: ${entry.service}${service?.description ? ` - ${service.description}` : ''}`];
  if (service && service.dependsOn.length > 0) lines.push(`Depends on: ${service.dependsOn.join(', ')}`);

  if (request.state === 'OK') {
    lines.push(`Severity: ${entry.severity}`, `Recovered: ${time(alarm.since)}`);
    lines.push(
      request.alarmSince
        ? `Lasted: ${duration(alarm.since.getTime() - request.alarmSince.getTime())} (in ALARM since ${time(request.alarmSince)})`
        : 'Lasted: unknown (the alarm history could not be read)',
    );
    const monitor = entry.monitor ? catalog.monitors[entry.monitor] : undefined;
    if (monitor) lines.push(`Checks: ${monitor.target}`);
    lines.push(
      '',
      `Alarm: ${alarm.name}`,
      `Reason: ${alarm.reason}`,
      `Dashboard: ${ctx.dashboardUrl ?? 'none'}`,
      `Incident key: ${key}`,
    );
    return lines;
  }

  lines.push(
    `Severity: ${entry.severity}${request.state === 'ALARM' && request.escalatedFrom ? `, escalated from ${request.escalatedFrom}` : ''}`,
  );
  const ago = ctx.now.getTime() - alarm.since.getTime();
  const held = request.state === 'ALARM' ? request.heldBy : undefined;
  lines.push(
    request.state === 'REMINDER' || held
      ? `In ALARM since: ${time(alarm.since)} (${duration(ago)} ago)`
      : `In ALARM since: ${time(alarm.since)}`,
  );
  if (held) {
    lines.push(
      `Held: breached during maintenance window ${held.window} (${time(held.start)} to ${time(held.end)}) and still breaching`,
    );
  }
  if (request.state === 'REMINDER') {
    lines.push('Reminder: still in ALARM; this page repeats until it recovers.');
  }

  lines.push('', 'What failed:');
  if (request.failing.length === 0) {
    lines.push(
      entry.grouped
        ? '- not known: no failed check of the service in the canary log of the last 15 minutes (a canary that stops reporting breaches too); see the dashboard'
        : "- not known: the states of the service's alarms could not be read; see the dashboard",
      '',
    );
  }
  for (const failing of request.failing) lines.push(...monitorBlock(catalog, failing), '');

  lines.push(
    `Alarm: ${alarm.name}`,
    `Reason: ${alarm.reason}`,
    `Dashboard: ${ctx.dashboardUrl ?? 'none'}`,
    remediationLine(catalog, entry.monitor, request.failing),
    `Incident key: ${key}`,
  );
  return lines;
}

/**
 * "Remediation: <ladder>" of the paging monitor, or of each failing monitor of a service page
 * ("api: restart ...; worker: restart ..."); "none configured" when none has one.
 */
function remediationLine(
  catalog: PagerCatalog,
  monitor: string | undefined,
  failing: readonly FailingMonitor[],
): string {
  const names = monitor ? [monitor] : unique(failing.map((f) => f.monitor));
  const ladders = names.flatMap((name) => {
    const ladder = catalog.monitors[name]?.remediation;
    return ladder ? [names.length > 1 ? `${name}: ${ladder}` : ladder] : [];
  });
  return `Remediation: ${ladders.length > 0 ? ladders.join('; ') : 'none configured'}`;
}

function monitorBlock(catalog: PagerCatalog, failing: FailingMonitor): string[] {
  const m = catalog.monitors[failing.monitor];
  const lines = [m ? `- ${m.name} (${m.kind}): ${m.target}` : `- ${failing.monitor}`];
  if (m?.description) lines.push(`  About: ${m.description}`);
  if (m) lines.push(`  Threshold: ${m.threshold}`);
  for (const alarm of failing.alarms) {
    const entry = catalog.alarms[alarm.name];
    const seen = observation(alarm);
    if (!seen) continue;
    const label = entry?.type === 'aspect' ? ` (${entry.aspect})` : '';
    const value =
      seen.value === 'no data'
        ? `no ${seen.metric} data`
        : seen.value === undefined
          ? 'see the alarm reason'
          : `${seen.metric} ${seen.value}`;
    lines.push(
      `  Observed${label}: ${value}${seen.threshold ? `, alarm threshold ${seen.threshold}` : ''}${seen.periods}`,
    );
  }
  lines.push(...lastCheckLines(failing.lastCheck));
  lines.push(
    m?.runbook
      ? `  Runbook: ${m.runbook}`
      : m?.kind === 'watcher'
        ? // Vigil's own watchers are not in the config; their description says what to do.
          '  Runbook: none (see About)'
        : `  Runbook: none linked (add runbook to monitor ${failing.monitor} in vigil.config.ts)`,
  );
  return lines;
}

function lastCheckLines(check: LastCheck | undefined): string[] {
  if (!check) return ["  Last check: none found in the canary's recent logs"];
  const at = Number.isNaN(Date.parse(check.checkedAt)) ? check.checkedAt : time(new Date(check.checkedAt));
  const lines = [
    check.ok ? `  Last check: passed at ${at}` : `  Last check: ${check.reason ?? 'failed'} at ${at}`,
  ];
  if (check.detail) lines.push(...indent(shorten(check.detail, 1000), '    '));
  if (check.statusCode !== undefined) {
    lines.push(
      `    HTTP ${check.statusCode}${check.latencyMs !== undefined ? ` in ${check.latencyMs} ms` : ''}`,
    );
  } else if (check.latencyMs !== undefined) {
    lines.push(`    Answered in ${check.latencyMs} ms`);
  }
  const measured = Object.entries(check.measurements ?? {}).filter(([, v]) => v !== undefined);
  if (measured.length > 0) lines.push(`    Measured: ${measured.map(([k, v]) => `${k} ${v}`).join(', ')}`);
  const components = check.components ?? [];
  if (components.length > 0) {
    const failing = components.filter((c) => c.state !== 'healthy');
    const healthy = components.filter((c) => c.state === 'healthy').map((c) => c.name);
    const parts = failing.map(
      (c) =>
        `${c.name}: ${c.status}${c.latencyMs !== undefined ? `, latency ${c.latencyMs} ms` : ''}${c.detail ? `, ${c.detail}` : ''}`,
    );
    if (healthy.length > 0) parts.push(`healthy: ${healthy.join(', ')}`);
    lines.push(`    Components: ${parts.join('; ')}`);
  }
  return lines;
}

// ---------------------------------------------------------------------------------------------
// Observed value against threshold, from the alarm's trigger and reason
// ---------------------------------------------------------------------------------------------

const OPERATORS: Readonly<Record<string, string>> = {
  GreaterThanThreshold: '>',
  GreaterThanOrEqualToThreshold: '>=',
  LessThanThreshold: '<',
  LessThanOrEqualToThreshold: '<=',
  LessThanLowerOrGreaterThanUpperThreshold: 'outside band',
  GreaterThanUpperThreshold: 'above band',
  LessThanLowerThreshold: 'below band',
};

interface Observation {
  readonly metric: string;
  /** The newest datapoint in the reason, "no data", or undefined when the reason names none. */
  readonly value?: string;
  /** "> 1000". */
  readonly threshold?: string;
  /** " (2 of 3 datapoints of 60 s)". */
  readonly periods: string;
}

/** What a metric alarm saw, read from its trigger and CloudWatch's reason; undefined for composites. */
function observation(alarm: AlarmFacts): Observation | undefined {
  const t = alarm.trigger;
  if (!t) return undefined;
  const op = t.comparisonOperator ? (OPERATORS[t.comparisonOperator] ?? t.comparisonOperator) : undefined;
  const periods =
    t.evaluationPeriods !== undefined
      ? ` (${t.datapointsToAlarm ?? t.evaluationPeriods} of ${t.evaluationPeriods} datapoints${t.periodSeconds !== undefined ? ` of ${t.periodSeconds} s` : ''})`
      : '';
  return {
    metric: t.metricName ?? 'value',
    ...definedValue(latestDatapoint(alarm.reason)),
    ...(op && t.threshold !== undefined ? { threshold: `${op} ${number(t.threshold)}` } : {}),
    periods,
  };
}

function definedValue(value: string | undefined): { value?: string } {
  return value === undefined ? {} : { value };
}

/**
 * The newest datapoint CloudWatch quotes in a reason ("... datapoints [1200.0 (01/03/26 10:20:00),
 * ...] was greater than ..."), or "no data" when it says none were received.
 */
export function latestDatapoint(reason: string): string | undefined {
  if (/no datapoints were received/i.test(reason)) return 'no data';
  const m = /\[\s*([-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)\s*\(/.exec(reason);
  return m?.[1] === undefined ? undefined : number(Number(m[1]));
}

// ---------------------------------------------------------------------------------------------
// Small text helpers
// ---------------------------------------------------------------------------------------------

/** 1200 for 1200.0, 0.25 for 0.25, at most 2 decimals. */
function number(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toFixed(2)));
}

/** "2026-03-01 10:02 UTC". */
export function time(d: Date): string {
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** "45s", "12m", "4h", "1h 5m", "2d 3h". */
export function duration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  if (total < 60) return `${total}s`;
  const minutes = Math.floor(total / 60);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 === 0 ? `${hours}h` : `${hours}h ${minutes % 60}m`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days}d` : `${days}d ${hours % 24}h`;
}

/**
 * Printable ASCII only: an SMS with one non-GSM character is sent as UCS-2, 70 characters a part
 * instead of 140; SNS rejects subjects with control characters.
 */
function ascii(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/[^\x20-\x7e]/g, '?');
}

function indent(text: string, prefix: string): string[] {
  return text.split(/\r?\n/).map((l) => `${prefix}${l}`);
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}
