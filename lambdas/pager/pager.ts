/**
 * The pager's work for each event, with its clients, environment, catalog and clock passed in:
 * - an alarm notification (SNS from the raw alarm topics) becomes a readable page on the notify
 *   topic of its severity, with the failing monitors' last checks and their states;
 * - a sweep sends reminders and the pages mute windows held;
 * - a heartbeat sets the heartbeat alarm to ALARM, so its page travels the whole path.
 *
 * What enriches a page (last checks, sibling states, alarm history, dashboard link) is read
 * best-effort: a page never waits on its decorations. Publishing is not: a page that cannot be
 * published fails the invocation, so Lambda retries it and then sends it to the on-failure
 * destination.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { DescribeAlarmsCommandInput } from '@aws-sdk/client-cloudwatch';
import { heartbeatAlarmName, muteRuleName, projectPrefix } from '../../lib/naming.ts';
import type { PagerCatalog } from '../../lib/paging/catalog.ts';
import type { AwsClients } from '../shared/aws.ts';
import { publishPage } from '../shared/publish-page.ts';
import { pageCompositeOf, serviceSiblings } from './catalog.ts';
import type { PagerEnv } from './env.ts';
import {
  type AlarmFacts,
  alarmNotificationSchema,
  factsFromDescribed,
  factsFromNotification,
  type PagerEvent,
} from './events.ts';
import { type FailingMonitor, formatPage, type Page, type PageRequest } from './format.ts';
import { escalatedFrom, failingMonitors, lastWentToAlarm } from './incident.ts';
import { readFailedChecks, readLastChecks } from './last-check.ts';
import { type MuteRule, planSweep, sweepInterval } from './sweep.ts';

/** Everything the pager uses from outside. */
export interface PagerDeps {
  readonly aws: Pick<AwsClients, 'sns' | 'cloudwatch' | 'logs'>;
  readonly env: PagerEnv;
  readonly catalog: () => PagerCatalog;
  readonly now: () => Date;
  readonly logger: Pick<Logger, 'info' | 'warn' | 'error'>;
}

/** A page as published. */
export interface PublishedPage extends Page {
  readonly alarm: string;
  readonly topicArn: string;
}

/** What one invocation did. */
export interface PagerResult {
  readonly published: readonly PublishedPage[];
  /** Alarms that did not page, and why (not in the catalog, INSUFFICIENT_DATA...). */
  readonly skipped: readonly { readonly alarm: string; readonly why: string }[];
}

/** One or more pages could not be published; `cause` holds each error. */
export class PageDeliveryError extends Error {
  constructor(message: string, options: { cause: unknown }) {
    super(message, options);
    this.name = 'PageDeliveryError';
  }
}

/** Runs the pager for a parsed event. */
export function runPager(event: PagerEvent, deps: PagerDeps): Promise<PagerResult> {
  if ('Records' in event)
    return onNotifications(
      event.Records.map((r) => r.Sns.Message),
      deps,
    );
  return event.kind === 'sweep' ? sweep(deps) : heartbeat(deps);
}

// ---------------------------------------------------------------------------------------------
// Alarm notifications
// ---------------------------------------------------------------------------------------------

async function onNotifications(messages: readonly string[], deps: PagerDeps): Promise<PagerResult> {
  const published: PublishedPage[] = [];
  const skipped: { alarm: string; why: string }[] = [];
  for (const message of messages) {
    // A message that is not an alarm is a wiring mistake (a test publish, a wrong subscription):
    // fail loudly rather than page nonsense.
    const facts = factsFromNotification(alarmNotificationSchema.parse(JSON.parse(message)));
    const request = await notificationRequest(facts, deps);
    if ('why' in request) {
      deps.logger.info('alarm notification not paged', { alarm: facts.name, why: request.why });
      skipped.push({ alarm: facts.name, why: request.why });
      continue;
    }
    published.push(await publish(request, deps));
  }
  return { published, skipped };
}

/**
 * A member alarm under a deployed paging composite reaches the pager only if the stack gave it
 * actions too; the composite's page is the incident's one page, so the member's is dropped.
 */
const COMPOSITE_PAGES = 'its service composite pages for it';

async function notificationRequest(
  facts: AlarmFacts,
  deps: PagerDeps,
): Promise<PageRequest | { why: string }> {
  const catalog = deps.catalog();
  const entry = catalog.alarms[facts.name];
  if (!entry) return { why: 'not in the pager catalog' };
  if (facts.state === 'INSUFFICIENT_DATA') return { why: 'INSUFFICIENT_DATA does not page' };

  if (entry.type === 'heartbeat') {
    // The heartbeat returns to OK by itself after each beat; only the beat is a page.
    return facts.state === 'ALARM' ? { state: 'HEARTBEAT', alarm: facts } : { why: 'heartbeat back to OK' };
  }

  if (facts.state === 'OK') {
    // OK after INSUFFICIENT_DATA (a new alarm, a canary back after a deploy) ends no incident.
    if (facts.previousState !== 'ALARM') {
      return { why: `OK after ${facts.previousState ?? 'unknown'} is not a recovery` };
    }
    const composite = pageCompositeOf(catalog, facts.name);
    if (composite && (await describeNamed([composite], deps)).length > 0) return { why: COMPOSITE_PAGES };
    const alarmSince = await wentToAlarm(facts, deps);
    return { state: 'OK', alarm: facts, ...(alarmSince && { alarmSince }) };
  }

  if (entry.grouped)
    return { state: 'ALARM', alarm: facts, failing: await groupedFailing(entry.service, deps) };

  const siblings = await describeNamed(serviceSiblings(catalog, facts.name), deps);
  const composite = pageCompositeOf(catalog, facts.name);
  if (composite && siblings.some((a) => a.name === composite)) return { why: COMPOSITE_PAGES };
  const monitors = failingMonitors(catalog, facts, siblings).map((f) => f.monitor);
  const lastChecks = await lastChecksOf(monitors, deps);
  const escalation = escalatedFrom(catalog, entry.severity, siblings);
  return {
    state: 'ALARM',
    alarm: facts,
    failing: failingMonitors(catalog, facts, siblings, lastChecks),
    ...(escalation && { escalatedFrom: escalation }),
  };
}

/** When a recovered alarm had gone to ALARM, from its history; undefined when it cannot be read. */
async function wentToAlarm(facts: AlarmFacts, deps: PagerDeps): Promise<Date | undefined> {
  try {
    const { sdk, client } = await deps.aws.cloudwatch();
    const out = await client.send(
      new sdk.DescribeAlarmHistoryCommand({
        AlarmName: facts.name,
        // Like DescribeAlarms, it answers for metric alarms only unless told otherwise.
        AlarmTypes: ['CompositeAlarm', 'MetricAlarm'],
        HistoryItemType: 'StateUpdate',
        ScanBy: 'TimestampDescending',
        MaxRecords: 10,
      }),
    );
    return lastWentToAlarm(out.AlarmHistoryItems ?? [], facts.since);
  } catch (error) {
    deps.logger.warn('could not read the alarm history; the recovery page will not say how long it lasted', {
      alarm: facts.name,
      error: message(error),
    });
    return undefined;
  }
}

/** The states of named alarms (metric and composite); [] when they cannot be read. */
async function describeNamed(names: readonly string[], deps: PagerDeps): Promise<AlarmFacts[]> {
  const found: AlarmFacts[] = [];
  try {
    // DescribeAlarms takes at most 100 names.
    for (let i = 0; i < names.length; i += 100) {
      found.push(...(await describeAlarms({ AlarmNames: names.slice(i, i + 100) }, deps)));
    }
  } catch (error) {
    deps.logger.warn("could not read the service's alarm states; paging without them", {
      alarms: names,
      error: message(error),
    });
    return [];
  }
  return found;
}

/** DescribeAlarms, every page, metric and composite alarms alike. */
async function describeAlarms(input: DescribeAlarmsCommandInput, deps: PagerDeps): Promise<AlarmFacts[]> {
  const { sdk, client } = await deps.aws.cloudwatch();
  const found: AlarmFacts[] = [];
  let NextToken: string | undefined;
  do {
    const out = await client.send(
      new sdk.DescribeAlarmsCommand({
        ...input,
        // Without AlarmTypes, DescribeAlarms returns metric alarms only.
        AlarmTypes: ['CompositeAlarm', 'MetricAlarm'],
        ...(NextToken && { NextToken }),
      }),
    );
    for (const a of out.MetricAlarms ?? []) found.push(factsFromDescribed(a, false));
    for (const a of out.CompositeAlarms ?? []) found.push(factsFromDescribed(a, true));
    NextToken = out.NextToken;
  } while (NextToken);
  return found;
}

/**
 * The failing monitors of a grouped-tier service, from its failed checks in the canary log (its one
 * metric does not say which monitor failed), in the service's monitor order.
 */
async function groupedFailing(service: string, deps: PagerDeps): Promise<FailingMonitor[]> {
  let logGroup: string;
  try {
    logGroup = deps.env.canaryLogGroup();
  } catch (error) {
    deps.logger.error('paging without the failed checks', { error: message(error) });
    return [];
  }
  const checks = await readFailedChecks(deps.aws.logs, logGroup, service, deps.now(), deps.logger);
  const order = deps.catalog().services[service]?.monitors ?? [];
  const rank = (name: string) => (order.includes(name) ? order.indexOf(name) : order.length);
  return [...checks]
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([monitor, lastCheck]) => ({ monitor, alarms: [], lastCheck }));
}

async function lastChecksOf(monitors: readonly string[], deps: PagerDeps) {
  let logGroup: string;
  try {
    logGroup = deps.env.canaryLogGroup();
  } catch (error) {
    deps.logger.error('paging without the last check results', { error: message(error) });
    return new Map();
  }
  return readLastChecks(deps.aws.logs, logGroup, [...new Set(monitors)], deps.now(), deps.logger);
}

// ---------------------------------------------------------------------------------------------
// Sweep: reminders and pages held by mute windows
// ---------------------------------------------------------------------------------------------

async function sweep(deps: PagerDeps): Promise<PagerResult> {
  const catalog = deps.catalog();
  const project = deps.env.project();
  const interval = sweepInterval(deps.now(), deps.env.sweepMinutes());
  const alarms = await describeAlarms({ StateValue: 'ALARM', AlarmNamePrefix: projectPrefix(project) }, deps);
  if (alarms.length === 0) return { published: [], skipped: [] };

  const rules = await muteRules(project, deps);
  const plan = planSweep(catalog, alarms, rules, interval);
  for (const { rule, error } of plan.unreadableRules) {
    deps.logger.error('mute rule schedule not understood; its held pages are not sent', { rule, error });
  }

  const due = [...plan.held.map((h) => h.alarm), ...plan.reminders];
  if (due.length === 0) return { published: [], skipped: [] };
  // One read of the canary logs for every page of this sweep.
  const lastChecks = await lastChecksOf(
    due.flatMap((alarm) => failingMonitors(catalog, alarm, alarms).map((f) => f.monitor)),
    deps,
  );
  const grouped = new Map<string, FailingMonitor[]>();
  for (const alarm of due) {
    const entry = catalog.alarms[alarm.name];
    if (entry?.grouped && !grouped.has(alarm.name)) {
      grouped.set(alarm.name, await groupedFailing(entry.service, deps));
    }
  }
  const failing = (alarm: AlarmFacts) =>
    grouped.get(alarm.name) ?? failingMonitors(catalog, alarm, alarms, lastChecks);
  const requests: PageRequest[] = [
    ...plan.held.map((h) => ({
      state: 'ALARM' as const,
      alarm: h.alarm,
      failing: failing(h.alarm),
      heldBy: h.heldBy,
    })),
    ...plan.reminders.map((alarm) => ({ state: 'REMINDER' as const, alarm, failing: failing(alarm) })),
  ];

  const published: PublishedPage[] = [];
  const errors: unknown[] = [];
  for (const request of requests) {
    try {
      published.push(await publish(request, deps));
    } catch (error) {
      deps.logger.error('page not published', {
        alarm: request.alarm.name,
        state: request.state,
        error: message(error),
      });
      errors.push(error);
    }
  }
  if (errors.length > 0) {
    throw new PageDeliveryError(`${errors.length} of ${requests.length} sweep pages could not be published`, {
      cause: errors,
    });
  }
  return { published, skipped: [] };
}

/**
 * The project's mute rules (`vigil-<project>-mute-*`: maintenance windows and `vigil mute`) with
 * their schedules and targets. A rule that cannot be read is skipped; when none can be listed, [] .
 * Reminders still go then, but a window that closed in this interval is not seen again by the next
 * (stateless) sweep, so its held pages are lost: hence errors, not warnings.
 */
async function muteRules(project: string, deps: PagerDeps): Promise<MuteRule[]> {
  const prefix = muteRuleName(project, '');
  const names: string[] = [];
  let cw: Awaited<ReturnType<PagerDeps['aws']['cloudwatch']>>;
  try {
    cw = await deps.aws.cloudwatch();
    let NextToken: string | undefined;
    do {
      const out = await cw.client.send(
        new cw.sdk.ListAlarmMuteRulesCommand({ ...(NextToken && { NextToken }) }),
      );
      for (const summary of out.AlarmMuteRuleSummaries ?? []) {
        const name = ruleNameFromArn(summary.AlarmMuteRuleArn ?? '');
        if (name.startsWith(prefix)) names.push(name);
      }
      NextToken = out.NextToken;
    } while (NextToken);
  } catch (error) {
    deps.logger.error('could not list the mute rules; pages held by a window that just closed are not sent', {
      error: message(error),
    });
    return [];
  }
  const rules: MuteRule[] = [];
  for (const name of names) {
    try {
      const rule = await cw.client.send(new cw.sdk.GetAlarmMuteRuleCommand({ AlarmMuteRuleName: name }));
      const schedule = rule.Rule?.Schedule;
      if (!schedule?.Expression || !schedule.Duration) continue;
      rules.push({
        name: rule.Name ?? name,
        schedule: {
          expression: schedule.Expression,
          duration: schedule.Duration,
          ...(schedule.Timezone && { timezone: schedule.Timezone }),
        },
        alarmNames: rule.MuteTargets?.AlarmNames ?? [],
      });
    } catch (error) {
      deps.logger.error('could not read a mute rule; pages it held are not sent', {
        rule: name,
        error: message(error),
      });
    }
  }
  return rules;
}

/** `arn:aws:cloudwatch:eu-west-1:123456789012:alarm-mute-rule:vigil-acme-mute-sunday` → the name. */
export function ruleNameFromArn(arn: string): string {
  const resource = arn.split(':').slice(5).join(':');
  const at = resource.search(/[:/]/);
  return at < 0 ? resource : resource.slice(at + 1);
}

// ---------------------------------------------------------------------------------------------
// Heartbeat
// ---------------------------------------------------------------------------------------------

async function heartbeat(deps: PagerDeps): Promise<PagerResult> {
  const alarm = heartbeatAlarmName(deps.env.project());
  const { sdk, client } = await deps.aws.cloudwatch();
  await client.send(
    new sdk.SetAlarmStateCommand({
      AlarmName: alarm,
      StateValue: 'ALARM',
      StateReason: `Vigil heartbeat at ${deps.now().toISOString()}: testing the paging path (alarm -> SNS -> pager -> notify topic)`,
    }),
  );
  deps.logger.info('heartbeat alarm set to ALARM', { alarm });
  return { published: [], skipped: [] };
}

// ---------------------------------------------------------------------------------------------
// Publishing
// ---------------------------------------------------------------------------------------------

async function publish(request: PageRequest, deps: PagerDeps): Promise<PublishedPage> {
  const catalog = deps.catalog();
  const service = catalog.alarms[request.alarm.name]?.service ?? '';
  const dashboardUrl = dashboardOf(catalog, service, deps);
  const page = formatPage(request, { catalog, now: deps.now(), ...(dashboardUrl && { dashboardUrl }) });
  const topicArn = deps.env.notifyTopic(page.severity);
  await publishPage(deps.aws.sns, topicArn, page);
  deps.logger.info('page published', {
    alarm: request.alarm.name,
    incidentKey: page.incidentKey,
    severity: page.severity,
    state: page.state,
    topicArn,
  });
  return { ...page, alarm: request.alarm.name, topicArn };
}

function dashboardOf(catalog: PagerCatalog, service: string, deps: PagerDeps): string | undefined {
  const own = catalog.services[service]?.dashboard;
  if (own) return own;
  try {
    return deps.env.dashboardUrl(service);
  } catch (error) {
    deps.logger.error('paging without a dashboard link', { error: message(error) });
    return undefined;
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
