import { describe, expect, it } from 'vitest';
import {
  canaryEventSchema,
  parseConfig,
  toCanaryEvent,
  type VigilConfigInput,
} from '../../lib/config/index.ts';
import { aspectsOfInput } from '../../lib/config/remediation-schema.ts';
import { queueAspects } from '../../lib/paging/catalog.ts';
import { problems } from '../support/config-problems.ts';

const HOST = 'i-0123456789abcdef0';

const http = (over: Record<string, unknown> = {}) => ({
  name: 'madef-api-health',
  service: 'madef',
  kind: 'http',
  url: 'https://madef.example.com/api/health',
  ...over,
});

const queue = (over: Record<string, unknown> = {}) => ({
  name: 'notifications-queue',
  service: 'notifications',
  kind: 'queue',
  sqs: { queue: 'whatsapp-notifications' },
  maxDepth: 1000,
  ...over,
});

const composeRestart = (over: Record<string, unknown> = {}) => ({
  action: 'compose-restart',
  instances: [HOST],
  directory: '/opt/madef',
  services: ['postgres', 'app'],
  ...over,
});

const composeRollback = (over: Record<string, unknown> = {}) => ({
  action: 'compose-rollback',
  instances: [HOST],
  directory: '/opt/madef',
  services: ['app'],
  release: { git: 'tag' },
  ...over,
});

/** A config with one monitor remediated by `remediate`. */
const onMonitor = (remediate: Record<string, unknown>, monitor: Record<string, unknown> = http()) => ({
  project: 'x',
  monitors: [{ ...monitor, remediate }],
});

describe('remediate: what cannot work is refused with the path and the fix', () => {
  it('refuses a ladder with no steps', () => {
    expect(problems(onMonitor({ steps: [] }))).toEqual([
      'monitors[0].remediate.steps: the ladder has no steps; add at least one, e.g. { action: "compose-restart", instances: ["i-0123456789abcdef0"], directory: "/opt/app", services: ["app"] }',
    ]);
  });

  it('refuses a host step on an instance list that is empty', () => {
    expect(problems(onMonitor({ steps: [composeRestart({ instances: [] })] }))).toEqual([
      'monitors[0].remediate.steps[0].instances: lists no instances, so the step would act on nothing; name the managed instances to act on, e.g. ["i-0123456789abcdef0"]',
    ]);
  });

  it('refuses a compose step with no services to restart', () => {
    expect(problems(onMonitor({ steps: [composeRestart({ services: [] })] }))).toEqual([
      'monitors[0].remediate.steps[0].services: names no compose services, so the step would act on nothing; list them in restart order, dependencies first, e.g. ["postgres", "app"]',
    ]);
  });

  it('refuses an instance that is not an EC2 or managed instance ID', () => {
    expect(problems(onMonitor({ steps: [composeRestart({ instances: ['madef-prod'] })] }))).toEqual([
      'monitors[0].remediate.steps[0].instances[0]: must be an EC2 instance ID ("i-0abc...") or the managed instance ID ("mi-0abc...") of a host registered with Systems Manager',
    ]);
  });

  it('refuses a reboot of a managed instance outside EC2', () => {
    expect(
      problems(onMonitor({ steps: [{ action: 'ec2-reboot', instances: [HOST, 'mi-0123456789abcdef0'] }] })),
    ).toEqual([
      'monitors[0].remediate.steps[0].instances[1]: mi-0123456789abcdef0 is a managed instance outside EC2, which the EC2 API cannot reboot; use compose-restart or container-restart on it instead',
    ]);
  });

  it('refuses a compose rollback with no way to find the previous version', () => {
    expect(problems(onMonitor({ steps: [composeRollback({ release: undefined })] }))).toEqual([
      'monitors[0].remediate.steps[0].release: needs release, the way to find the previous version: { git: "tag" } (the previous tag of the checkout), { git: "commit" } (HEAD~1) or { imageTag: { releaseLog: "/opt/app/releases.log" } } (the image tag before the last one in a file each deploy appends to)',
    ]);
  });

  it('refuses an image-tag rollback without its release log', () => {
    expect(
      problems(onMonitor({ steps: [composeRollback({ release: { imageTag: { envFile: '.env' } } })] })),
    ).toEqual([
      'monitors[0].remediate.steps[0].release.imageTag.releaseLog: is required: the file on the host each deploy appends its image tag to (one per line, newest last); the rollback uses the line before the last, e.g. "/opt/nutri/releases.log"',
    ]);
  });

  it('refuses a container rollback without the image and run options to start the previous tag with', () => {
    expect(
      problems(
        onMonitor({
          steps: [
            {
              action: 'container-rollback',
              instances: [HOST],
              container: 'nutri-backend',
              release: { imageTag: { releaseLog: '/opt/nutri/releases.log' } },
            },
          ],
        }),
      ),
    ).toEqual([
      'monitors[0].remediate.steps[0].image: is required: the image repository the container runs, without a tag (the rollback runs it at the previous tag), e.g. "ghcr.io/acme/nutri-backend"',
      'monitors[0].remediate.steps[0].runArgs: is required: the docker run options the container is started with (it is removed and run again at the previous tag), e.g. "-d --name nutri-backend -p 8000:8000"',
    ]);
  });

  it('refuses a git release for a plain container', () => {
    expect(
      problems(
        onMonitor({
          steps: [
            {
              action: 'container-rollback',
              instances: [HOST],
              container: 'nutri-backend',
              image: 'ghcr.io/acme/nutri-backend',
              runArgs: '-d --name nutri-backend',
              release: { git: 'commit' },
            },
          ],
        }),
      ),
    ).toEqual([
      'monitors[0].remediate.steps[0].release: a plain container has no checkout to roll back; use release: { imageTag: { releaseLog: "/opt/app/releases.log" } }',
    ]);
  });

  it('refuses docker run options that the shell would interpret', () => {
    expect(
      problems(
        onMonitor({
          steps: [
            {
              action: 'container-rollback',
              instances: [HOST],
              container: 'nutri-backend',
              image: 'ghcr.io/acme/nutri-backend',
              runArgs: '-d --name nutri-backend; rm -rf /',
              release: { imageTag: { releaseLog: '/opt/nutri/releases.log' } },
            },
          ],
        }),
      ),
    ).toEqual([
      'monitors[0].remediate.steps[0].runArgs: must be docker run options without shell characters (quotes, $, ;, |, &, <, >, backslash), e.g. "-d --name nutri-backend -p 8000:8000"',
    ]);
  });

  it('refuses an env file outside the compose directory', () => {
    expect(
      problems(
        onMonitor({
          steps: [
            composeRollback({
              release: { imageTag: { releaseLog: '/opt/madef/releases.log', envFile: '/etc/passwd' } },
            }),
          ],
        }),
      ),
    ).toEqual([
      'monitors[0].remediate.steps[0].release.imageTag.envFile: must be a file relative to directory, without spaces, quotes or $, e.g. ".env"',
    ]);
  });

  it('refuses a directory the shell would interpret', () => {
    expect(problems(onMonitor({ steps: [composeRestart({ directory: '/opt/$(whoami)' })] }))).toEqual([
      'monitors[0].remediate.steps[0].directory: must be an absolute path of letters, digits and . _ - / @ + (no spaces, quotes or $), e.g. "/opt/madef"',
    ]);
  });

  it('refuses an unknown action, listing the known ones', () => {
    expect(problems(onMonitor({ steps: [{ action: 'restart', instances: [HOST] }] }))).toEqual([
      'monitors[0].remediate.steps[0].action: action "restart" is not a remediation action; use one of "ecs-restart", "ecs-rollback", "lambda-rollback", "ec2-reboot", "compose-restart", "compose-rollback", "container-restart", "container-rollback", "webhook"',
    ]);
  });

  it('suggests the field of the step’s own action for a misspelt one', () => {
    expect(problems(onMonitor({ steps: [composeRestart({ healthyTimeoutSecs: 60 })] }))).toEqual([
      'monitors[0].remediate.steps[0].healthyTimeoutSecs: unknown field; did you mean "healthyTimeoutSeconds"?',
    ]);
  });

  it('refuses a ladder that repeats a rung, even when one spells out the defaults', () => {
    expect(
      problems(
        onMonitor({
          steps: [composeRestart(), composeRestart({ compose: 'v2', healthyTimeoutSeconds: 120 })],
        }),
      ),
    ).toEqual([
      'monitors[0].remediate.steps[1]: is the same as steps[0]: the ladder would repeat a rung that already failed to bring health back; remove it or make it do something else (e.g. a rollback)',
    ]);
  });

  it('refuses an ECS service given by ARN', () => {
    expect(
      problems(
        onMonitor({
          steps: [
            {
              action: 'ecs-restart',
              cluster: 'arn:aws:ecs:eu-west-1:123456789012:cluster/prod',
              service: 'api',
            },
          ],
        }),
      ),
    ).toEqual([
      'monitors[0].remediate.steps[0].cluster: must be a name (letters, digits, _ -), not an ARN, e.g. "prod"; the stack builds the ARN in its own account and Region',
    ]);
  });

  it('refuses a Lambda rollback of a version number rather than an alias', () => {
    expect(
      problems(onMonitor({ steps: [{ action: 'lambda-rollback', functionName: 'orders', alias: '42' }] })),
    ).toEqual([
      'monitors[0].remediate.steps[0].alias: must be an alias name such as "live" (a version number cannot be rolled back)',
    ]);
  });

  it('refuses a webhook over plain HTTP and a body on a GET', () => {
    expect(
      problems(onMonitor({ steps: [{ action: 'webhook', url: 'http://api.vercel.com/rollback' }] })),
    ).toEqual([
      'monitors[0].remediate.steps[0].url: http: is not allowed; use an https:// URL (the token is sent in a header)',
    ]);
    expect(
      problems(
        onMonitor({
          steps: [{ action: 'webhook', url: 'https://api.vercel.com/x', method: 'GET', body: '{}' }],
        }),
      ),
    ).toEqual([
      'monitors[0].remediate.steps[0].body: a GET request carries no body; use method: "POST" or remove body',
    ]);
  });

  it('refuses a webhook token written the wrong way', () => {
    expect(
      problems(
        onMonitor({
          steps: [{ action: 'webhook', url: 'https://api.vercel.com/x', token: { secretManager: 'vercel' } }],
        }),
      ),
    ).toEqual([
      'monitors[0].remediate.steps[0].token: must be { secretsManager: "vigil/app/token", jsonKey?: "token" } or { ssmParameter: "/vigil/app/token" } (a SecureString), read when the webhook runs',
    ]);
  });

  it('refuses guardrails out of range, each with why', () => {
    const steps = [composeRestart()];
    expect(problems(onMonitor({ steps, cooldownMinutes: 0 }))).toEqual([
      'monitors[0].remediate.cooldownMinutes: must be at least 1 (minute): a second run needs the first one to have finished',
    ]);
    expect(problems(onMonitor({ steps, cooldownMinutes: 1441 }))).toEqual([
      'monitors[0].remediate.cooldownMinutes: must be at most 1440 (a day); maxRunsPerDay already bounds a day',
    ]);
    expect(problems(onMonitor({ steps, maxRunsPerDay: 0 }))).toEqual([
      'monitors[0].remediate.maxRunsPerDay: must be at least 1; to only watch what would be done, set dryRun: true',
    ]);
    expect(problems(onMonitor({ steps, maxRunsPerDay: 21 }))).toEqual([
      'monitors[0].remediate.maxRunsPerDay: must be at most 20: a target that needs more runs than that a day needs a person',
    ]);
    expect(problems(onMonitor({ steps, settleSeconds: 29 }))).toEqual([
      'monitors[0].remediate.settleSeconds: must be at least 30 s: a restarted service needs time to answer its health check',
    ]);
    expect(problems(onMonitor({ steps, settleSeconds: 901 }))).toEqual([
      'monitors[0].remediate.settleSeconds: must be at most 900 s (15 minutes): verify re-runs the check (one canary invoke of under 5 minutes at a time) for this long while the page waits',
    ]);
    expect(problems(onMonitor({ steps, recentDeployMinutes: -1 }))).toEqual([
      'monitors[0].remediate.recentDeployMinutes: must be 0 (off) or more',
    ]);
    expect(problems(onMonitor({ steps: [composeRestart({ healthyTimeoutSeconds: 5 })] }))).toEqual([
      'monitors[0].remediate.steps[0].healthyTimeoutSeconds: must be at least 10 s: a container needs time to start and pass its healthcheck',
    ]);
  });

  it('refuses on for a monitor that is not a queue', () => {
    expect(problems(onMonitor({ on: 'stalled', steps: [composeRestart()] }))).toEqual([
      'monitors[0].remediate.on: "madef-api-health" is an http monitor with one alarm; on picks one of a queue monitor\'s alarms (warning, stalled, dead-letters, oldest-message): remove on to act on its own alarm',
    ]);
  });

  it('refuses on naming an aspect the queue does not alarm on', () => {
    expect(problems(onMonitor({ on: 'stalled', steps: [composeRestart()] }, queue()))).toEqual([
      'monitors[0].remediate.on: "notifications-queue" has no stalled alarm; set stalled: { minDepth, checks } on it, or remove on to act on its own alarm',
    ]);
  });

  it('refuses an unknown aspect', () => {
    expect(problems(onMonitor({ on: 'stuck', steps: [composeRestart()] }, queue()))).toEqual([
      'monitors[0].remediate.on: expected one of "warning", "stalled", "dead-letters", "oldest-message" (a queue monitor\'s alarms), got "stuck"; leave on out for the monitor\'s own alarm',
    ]);
  });

  it('refuses a remediation on a grouped-tier monitor, which has no alarm of its own', () => {
    expect(
      problems({
        project: 'x',
        monitors: [http({ tier: 'grouped', remediate: { steps: [composeRestart()] } })],
      }),
    ).toEqual([
      `monitors[0].remediate: "madef-api-health" is grouped tier and has no alarm of its own to start a remediation (its service's grouped alarm pages for it); put the remediation on services.madef.remediate (bound to the service's one alarm), or use tier: 'lean' for this monitor`,
    ]);
  });

  it('refuses a service-level remediation on a grouped-tier service of several monitors', () => {
    expect(
      problems({
        project: 'x',
        services: { madef: { tier: 'grouped', remediate: { steps: [composeRestart()] } } },
        monitors: [http(), http({ name: 'madef-admin', url: 'https://madef.example.com/admin' })],
      }),
    ).toEqual([
      'services.madef.remediate: service "madef" is grouped tier: its one alarm covers 2 monitors, and verify re-checks one monitor, so a pass would not prove the service healthy again; use tier: \'lean\' for it (services.madef.tier: one alarm per monitor)',
    ]);
  });

  it('refuses a service-level remediation whose service has no monitors', () => {
    expect(
      problems({
        project: 'x',
        services: { madef: { remediate: { steps: [composeRestart()] } } },
        monitors: [http({ service: 'other' })],
      }),
    ).toEqual([
      'services.madef.remediate: service "madef" has no monitors, so no alarm can start this remediation; add a monitor with service: "madef", or remove remediate',
    ]);
  });

  it('refuses a service-level remediation whose monitors are all disabled', () => {
    expect(
      problems({
        project: 'x',
        services: { madef: { remediate: { steps: [composeRestart()] } } },
        monitors: [http({ enabled: false }), http({ name: 'other', service: 'other' })],
      }),
    ).toEqual([
      'services.madef.remediate: every monitor of service "madef" is disabled (enabled: false), so no alarm can start this remediation; enable one, or remove remediate',
    ]);
  });

  it('refuses a service-level on that none of its monitors alarms on', () => {
    expect(
      problems({
        project: 'x',
        services: { notifications: { remediate: { on: 'stalled', steps: [composeRestart()] } } },
        monitors: [queue()],
      }),
    ).toEqual([
      'services.notifications.remediate.on: no monitor of service "notifications" has a stalled alarm; set stalled: { minDepth, checks } on one of its queue monitors, or remove on to act on each monitor\'s own alarm',
    ]);
  });
});

describe('remediate resolves to one Remediation per alarm', () => {
  it("binds a monitor's own alarm with the documented defaults", () => {
    const config = parseConfig(onMonitor({ steps: [composeRestart(), composeRollback()] }));
    expect(config.remediations).toEqual([
      {
        monitor: 'madef-api-health',
        service: 'madef',
        alarmName: 'vigil-x-madef-api-health',
        severity: 'P2',
        steps: [
          {
            action: 'compose-restart',
            instances: [HOST],
            directory: '/opt/madef',
            services: ['postgres', 'app'],
            compose: 'v2',
            healthyTimeoutSeconds: 120,
          },
          {
            action: 'compose-rollback',
            instances: [HOST],
            directory: '/opt/madef',
            services: ['app'],
            compose: 'v2',
            healthyTimeoutSeconds: 120,
            release: { kind: 'git', ref: 'tag' },
          },
        ],
        dryRun: false,
        cooldownMinutes: 15,
        maxRunsPerDay: 3,
        settleSeconds: 180,
        recentDeployMinutes: 30,
      },
    ]);
  });

  it('binds a queue aspect alarm with `on`, at the aspect’s severity, with the guardrails given', () => {
    const config = parseConfig(
      onMonitor(
        {
          on: 'warning',
          steps: [composeRestart({ services: ['worker'], compose: 'v1' })],
          cooldownMinutes: 30,
          maxRunsPerDay: 2,
          settleSeconds: 300,
          recentDeployMinutes: 0,
          dryRun: true,
        },
        queue({
          warnDepth: 500,
          warningSeverity: 'P3',
          severity: 'P1',
          runbook: 'https://ops.example.com/q',
        }),
      ),
    );
    expect(config.remediations).toEqual([
      {
        monitor: 'notifications-queue',
        service: 'notifications',
        alarmName: 'vigil-x-notifications-queue-warning',
        aspect: 'warning',
        severity: 'P3',
        runbook: 'https://ops.example.com/q',
        steps: [
          {
            action: 'compose-restart',
            instances: [HOST],
            directory: '/opt/madef',
            services: ['worker'],
            compose: 'v1',
            healthyTimeoutSeconds: 120,
          },
        ],
        dryRun: true,
        cooldownMinutes: 30,
        maxRunsPerDay: 2,
        settleSeconds: 300,
        recentDeployMinutes: 0,
      },
    ]);
  });

  it('resolves every action’s spelling to the model', () => {
    const config = parseConfig(
      onMonitor({
        steps: [
          { action: 'ecs-restart', cluster: 'prod', service: 'api' },
          { action: 'ecs-rollback', cluster: 'prod', service: 'api', taskDefinition: 'api:41' },
          { action: 'lambda-rollback', functionName: 'orders', alias: 'live' },
          { action: 'ec2-reboot', instances: [HOST] },
          { action: 'container-restart', instances: [HOST], container: 'nutri-backend' },
          {
            action: 'container-rollback',
            instances: [HOST],
            container: 'nutri-backend',
            image: 'ghcr.io/acme/nutri-backend',
            runArgs: '-d --name nutri-backend -p 8000:8000',
            release: { imageTag: { releaseLog: '/opt/nutri/releases.log' } },
          },
          composeRollback({
            release: {
              imageTag: {
                releaseLog: '/opt/madef/releases.log',
                envFile: '.env.production',
                variable: 'TAG',
              },
            },
          }),
          {
            action: 'webhook',
            url: 'https://api.vercel.com/v9/projects/assistant/rollback',
            token: { secretsManager: 'vigil/assistant/vercel-token' },
            expectStatus: [200, 201],
            rollback: true,
          },
        ],
      }),
    );
    expect(config.remediations[0]?.steps).toEqual([
      { action: 'ecs-restart', cluster: 'prod', service: 'api' },
      { action: 'ecs-rollback', cluster: 'prod', service: 'api', taskDefinition: 'api:41' },
      { action: 'lambda-rollback', functionName: 'orders', alias: 'live' },
      { action: 'ec2-reboot', instances: [HOST] },
      { action: 'container-restart', instances: [HOST], container: 'nutri-backend' },
      {
        action: 'container-rollback',
        instances: [HOST],
        container: 'nutri-backend',
        image: 'ghcr.io/acme/nutri-backend',
        runArgs: '-d --name nutri-backend -p 8000:8000',
        release: { kind: 'image-tag', releaseLog: '/opt/nutri/releases.log' },
      },
      {
        action: 'compose-rollback',
        instances: [HOST],
        directory: '/opt/madef',
        services: ['app'],
        compose: 'v2',
        healthyTimeoutSeconds: 120,
        release: {
          kind: 'image-tag',
          releaseLog: '/opt/madef/releases.log',
          envFile: '.env.production',
          variable: 'TAG',
        },
      },
      {
        action: 'webhook',
        url: 'https://api.vercel.com/v9/projects/assistant/rollback',
        method: 'POST',
        token: { secretsManager: 'vigil/assistant/vercel-token' },
        expectStatus: [200, 201],
        rollback: true,
      },
    ]);
  });

  it("binds a service's block to each enabled monitor's alarm; a monitor's own block wins for its alarm", () => {
    const restart = composeRestart();
    const config = parseConfig({
      project: 'x',
      services: { madef: { remediate: { steps: [restart] } } },
      monitors: [
        http(),
        http({
          name: 'madef-admin',
          url: 'https://madef.example.com/admin',
          remediate: { steps: [composeRollback()] },
        }),
        http({ name: 'madef-old', url: 'https://madef.example.com/old', enabled: false }),
        http({ name: 'other', service: 'other' }),
      ],
    });
    expect(config.remediations.map((r) => [r.alarmName, r.monitor, r.steps.map((s) => s.action)])).toEqual([
      ['vigil-x-madef-api-health', 'madef-api-health', ['compose-restart']],
      ['vigil-x-madef-admin', 'madef-admin', ['compose-rollback']],
    ]);
  });

  it("binds a service's `on` only to the monitors that have that aspect", () => {
    const config = parseConfig({
      project: 'x',
      services: { notifications: { remediate: { on: 'stalled', steps: [composeRestart()] } } },
      monitors: [
        queue({ stalled: { minDepth: 100, checks: 10 } }),
        queue({ name: 'notifications-dlq', sqs: { queue: 'other' } }),
        http({ name: 'notifications-api', service: 'notifications' }),
      ],
    });
    expect(config.remediations.map((r) => [r.alarmName, r.aspect])).toEqual([
      ['vigil-x-notifications-queue-stalled', 'stalled'],
    ]);
  });

  it("binds a one-monitor grouped service's block to the service's grouped alarm, verifying that monitor", () => {
    const config = parseConfig({
      project: 'x',
      services: { madef: { tier: 'grouped', remediate: { steps: [composeRestart()] } } },
      monitors: [http({ severity: 'P1' })],
    });
    expect(config.remediations.map((r) => [r.alarmName, r.monitor, r.severity])).toEqual([
      ['vigil-x-service-madef-grouped', 'madef-api-health', 'P1'],
    ]);
  });

  it('is empty when nothing remediates', () => {
    expect(parseConfig({ project: 'x', monitors: [http()] }).remediations).toEqual([]);
  });

  it('names the same aspects as the queue alarms the stack makes', () => {
    const input = {
      ...queue({ warnDepth: 10, stalled: { minDepth: 1, checks: 3 }, maxOldestMessageAgeSeconds: 60 }),
      sqs: { queue: 'q', deadLetterQueue: 'q-dlq' },
    };
    const config = parseConfig({ project: 'x', monitors: [input] } as VigilConfigInput);
    const monitor = config.monitors[0];
    if (!monitor) throw new Error('no monitor');
    expect(aspectsOfInput(input as never)).toEqual(queueAspects(monitor).map((a) => a.aspect));
    expect(aspectsOfInput(input as never)).toEqual(['warning', 'stalled', 'dead-letters', 'oldest-message']);
  });

  it("keeps remediate out of the canary's payload, which still refuses it", () => {
    const config = parseConfig(onMonitor({ steps: [composeRestart()] }));
    const monitor = config.monitors[0];
    if (!monitor) throw new Error('no monitor');
    const event = toCanaryEvent(monitor);
    expect(JSON.stringify(event)).not.toContain('remediate');
    expect(
      canaryEventSchema.safeParse({ monitor: { ...event.monitor, remediate: { steps: [composeRestart()] } } })
        .success,
    ).toBe(false);
  });
});
