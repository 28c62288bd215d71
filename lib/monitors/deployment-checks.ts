/**
 * What a config must also satisfy to deploy, beyond its schema: limits of EventBridge Scheduler and
 * CloudWatch that only show once a schedule becomes an alarm period and a monitor becomes a
 * payload. Checked at synth so `cdk synth` fails with the path and the fix, not `cdk deploy`
 * half-way through a stack update.
 */
import { ConfigError, type ConfigIssue, toCanaryEvent, type VigilConfig } from '../config/index.ts';
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
