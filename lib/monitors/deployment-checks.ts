/**
 * What a config must also satisfy to deploy, beyond its schema: limits of EventBridge Scheduler and
 * CloudWatch that only show once a schedule becomes an alarm period and a monitor becomes a
 * payload. Checked at synth so `cdk synth` fails with the path and the fix, not `cdk deploy`
 * half-way through a stack update.
 */
import { ConfigError, type ConfigIssue, toCanaryEvent, type VigilConfig } from '../config/index.ts';
import {
  heartbeatAlarmName,
  monitorAlarmName,
  muteRuleName,
  serviceAlarmName,
  serviceDependenciesAlarmName,
  servicePageAlarmName,
  VIGIL_SERVICE,
  watcherAlarmName,
} from '../naming.ts';
import { queueAspects, VIGIL_WATCHERS } from '../paging/catalog.ts';
import { IncidentPlan } from '../paging/incident-plan.ts';
import {
  alarmPeriodSeconds,
  maxEvaluationRangeSeconds,
  SCHEDULER_MAX_INPUT_BYTES,
  UnsupportedScheduleError,
} from './alarm-timing.ts';

/** Every deployment problem of the config's enabled monitors (disabled ones deploy nothing). */
export function deploymentIssues(config: VigilConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  config.monitors.forEach((monitor, i) => {
    if (!monitor.enabled) return;
    const at = `monitors[${i}]`;

    let period: number | undefined;
    try {
      period = alarmPeriodSeconds(monitor.schedule);
    } catch (error) {
      if (!(error instanceof UnsupportedScheduleError)) throw error;
      issues.push({ path: `${at}.schedule`, message: error.message });
    }
    if (period !== undefined) {
      const range = period * monitor.alarm.evaluationPeriods;
      const max = maxEvaluationRangeSeconds(period);
      if (range > max) {
        issues.push({
          path: `${at}.alarm.evaluationPeriods`,
          message: `${monitor.alarm.evaluationPeriods} periods of ${period} s (${monitor.schedule}) is ${range} s; CloudWatch evaluates at most ${max} s for this period, so use at most ${Math.floor(max / period)} evaluation periods or a shorter schedule`,
        });
      }
    }

    const bytes = Buffer.byteLength(JSON.stringify(toCanaryEvent(monitor)), 'utf8');
    if (bytes > SCHEDULER_MAX_INPUT_BYTES) {
      issues.push({
        path: at,
        message: `"${monitor.name}" is ${bytes} bytes as a schedule payload; EventBridge Scheduler accepts at most ${SCHEDULER_MAX_INPUT_BYTES}, so shorten its body or assertions`,
      });
    }
  });
  // Names are only worth comparing once every schedule can become an alarm period.
  if (issues.length === 0) issues.push(...nameIssues(config));
  return issues;
}

/**
 * Names the stack would create twice: CloudFormation would fail half-way through the deploy.
 * Alarm names are made from config names, so `monitors: [{ name: 'service-api' }]` and a grouped
 * service `api` would both make `vigil-<project>-service-api`; `vigil` is the built-in service of
 * Vigil's own alarms.
 */
function nameIssues(config: VigilConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const { project } = config;
  const declared = config.services.find((s) => s.name === VIGIL_SERVICE);
  if (declared) {
    const i = config.monitors.findIndex((m) => m.service === VIGIL_SERVICE);
    issues.push({
      path: i >= 0 ? `monitors[${i}].service` : `services.${VIGIL_SERVICE}`,
      message: `"${VIGIL_SERVICE}" is the built-in service of Vigil's own alarms; name the service something else`,
    });
  }

  const owners = new Map<string, string>();
  const claim = (name: string, path: string, what: string) => {
    const first = owners.get(name);
    if (first === undefined) owners.set(name, path);
    else {
      issues.push({
        path,
        message: `${what} would be named ${name}, which ${first} already uses; rename one of them`,
      });
    }
  };
  config.monitors.forEach((m, i) => {
    if (!m.enabled) return;
    claim(monitorAlarmName(project, m.name), `monitors[${i}].name`, `the alarm of "${m.name}"`);
    for (const a of queueAspects(m)) {
      claim(
        monitorAlarmName(project, m.name, a.aspect),
        `monitors[${i}].name`,
        `the ${a.aspect} alarm of "${m.name}"`,
      );
    }
  });
  const plan = IncidentPlan.of(config);
  for (const service of plan.services) {
    if (!plan.isGrouped(service)) continue;
    const at = `services.${service}`;
    claim(serviceAlarmName(project, service), at, `the health composite of service "${service}"`);
    for (const severity of plan.severities(service)) {
      claim(
        servicePageAlarmName(project, service, severity),
        at,
        `the ${severity} composite of "${service}"`,
      );
    }
    if (plan.dependencies(service).length > 1) {
      claim(serviceDependenciesAlarmName(project, service), at, `the dependencies composite of "${service}"`);
    }
  }
  for (const watcher of Object.keys(VIGIL_WATCHERS)) {
    claim(watcherAlarmName(project, watcher), `(built-in ${watcher} alarm)`, `the built-in ${watcher} alarm`);
  }
  if (config.heartbeat) claim(heartbeatAlarmName(project), 'heartbeat', 'the heartbeat alarm');

  const rules = new Map<string, number>();
  config.maintenance.forEach((w, i) => {
    const first = rules.get(w.name);
    if (first === undefined) rules.set(w.name, i);
    else {
      issues.push({
        path: `maintenance[${i}].name`,
        message: `"${w.name}" is already the name of maintenance[${first}]; its mute rule would be ${muteRuleName(project, w.name)} twice, so rename one`,
      });
    }
  });
  return issues;
}

/**
 * Throws a {@link ConfigError} listing every {@link deploymentIssues} problem, path first.
 * @param source the config file, named at the start of the message
 */
export function assertDeployable(config: VigilConfig, source?: string): void {
  const issues = deploymentIssues(config);
  if (issues.length > 0) throw new ConfigError(issues, source);
}
