/**
 * What a remediation is, once the config is resolved: an ordered ladder of actions bound to an
 * alarm, with guardrails. The config schema (lib/config) produces these; the documents
 * (lib/remediation/documents/), the remediator Lambda (lambdas/remediator/) and the constructs
 * consume them. One SSM Automation document per action kind; a config of 1,000 monitors adds
 * bindings (catalog entries and role resources), never documents.
 */
import type { SecretRef, Severity } from '../config/monitor-schema.ts';

/** Kinds of action, one SSM Automation document each. */
export const REMEDIATION_ACTIONS = [
  'ecs-restart',
  'ecs-rollback',
  'lambda-rollback',
  'ec2-reboot',
  'compose-restart',
  'compose-rollback',
  'container-restart',
  'container-rollback',
  'webhook',
] as const;
export type RemediationActionKind = (typeof REMEDIATION_ACTIONS)[number];

/** How a compose host or container finds its previous release. */
export type ReleaseSource =
  /** `git` in the directory: the previous tag (`git describe --tags --abbrev=0 HEAD^`) or `HEAD~1`. */
  | { readonly kind: 'git'; readonly ref: 'tag' | 'commit' }
  /**
   * An image tag: the previous line of a release log on the host (one tag per line, newest last,
   * appended by the deploy), written into `variable` of `envFile` (compose) or used to re-run the
   * container.
   */
  | {
      readonly kind: 'image-tag';
      readonly releaseLog: string;
      readonly envFile?: string;
      readonly variable?: string;
    };

/** One rung of the ladder: the action and the targets it acts on. */
export type RemediationStep =
  | { readonly action: 'ecs-restart'; readonly cluster: string; readonly service: string }
  | {
      readonly action: 'ecs-rollback';
      readonly cluster: string;
      readonly service: string;
      /** A named last-known-good `family:revision`; else the revision before the current one. */
      readonly taskDefinition?: string;
    }
  | { readonly action: 'lambda-rollback'; readonly functionName: string; readonly alias: string }
  | { readonly action: 'ec2-reboot'; readonly instances: readonly string[] }
  | {
      readonly action: 'compose-restart';
      readonly instances: readonly string[];
      readonly directory: string;
      /** Restarted in this order, each waited for until healthy (dependencies first: postgres, then app). */
      readonly services: readonly string[];
      /** `docker compose` (v2) or `docker-compose` (v1). */
      readonly compose: 'v2' | 'v1';
      /** Seconds to wait for each service to be healthy (or running, without a healthcheck). */
      readonly healthyTimeoutSeconds: number;
    }
  | {
      readonly action: 'compose-rollback';
      readonly instances: readonly string[];
      readonly directory: string;
      readonly services: readonly string[];
      readonly compose: 'v2' | 'v1';
      readonly healthyTimeoutSeconds: number;
      readonly release: ReleaseSource;
    }
  | {
      readonly action: 'container-restart';
      readonly instances: readonly string[];
      readonly container: string;
    }
  | {
      readonly action: 'container-rollback';
      readonly instances: readonly string[];
      readonly container: string;
      /** Image repository, e.g. `ghcr.io/acme/nutri-backend`. */
      readonly image: string;
      /** `docker run` arguments other than the image, e.g. `-d --name nutri-backend -p 8000:8000`. */
      readonly runArgs: string;
      readonly release: Extract<ReleaseSource, { kind: 'image-tag' }>;
    }
  | {
      readonly action: 'webhook';
      readonly url: string;
      readonly method: 'POST' | 'PUT' | 'PATCH' | 'GET' | 'DELETE';
      readonly body?: string;
      /** Sent as `Authorization: Bearer <token>`, read at run time. */
      readonly token?: SecretRef;
      /** Expected statuses; empty means any 2xx. */
      readonly expectStatus: readonly number[];
      /** True when the webhook rolls back (a deploy-aware ladder may jump to it). */
      readonly rollback: boolean;
    };

/** True for the actions that roll back rather than restart. */
export function isRollback(step: RemediationStep): boolean {
  return step.action === 'webhook' ? step.rollback : step.action.endsWith('-rollback');
}

/** Guardrails of a remediation. */
export interface RemediationGuardrails {
  /** Minutes after a run starts before another may start on the same target. @default 15 */
  readonly cooldownMinutes: number;
  /** Runs on one target in 24 h before Vigil stops and pages a person. @default 3 */
  readonly maxRunsPerDay: number;
  /** Seconds the verify step keeps re-checking health after the action. @default 180 */
  readonly settleSeconds: number;
  /**
   * Go straight to the first rollback rung when the target was deployed within this many minutes.
   * @default 30; 0 turns it off
   */
  readonly recentDeployMinutes: number;
}

export const DEFAULT_GUARDRAILS: RemediationGuardrails = {
  cooldownMinutes: 15,
  maxRunsPerDay: 3,
  settleSeconds: 180,
  recentDeployMinutes: 30,
};

/** A remediation bound to one alarm. */
export interface Remediation extends RemediationGuardrails {
  /** The monitor whose health the verify step re-checks (the canary's `{ verify }` payload). */
  readonly monitor: string;
  readonly service: string;
  /** The alarm whose change to ALARM starts it: the monitor's alarm or one aspect (`stalled`). */
  readonly alarmName: string;
  /** `undefined` for the monitor's own alarm, else the queue aspect (`stalled`, `warning`, ...). */
  readonly aspect?: string;
  /** The monitor's severity; an escalation pages one severity up. */
  readonly severity: Severity;
  readonly runbook?: string;
  /** The ladder, in order. */
  readonly steps: readonly RemediationStep[];
  /** Runs the whole ladder without acting: each document's action steps are skipped, verify still runs. */
  readonly dryRun: boolean;
}
