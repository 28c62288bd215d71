/**
 * What a user writes to make an alarm heal: a `remediate` block on a monitor (its own alarm, or one
 * queue aspect with `on: 'stalled'`) or on `services.<name>` (every monitor of the service), holding
 * an ordered ladder of actions and its guardrails. Resolved here into the model the documents, the
 * remediator and the constructs share (lib/remediation/model.ts), one {@link Remediation} per alarm.
 *
 * Only the config-level schema (./schema.ts) imports this module: the canary's monitor schema
 * (./monitor-schema.ts) never sees `remediate`, and a resolved `Monitor` does not carry it, so the
 * canary's bundle and its schedule payloads are unchanged. Written with `zod/mini` (ADR 0002).
 */
import * as z from 'zod/mini';
import { groupedServiceAlarmName, monitorAlarmName } from '../naming.ts';
import {
  DEFAULT_GUARDRAILS,
  type ReleaseSource,
  type Remediation,
  type RemediationGuardrails,
  type RemediationStep,
} from '../remediation/model.ts';
import {
  backupMonitorSchema,
  commandMonitorSchema,
  httpMonitorSchema,
  INSTANCE_ID,
  MONITOR_KINDS,
  type MonitorInput,
  queueMonitorSchema,
  secretRefSchema,
  type Tier,
} from './monitor-schema.ts';
import type { Monitor } from './resolve-monitor.ts';
import { fail, int, matching } from './schema-helpers.ts';

// ---------------------------------------------------------------------------------------------
// Targets
// ---------------------------------------------------------------------------------------------

/** Run Command sends one command to at most 50 instance IDs. */
export const MAX_REMEDIATION_INSTANCES = 50;

const instances = z
  .array(
    matching(
      INSTANCE_ID,
      'must be an EC2 instance ID ("i-0abc...") or the managed instance ID ("mi-0abc...") of a host registered with Systems Manager',
    ),
  )
  .check(
    z.minLength(
      1,
      'lists no instances, so the step would act on nothing; name the managed instances to act on, e.g. ["i-0123456789abcdef0"]',
    ),
    z.maxLength(
      MAX_REMEDIATION_INSTANCES,
      `lists more than ${MAX_REMEDIATION_INSTANCES} instances, Run Command's limit for one command; split the service`,
    ),
  );

/** A path put into a shell command: absolute, with nothing the shell would interpret. */
const hostPath = matching(
  /^\/[\w./@+-]*$/,
  'must be an absolute path of letters, digits and . _ - / @ + (no spaces, quotes or $), e.g. "/opt/madef"',
);
const composeService = matching(
  /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/,
  'must be a compose service name (letters, digits, _ . -), e.g. "app"',
);
const composeServices = z
  .array(composeService)
  .check(
    z.minLength(
      1,
      'names no compose services, so the step would act on nothing; list them in restart order, dependencies first, e.g. ["postgres", "app"]',
    ),
  );
const containerName = matching(
  /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/,
  'must be a container name as `docker ps` shows it (letters, digits, _ . -), e.g. "nutri-backend"',
);
const composeVersion = z.enum(['v1', 'v2'], {
  error: (i) => `expected "v2" (docker compose) or "v1" (docker-compose), got ${JSON.stringify(i.input)}`,
});
const healthyTimeoutSeconds = z
  .int()
  .check(
    z.gte(10, 'must be at least 10 s: a container needs time to start and pass its healthcheck'),
    z.lte(600, 'must be at most 600 s (10 minutes); a service slower than that to start needs a person'),
  );
const ecsName = matching(
  /^[A-Za-z0-9_-]{1,255}$/,
  'must be a name (letters, digits, _ -), not an ARN, e.g. "prod"; the stack builds the ARN in its own account and Region',
);

/** How a compose host or container finds the release before the current one. */
const releaseSchema = z.union(
  [
    z.strictObject({
      /** The previous tag (`tag`) or commit (`commit`) of the checkout in `directory`. */
      git: z.enum(['tag', 'commit'], {
        error: (i) =>
          i.input === undefined
            ? 'is required: "tag" (the previous tag) or "commit" (HEAD~1)'
            : `expected "tag" or "commit", got ${JSON.stringify(i.input)}`,
      }),
    }),
    z.strictObject({
      imageTag: z.strictObject({
        /** A file on the host each deploy appends its image tag to, one per line, newest last. */
        releaseLog: z.optional(hostPath),
        /** The env file compose reads the tag from, relative to `directory` (compose only). @default ".env" */
        envFile: z.optional(
          matching(
            /^[A-Za-z0-9_.@+-][A-Za-z0-9_./@+-]{0,254}$/,
            'must be a file relative to directory, without spaces, quotes or $, e.g. ".env"',
          ),
        ),
        /** The variable in `envFile` holding the tag (compose only). @default "IMAGE_TAG" */
        variable: z.optional(
          matching(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name, e.g. "IMAGE_TAG"'),
        ),
      }),
    }),
  ],
  {
    error: () =>
      'must be { git: "tag" }, { git: "commit" } or { imageTag: { releaseLog: "/opt/app/releases.log" } }',
  },
);
type ReleaseInput = z.infer<typeof releaseSchema>;

const RELEASE_HELP =
  '{ git: "tag" } (the previous tag of the checkout), { git: "commit" } (HEAD~1) or { imageTag: { releaseLog: "/opt/app/releases.log" } } (the image tag before the last one in a file each deploy appends to)';
const RELEASE_LOG_HELP =
  'is required: the file on the host each deploy appends its image tag to (one per line, newest last); the rollback uses the line before the last, e.g. "/opt/nutri/releases.log"';

// ---------------------------------------------------------------------------------------------
// Steps: one per action kind of lib/remediation/model.ts
// ---------------------------------------------------------------------------------------------

const composeBase = {
  instances,
  /** The directory holding the compose file. */
  directory: hostPath,
  /** Restarted in this order, each waited for until healthy: dependencies first. */
  services: composeServices,
  /** `v2` runs `docker compose`, `v1` runs `docker-compose`. @default "v2" */
  compose: z.optional(composeVersion),
  /** Seconds to wait for each service to be healthy (or running, without a healthcheck). @default 120 */
  healthyTimeoutSeconds: z.optional(healthyTimeoutSeconds),
};

const HTTP_METHODS = ['POST', 'PUT', 'PATCH', 'GET', 'DELETE'] as const;

/** The webhook's URL: https only, since the token travels in its Authorization header. */
const webhookUrl = z.string().check(
  z.superRefine((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return fail(ctx, `${JSON.stringify(value)} is not a URL; use e.g. "https://api.vercel.com/..."`);
    }
    if (url.protocol !== 'https:') {
      fail(ctx, `${url.protocol} is not allowed; use an https:// URL (the token is sent in a header)`);
    }
    if (url.username || url.password) {
      fail(ctx, 'must not embed credentials; give token: { secretsManager: "..." } instead');
    }
  }),
);

export const remediationStepSchema = z.discriminatedUnion(
  'action',
  [
    z.strictObject({ action: z.literal('ecs-restart'), cluster: ecsName, service: ecsName }),
    z.strictObject({
      action: z.literal('ecs-rollback'),
      cluster: ecsName,
      service: ecsName,
      /** A last-known-good `family:revision`. @default the revision before the current one */
      taskDefinition: z.optional(
        matching(
          /^[A-Za-z0-9_-]{1,255}:\d+$/,
          'must be a task definition "family:revision", e.g. "orders:41"',
        ),
      ),
    }),
    z.strictObject({
      action: z.literal('lambda-rollback'),
      functionName: matching(
        /^[A-Za-z0-9_-]{1,64}$/,
        'must be a function name (not an ARN), e.g. "orders-api"',
      ),
      alias: matching(
        /^(?!\d+$)[A-Za-z0-9_-]{1,128}$/,
        'must be an alias name such as "live" (a version number cannot be rolled back)',
      ),
    }),
    z.strictObject({ action: z.literal('ec2-reboot'), instances }),
    z.strictObject({ action: z.literal('compose-restart'), ...composeBase }),
    z.strictObject({
      action: z.literal('compose-rollback'),
      ...composeBase,
      release: z.optional(releaseSchema),
    }),
    z.strictObject({ action: z.literal('container-restart'), instances, container: containerName }),
    z.strictObject({
      action: z.literal('container-rollback'),
      instances,
      container: containerName,
      /** The image repository, without a tag: e.g. "ghcr.io/acme/nutri-backend". */
      image: z.optional(
        matching(
          /^[a-z0-9][a-z0-9._-]*(?::\d+)?(?:\/[a-z0-9][a-z0-9._-]*)*$/,
          'must be an image repository without a tag or digest, e.g. "ghcr.io/acme/nutri-backend"',
        ),
      ),
      /** `docker run` options other than the image, e.g. "-d --name nutri-backend -p 8000:8000". */
      runArgs: z.optional(
        matching(
          /^[\w\s./:=@,+-]+$/,
          'must be docker run options without shell characters (quotes, $, ;, |, &, <, >, backslash), e.g. "-d --name nutri-backend -p 8000:8000"',
        ),
      ),
      release: z.optional(releaseSchema),
    }),
    z.strictObject({
      action: z.literal('webhook'),
      url: webhookUrl,
      /** @default "POST" */
      method: z.optional(
        z.enum(HTTP_METHODS, {
          error: (i) => `expected one of ${HTTP_METHODS.join(', ')}, got ${JSON.stringify(i.input)}`,
        }),
      ),
      body: z.optional(z.string().check(z.maxLength(8 * 1024, 'must be at most 8 KiB'))),
      /** Sent as `Authorization: Bearer <token>`, read at run time. */
      token: z.optional(
        z.union(secretRefSchema.def.options, {
          error: () =>
            'must be { secretsManager: "vigil/app/token", jsonKey?: "token" } or { ssmParameter: "/vigil/app/token" } (a SecureString), read when the webhook runs',
        }),
      ),
      /** @default any 2xx */
      expectStatus: z.optional(z.array(int(100, 599)).check(z.minLength(1, 'list at least one status code'))),
      /** True when the webhook rolls back a deploy (a deploy-aware ladder may jump to it). @default false */
      rollback: z.optional(z.boolean()),
    }),
  ],
  {
    error: (issue) =>
      issue.code === 'invalid_union'
        ? `action ${JSON.stringify((issue.input as { action?: unknown })?.action)} is not a remediation action; use one of ${REMEDIATION_ACTION_NAMES.map((a) => `"${a}"`).join(', ')}`
        : undefined,
  },
);
export type RemediationStepInput = z.input<typeof remediationStepSchema>;

const REMEDIATION_ACTION_NAMES = [
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

/** Rules a step's schema cannot say alone: what a rollback needs to find the previous version. */
function stepIssues(
  step: RemediationStepInput,
  report: (message: string, path: PropertyKey[]) => void,
): void {
  switch (step.action) {
    case 'compose-rollback':
      if (!step.release) {
        report(`needs release, the way to find the previous version: ${RELEASE_HELP}`, ['release']);
      } else if ('imageTag' in step.release && step.release.imageTag.releaseLog === undefined) {
        report(RELEASE_LOG_HELP, ['release', 'imageTag', 'releaseLog']);
      }
      return;
    case 'container-rollback':
      if (step.image === undefined) {
        report(
          'is required: the image repository the container runs, without a tag (the rollback runs it at the previous tag), e.g. "ghcr.io/acme/nutri-backend"',
          ['image'],
        );
      }
      if (step.runArgs === undefined) {
        report(
          'is required: the docker run options the container is started with (it is removed and run again at the previous tag), e.g. "-d --name nutri-backend -p 8000:8000"',
          ['runArgs'],
        );
      }
      if (!step.release) {
        report(
          'needs release: { imageTag: { releaseLog: "/opt/app/releases.log" } }, the file each deploy appends its image tag to',
          ['release'],
        );
      } else if ('git' in step.release) {
        report(
          'a plain container has no checkout to roll back; use release: { imageTag: { releaseLog: "/opt/app/releases.log" } }',
          ['release'],
        );
      } else {
        if (step.release.imageTag.releaseLog === undefined) {
          report(RELEASE_LOG_HELP, ['release', 'imageTag', 'releaseLog']);
        }
        for (const key of ['envFile', 'variable'] as const) {
          if (step.release.imageTag[key] !== undefined) {
            report(
              'applies to compose-rollback only (a plain container gets its tag on docker run); remove it',
              ['release', 'imageTag', key],
            );
          }
        }
      }
      return;
    case 'ec2-reboot':
      step.instances.forEach((id, i) => {
        if (id.startsWith('mi-')) {
          report(
            `${id} is a managed instance outside EC2, which the EC2 API cannot reboot; use compose-restart or container-restart on it instead`,
            ['instances', i],
          );
        }
      });
      return;
    case 'webhook':
      if (step.body !== undefined && (step.method === 'GET' || step.method === 'DELETE')) {
        report(`a ${step.method} request carries no body; use method: "POST" or remove body`, ['body']);
      }
      return;
    default:
      return;
  }
}

// ---------------------------------------------------------------------------------------------
// The remediate block
// ---------------------------------------------------------------------------------------------

/** Queue aspects a remediation can start on: the alarm names' suffixes (lib/constructs/queue-alarms.ts). */
export const REMEDIATE_ON = ['warning', 'stalled', 'dead-letters', 'oldest-message'] as const;
export type RemediateOn = (typeof REMEDIATE_ON)[number];

/** What turns each aspect's alarm on, for the message when a monitor has none. */
const ASPECT_SETTING: Readonly<Record<RemediateOn, string>> = {
  warning: 'set warnDepth',
  stalled: 'set stalled: { minDepth, checks }',
  'dead-letters': 'set sqs.deadLetterQueue',
  'oldest-message': 'set maxOldestMessageAgeSeconds on an SQS queue',
};

/**
 * `remediate`: the ladder an alarm starts, and its guardrails.
 * `{ on: 'stalled', steps: [{ action: 'compose-restart', instances: ['i-0abc...'], directory: '/opt/app', services: ['worker'], compose: 'v1' }] }`
 */
export const remediateSchema = z
  .strictObject({
    /** The queue aspect alarm that starts it (`stalled`, `warning`, ...). @default the monitor's own alarm */
    on: z.optional(
      z.enum(REMEDIATE_ON, {
        error: (i) =>
          `expected one of ${REMEDIATE_ON.map((a) => `"${a}"`).join(', ')} (a queue monitor's alarms), got ${JSON.stringify(i.input)}; leave on out for the monitor's own alarm`,
      }),
    ),
    /** The ladder, in order: restart first, roll back if health did not return. */
    steps: z
      .array(remediationStepSchema)
      .check(
        z.minLength(
          1,
          'the ladder has no steps; add at least one, e.g. { action: "compose-restart", instances: ["i-0123456789abcdef0"], directory: "/opt/app", services: ["app"] }',
        ),
      ),
    /** Minutes after a run starts before another may start on the same target. @default 15 */
    cooldownMinutes: z.optional(
      z
        .int()
        .check(
          z.gte(1, 'must be at least 1 (minute): a second run needs the first one to have finished'),
          z.lte(1440, 'must be at most 1440 (a day); maxRunsPerDay already bounds a day'),
        ),
    ),
    /** Runs on one target in 24 h before Vigil stops and pages a person. @default 3 */
    maxRunsPerDay: z.optional(
      z
        .int()
        .check(
          z.gte(1, 'must be at least 1; to only watch what would be done, set dryRun: true'),
          z.lte(20, 'must be at most 20: a target that needs more runs than that a day needs a person'),
        ),
    ),
    /** Seconds verify keeps re-checking health after the action. @default 180 */
    settleSeconds: z.optional(
      z
        .int()
        .check(
          z.gte(30, 'must be at least 30 s: a restarted service needs time to answer its health check'),
          z.lte(
            900,
            'must be at most 900 s (15 minutes): verify re-runs the check (one canary invoke of under 5 minutes at a time) for this long while the page waits',
          ),
        ),
    ),
    /** Go straight to the first rollback when the target was deployed this recently; 0 turns it off. @default 30 */
    recentDeployMinutes: z.optional(
      z
        .int()
        .check(
          z.gte(0, 'must be 0 (off) or more'),
          z.lte(1440, 'must be at most 1440 (a day); older deploys are not "recent"'),
        ),
    ),
    /** Run the ladder without acting: action steps are skipped, verify still runs, pages say so. @default false */
    dryRun: z.optional(z.boolean()),
  })
  .check(
    z.superRefine((r, ctx) => {
      const seen = new Map<string, number>();
      r.steps.forEach((step, i) => {
        stepIssues(step, (message, path) => fail(ctx, message, ['steps', i, ...path]));
        const key = JSON.stringify(resolveStep(step));
        const first = seen.get(key);
        if (first !== undefined) {
          fail(
            ctx,
            `is the same as steps[${first}]: the ladder would repeat a rung that already failed to bring health back; remove it or make it do something else (e.g. a rollback)`,
            ['steps', i],
          );
        } else {
          seen.set(key, i);
        }
      });
    }),
  );
export type RemediateInput = z.input<typeof remediateSchema>;

/**
 * A monitor as the config file writes it: the canary's monitor schema of its kind plus `remediate`.
 * The config parses monitors with this; the canary keeps parsing its payload with
 * `monitorInputSchema`, which has no `remediate` (a resolved monitor never carries one).
 */
export const configMonitorSchema = z.discriminatedUnion(
  'kind',
  [
    z.safeExtend(httpMonitorSchema, { remediate: z.optional(remediateSchema) }),
    z.safeExtend(queueMonitorSchema, { remediate: z.optional(remediateSchema) }),
    z.safeExtend(backupMonitorSchema, { remediate: z.optional(remediateSchema) }),
    z.safeExtend(commandMonitorSchema, { remediate: z.optional(remediateSchema) }),
  ],
  {
    // The same words as monitorInputSchema's (test/config/config.test.ts asserts them).
    error: (issue) =>
      issue.code === 'invalid_union'
        ? `kind ${JSON.stringify((issue.input as { kind?: unknown })?.kind)} is not a monitor kind; use one of ${MONITOR_KINDS.map((k) => `"${k}"`).join(', ')}`
        : undefined,
  },
);

// ---------------------------------------------------------------------------------------------
// Checks across the config
// ---------------------------------------------------------------------------------------------

/** The queue aspect alarms a monitor input makes, as lib/paging/catalog.ts `queueAspects` names them. */
export function aspectsOfInput(m: MonitorInput): RemediateOn[] {
  if (m.kind !== 'queue') return [];
  return [
    ...(m.warnDepth !== undefined ? (['warning'] as const) : []),
    ...(m.stalled !== undefined ? (['stalled'] as const) : []),
    ...(m.sqs?.deadLetterQueue !== undefined ? (['dead-letters'] as const) : []),
    ...(m.sqs && m.maxOldestMessageAgeSeconds !== undefined ? (['oldest-message'] as const) : []),
  ];
}

/** The parts of a config the cross checks read (structural, so ./schema.ts can pass its parsed input). */
interface RemediationConfigView {
  readonly monitors: readonly (MonitorInput & { readonly remediate?: RemediateInput | undefined })[];
  readonly services?:
    | Readonly<Record<string, { readonly remediate?: RemediateInput | undefined } | undefined>>
    | undefined;
}

/**
 * What only the whole config shows: a remediation whose alarm does not exist. A grouped-tier monitor
 * has no alarm of its own; `on` must name an aspect the monitor alarms on; a service-level block needs
 * enabled monitors (and, grouped-tier, exactly one: see {@link resolveRemediations}).
 */
export function remediationIssues(
  config: RemediationConfigView,
  tierOf: (m: MonitorInput) => Tier,
  report: (message: string, path: PropertyKey[]) => void,
): void {
  const enabledOf = (service: string) =>
    config.monitors.filter((m) => (m.service ?? m.name) === service && m.enabled !== false);
  config.monitors.forEach((m, i) => {
    if (!m.remediate) return;
    const at = ['monitors', i, 'remediate'];
    const service = m.service ?? m.name;
    if (tierOf(m) === 'grouped') {
      const fix =
        enabledOf(service).length === 1
          ? `put the remediation on services.${service}.remediate (bound to the service's one alarm), or use tier: 'lean' for this monitor`
          : `use tier: 'lean' for the monitors of service "${service}" (one alarm each)`;
      report(
        `"${m.name}" is grouped tier and has no alarm of its own to start a remediation (its service's grouped alarm pages for it); ${fix}`,
        at,
      );
      return;
    }
    onIssue(m, m.remediate.on, [...at, 'on'], report);
  });
  for (const [service, declared] of Object.entries(config.services ?? {})) {
    const remediate = declared?.remediate;
    if (!remediate) continue;
    const at = ['services', service, 'remediate'];
    const all = config.monitors.filter((m) => (m.service ?? m.name) === service);
    const enabled = enabledOf(service);
    if (enabled.length === 0) {
      report(
        all.length === 0
          ? `service "${service}" has no monitors, so no alarm can start this remediation; add a monitor with service: "${service}", or remove remediate`
          : `every monitor of service "${service}" is disabled (enabled: false), so no alarm can start this remediation; enable one, or remove remediate`,
        at,
      );
      continue;
    }
    const first = enabled[0];
    if (first && tierOf(first) === 'grouped') {
      if (enabled.length > 1) {
        report(
          `service "${service}" is grouped tier: its one alarm covers ${enabled.length} monitors, and verify re-checks one monitor, so a pass would not prove the service healthy again; use tier: 'lean' for it (services.${service}.tier: one alarm per monitor)`,
          at,
        );
        continue;
      }
      if (remediate.on !== undefined) onIssue(first, remediate.on, [...at, 'on'], report);
      continue;
    }
    if (
      remediate.on !== undefined &&
      !enabled.some((m) => aspectsOfInput(m).includes(remediate.on as RemediateOn))
    ) {
      report(
        `no monitor of service "${service}" has a ${remediate.on} alarm; ${ASPECT_SETTING[remediate.on]} on one of its queue monitors, or remove on to act on each monitor's own alarm`,
        [...at, 'on'],
      );
    }
  }
}

function onIssue(
  m: MonitorInput,
  on: RemediateOn | undefined,
  path: PropertyKey[],
  report: (message: string, path: PropertyKey[]) => void,
): void {
  if (on === undefined) return;
  if (m.kind !== 'queue') {
    report(
      `"${m.name}" is ${m.kind === 'http' ? 'an' : 'a'} ${m.kind} monitor with one alarm; on picks one of a queue monitor's alarms (${REMEDIATE_ON.join(', ')}): remove on to act on its own alarm`,
      path,
    );
  } else if (!aspectsOfInput(m).includes(on)) {
    report(
      `"${m.name}" has no ${on} alarm; ${ASPECT_SETTING[on]} on it, or remove on to act on its own alarm`,
      path,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Resolution
// ---------------------------------------------------------------------------------------------

/** Compose waits this long for each service to be healthy unless the step says otherwise. */
export const DEFAULT_HEALTHY_TIMEOUT_SECONDS = 120;

function resolveRelease(r: ReleaseInput): ReleaseSource {
  if ('git' in r) return { kind: 'git', ref: r.git };
  return {
    kind: 'image-tag',
    // stepIssues refuses a missing releaseLog before anything is resolved.
    releaseLog: r.imageTag.releaseLog ?? '',
    ...(r.imageTag.envFile !== undefined && { envFile: r.imageTag.envFile }),
    ...(r.imageTag.variable !== undefined && { variable: r.imageTag.variable }),
  };
}

/** One rung with its defaults applied (compose v2, 120 s healthy timeout, webhook POST). */
export function resolveStep(s: RemediationStepInput): RemediationStep {
  switch (s.action) {
    case 'ecs-restart':
      return { action: s.action, cluster: s.cluster, service: s.service };
    case 'ecs-rollback':
      return {
        action: s.action,
        cluster: s.cluster,
        service: s.service,
        ...(s.taskDefinition !== undefined && { taskDefinition: s.taskDefinition }),
      };
    case 'lambda-rollback':
      return { action: s.action, functionName: s.functionName, alias: s.alias };
    case 'ec2-reboot':
      return { action: s.action, instances: s.instances };
    case 'compose-restart':
    case 'compose-rollback': {
      const base = {
        instances: s.instances,
        directory: s.directory,
        services: s.services,
        compose: s.compose ?? 'v2',
        healthyTimeoutSeconds: s.healthyTimeoutSeconds ?? DEFAULT_HEALTHY_TIMEOUT_SECONDS,
      } as const;
      if (s.action === 'compose-restart') return { action: s.action, ...base };
      return {
        action: s.action,
        ...base,
        release: s.release ? resolveRelease(s.release) : { kind: 'git', ref: 'tag' },
      };
    }
    case 'container-restart':
      return { action: s.action, instances: s.instances, container: s.container };
    case 'container-rollback': {
      const release = s.release ? resolveRelease(s.release) : undefined;
      return {
        action: s.action,
        instances: s.instances,
        container: s.container,
        image: s.image ?? '',
        runArgs: s.runArgs ?? '',
        release: release?.kind === 'image-tag' ? release : { kind: 'image-tag', releaseLog: '' },
      };
    }
    case 'webhook':
      return {
        action: s.action,
        url: s.url,
        method: s.method ?? 'POST',
        ...(s.body !== undefined && { body: s.body }),
        ...(s.token !== undefined && { token: s.token }),
        expectStatus: s.expectStatus ?? [],
        rollback: s.rollback ?? false,
      };
  }
}

function resolveGuardrails(r: RemediateInput): RemediationGuardrails {
  return {
    cooldownMinutes: r.cooldownMinutes ?? DEFAULT_GUARDRAILS.cooldownMinutes,
    maxRunsPerDay: r.maxRunsPerDay ?? DEFAULT_GUARDRAILS.maxRunsPerDay,
    settleSeconds: r.settleSeconds ?? DEFAULT_GUARDRAILS.settleSeconds,
    recentDeployMinutes: r.recentDeployMinutes ?? DEFAULT_GUARDRAILS.recentDeployMinutes,
  };
}

/**
 * One {@link Remediation} per alarm, in monitor order, from a validated config and its resolved
 * monitors (disabled monitors have no alarm and get none):
 *
 * - a monitor's `remediate` binds its own alarm, or the aspect alarm `on` names;
 * - a service's `remediate` binds each enabled monitor's own alarm (or, with `on`, the aspect alarm of
 *   each monitor that has one), except where the monitor's own block binds the same alarm: the
 *   monitor's block is the more specific and wins;
 * - a grouped-tier service has one alarm for all its monitors and no alarm per monitor. Its block
 *   binds that alarm (`groupedServiceAlarmName`) and verifies its one monitor; the schema refuses a
 *   grouped service with more than one, because verify re-checks one monitor and a pass would then
 *   not show that the monitor which failed is healthy again ("restarted" would stand in for "fixed").
 */
export function resolveRemediations(
  project: string,
  input: RemediationConfigView,
  monitors: readonly Monitor[],
): Remediation[] {
  const out: Remediation[] = [];
  const byName = new Map(input.monitors.map((m) => [m.name, m]));
  const bind = (m: Monitor, r: RemediateInput, alarmName: string, aspect?: RemediateOn) => {
    const severity = aspect === 'warning' && m.kind === 'queue' ? m.warningSeverity : m.severity;
    out.push({
      monitor: m.name,
      service: m.service,
      alarmName,
      ...(aspect !== undefined && { aspect }),
      severity,
      ...(m.runbook !== undefined && { runbook: m.runbook }),
      steps: r.steps.map(resolveStep),
      dryRun: r.dryRun ?? false,
      ...resolveGuardrails(r),
    });
  };
  const enabled = monitors.filter((m) => m.enabled);
  for (const m of enabled) {
    const own = byName.get(m.name)?.remediate;
    const serviceBlock = input.services?.[m.service]?.remediate;
    if (m.tier === 'grouped') {
      const members = enabled.filter((x) => x.service === m.service);
      // A grouped monitor has no aspect alarms (the tier refuses them): only the service's alarm.
      if (serviceBlock && members.length === 1) {
        bind(m, serviceBlock, groupedServiceAlarmName(project, m.service));
      }
      continue;
    }
    const aspects = aspectsOfInput(byName.get(m.name) as MonitorInput);
    const alarms = new Map<string, { block: RemediateInput; aspect?: RemediateOn }>();
    if (serviceBlock && (serviceBlock.on === undefined || aspects.includes(serviceBlock.on))) {
      alarms.set(monitorAlarmName(project, m.name, serviceBlock.on), {
        block: serviceBlock,
        ...(serviceBlock.on !== undefined && { aspect: serviceBlock.on }),
      });
    }
    if (own) {
      alarms.set(monitorAlarmName(project, m.name, own.on), {
        block: own,
        ...(own.on !== undefined && { aspect: own.on }),
      });
    }
    for (const [alarmName, { block, aspect }] of alarms) bind(m, block, alarmName, aspect);
  }
  return out;
}
