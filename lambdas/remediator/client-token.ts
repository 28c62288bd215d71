/**
 * The `ClientToken` of a StartAutomationExecution: SSM takes a UUID it never accepts twice, so a
 * token derived from the alarm event makes a duplicate delivery (CloudWatch retries, Lambda's own
 * retries of an async invocation, a second EventBridge event) start nothing new. It is a name-based
 * UUID (RFC 9562 version 5: SHA-1 of a namespace and a name) of the alarm's ARN, the timestamp of
 * the alarm state that started the remediation, and the rung: the same alarm episode and rung give
 * the same token, a new episode or the next rung a new one.
 */
import { createHash } from 'node:crypto';

/** Vigil's namespace for remediation tokens (a fixed random UUID; changing it changes every token). */
export const REMEDIATION_TOKEN_NAMESPACE = '5b0c7b9e-3f0e-4b8e-9c47-0e6f2d1a8c35';

/** An RFC 9562 version-5 UUID of `name` in `namespace` (itself a UUID). */
export function uuidV5(namespace: string, name: string): string {
  const ns = Buffer.from(namespace.replaceAll('-', ''), 'hex');
  if (ns.length !== 16) throw new Error(`namespace ${namespace} is not a UUID`);
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50; // version 5
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80; // RFC variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The token of one rung of one alarm episode. `stateTimestamp` is the alarm state's own timestamp
 * (the Lambda action's `alarmData.state.timestamp`, or DescribeAlarms' StateTransitionedTimestamp),
 * taken as CloudWatch wrote it, so the alarm action and the outcome handler derive the same token.
 */
export function remediationClientToken(alarmArn: string, stateTimestamp: string, rung: number): string {
  return uuidV5(REMEDIATION_TOKEN_NAMESPACE, `${alarmArn}\n${stateTimestamp}\n${rung}`);
}

/**
 * The error SSM answers when a ClientToken was already used (the docs: "Error returned when an
 * idempotent operation is retried and the parameters don't match the original call to the API with
 * the same idempotency token"). For a token derived from the event, that is this very remediation,
 * already started by an earlier delivery: not a failure.
 */
export const TOKEN_ALREADY_USED_ERROR = 'IdempotentParameterMismatch';

/** True when `error` says the token was already used. */
export function isTokenAlreadyUsed(error: unknown): boolean {
  return error instanceof Error && error.name === TOKEN_ALREADY_USED_ERROR;
}
