/**
 * The pager's environment, set by the stack. Each getter reads its variable when called and throws
 * a {@link PagerEnvError} naming it when it is unset, so a missing variable fails the one page that
 * needs it with a message that says what to set.
 */
import type { Severity } from '../../lib/config/schema.ts';

/** A variable the stack should have set is missing or malformed. */
export class PagerEnvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PagerEnvError';
  }
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new PagerEnvError(`${name} is not set; the stack sets it on the pager function`);
  return value;
}

/** The default minutes between sweeps (the Scheduler rate the stack uses). */
export const DEFAULT_SWEEP_MINUTES = 15;

/** Getters for every variable the pager reads. */
export const pagerEnv = {
  /** `VIGIL_PROJECT`: the project, prefix of its alarm and mute rule names. */
  project: (): string => required('VIGIL_PROJECT'),

  /** `NOTIFY_TOPIC_P1`..`NOTIFY_TOPIC_P4`: ARN of the readable-pages topic of a severity. */
  notifyTopic: (severity: Severity): string => required(`NOTIFY_TOPIC_${severity}`),

  /** `CANARY_LOG_GROUP`: the canary's log group, read for the last check results. */
  canaryLogGroup: (): string => required('CANARY_LOG_GROUP'),

  /** `SWEEP_MINUTES`: minutes between sweeps; must match the sweep schedule. @default 15 */
  sweepMinutes: (): number => {
    const raw = process.env.SWEEP_MINUTES;
    if (raw === undefined || raw === '') return DEFAULT_SWEEP_MINUTES;
    const minutes = Number(raw);
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > 1440) {
      throw new PagerEnvError(`SWEEP_MINUTES is ${JSON.stringify(raw)}; set whole minutes from 1 to 1440`);
    }
    return minutes;
  },

  /**
   * `DASHBOARD_URL_TEMPLATE` with `{service}` replaced, e.g.
   * `https://console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards/dashboard/vigil-acme-{service}`.
   */
  dashboardUrl: (service: string): string =>
    required('DASHBOARD_URL_TEMPLATE').replaceAll('{service}', encodeURIComponent(service)),
};

/** The getters' shape, so tests and the orchestration can take their own. */
export type PagerEnv = typeof pagerEnv;
