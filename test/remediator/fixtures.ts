/**
 * Remediations of the runbooks' systems, as the config resolves them: MAdef's compose restart then
 * previous-release rollback, an ECS service restart then rollback, and a Lambda alias rollback.
 */
import { DEFAULT_GUARDRAILS, type Remediation } from '../../lib/remediation/model.ts';

export const PROJECT = 'ops';

/** MAdef: `docker compose restart app` in /opt/madef, then roll back to the previous git tag. */
export const madef: Remediation = {
  ...DEFAULT_GUARDRAILS,
  monitor: 'madef-api-health',
  service: 'madef',
  alarmName: 'vigil-ops-madef-api-health',
  severity: 'P2',
  runbook: 'https://github.com/acme/ops/blob/main/runbooks/madef-home-care.md',
  dryRun: false,
  steps: [
    {
      action: 'compose-restart',
      instances: ['i-0abc1234def567890'],
      directory: '/opt/madef',
      services: ['app'],
      compose: 'v2',
      healthyTimeoutSeconds: 120,
    },
    {
      action: 'compose-rollback',
      instances: ['i-0abc1234def567890'],
      directory: '/opt/madef',
      services: ['app'],
      compose: 'v2',
      healthyTimeoutSeconds: 120,
      release: { kind: 'git', ref: 'tag' },
    },
  ],
};

/** An ECS API: force a new deployment, then roll back to the previous task definition revision. */
export const api: Remediation = {
  ...DEFAULT_GUARDRAILS,
  monitor: 'shop-api',
  service: 'shop',
  alarmName: 'vigil-ops-shop-api',
  severity: 'P1',
  dryRun: false,
  steps: [
    { action: 'ecs-restart', cluster: 'prod', service: 'api' },
    { action: 'ecs-rollback', cluster: 'prod', service: 'api' },
  ],
};

/** A Lambda alias rolled back to its previous version (one rung). */
export const checkout: Remediation = {
  ...DEFAULT_GUARDRAILS,
  monitor: 'checkout',
  service: 'shop',
  alarmName: 'vigil-ops-checkout',
  severity: 'P3',
  dryRun: false,
  steps: [{ action: 'lambda-rollback', functionName: 'checkout', alias: 'live' }],
};

/** The tag key of MAdef's host, as executions carry it. */
export const MADEF_TARGET_KEY = 'vigil:target:host/i-0abc1234def567890/opt/madef';
