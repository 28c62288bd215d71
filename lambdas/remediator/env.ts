/**
 * The remediator's environment, set by the stack. Each getter reads its variable when called and
 * throws a {@link RemediatorEnvError} naming it when it is unset.
 */
import type { Severity } from '../../lib/config/monitor-schema.ts';

/** A variable the stack should have set is missing. */
export class RemediatorEnvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RemediatorEnvError';
  }
}

function required(name: string): string {
  const value = process.env[name];
  if (!value)
    throw new RemediatorEnvError(`${name} is not set; the stack sets it on the remediator function`);
  return value;
}

/** Getters for every variable the remediator reads. */
export const remediatorEnv = {
  /** `VIGIL_PROJECT`: the project, prefix of its documents, alarms and mute rules. */
  project: (): string => required('VIGIL_PROJECT'),

  /** `NOTIFY_TOPIC_P1`..`NOTIFY_TOPIC_P4`: the readable-pages topic of a severity (the pager's). */
  notifyTopic: (severity: Severity): string => required(`NOTIFY_TOPIC_${severity}`),

  /** `AWS_REGION` (set by Lambda): for execution links. */
  region: (): string => required('AWS_REGION'),
};

/** The getters' shape, so tests and the orchestration can take their own. */
export type RemediatorEnv = typeof remediatorEnv;
