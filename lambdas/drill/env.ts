/**
 * The drill function's environment, set by the stack. Each getter reads its variable when called and
 * throws a {@link DrillEnvError} naming it when it is unset.
 */
import type { Severity } from '../../lib/config/index.ts';

/** A variable the stack should have set is missing. */
export class DrillEnvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DrillEnvError';
  }
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new DrillEnvError(`${name} is not set; the stack sets it on the drill function`);
  return value;
}

/** Getters for every variable the drill function reads. */
export const drillEnv = {
  /** `NOTIFY_TOPIC_P1`..`NOTIFY_TOPIC_P4`: the readable-pages topic of a severity (the pager's). */
  notifyTopic: (severity: Severity): string => required(`NOTIFY_TOPIC_${severity}`),
  /** `AWS_REGION` (set by Lambda): for the console links in pages. */
  region: (): string => required('AWS_REGION'),
};

/** The getters' shape, so tests and the orchestration can take their own. */
export type DrillEnv = typeof drillEnv;
