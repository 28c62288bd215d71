import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { remediationDocument } from '../../lib/remediation/documents/index.ts';
import {
  DEFAULT_GUARDRAILS,
  REMEDIATION_ACTIONS,
  type Remediation,
  type RemediationStep,
} from '../../lib/remediation/model.ts';
import { documentParameters, type ResolvedTargets } from '../../lib/remediation/parameters.ts';
import type { AutomationDocument } from '../../lib/ssm/automation.ts';
import { lintAutomationDocument } from '../../lib/ssm/lint.ts';
import {
  type AwsCall,
  localShell,
  type ParamValue,
  type SimHooks,
  type SimResult,
  simulateAutomation,
} from '../support/automation-sim.ts';
import { type FakeHost, fakeHost } from './fake-host.ts';

const OPTS = {
  assumeRoleArn: 'arn:aws:iam::123456789012:role/vigil-acme-remediate-role',
  canaryFunctionName: 'vigil-acme-canary',
  webhookFunctionName: 'vigil-acme-webhook',
};
const STATE = '--format {{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}}';
const HEALTHY = '{"monitor":"madef-api","ok":true,"status":200}';
const UNHEALTHY = '{"monitor":"madef-api","ok":false,"reason":"http_status","detail":"503"}';
const VERIFY_PAYLOAD = '{"verify":"madef-api"}';
/** The steps a passing first health check runs. */
const VERIFIED = ['VerifyHealth1', 'VerifyCheck1', 'VerifyPassed'];
/** The steps four failing health checks run, ending in failure. */
const NEVER_HEALTHY = [
  'VerifyHealth1',
  'VerifyCheck1',
  'VerifySettle1',
  'VerifyHealth2',
  'VerifyCheck2',
  'VerifySettle2',
  'VerifyHealth3',
  'VerifyCheck3',
  'VerifySettle3',
  'VerifyHealth4',
  'VerifyCheck4',
  'VerifyFailed',
];
const SELF_STATUS: AwsCall = {
  Service: 'ssm',
  Api: 'GetAutomationExecution',
  params: { AutomationExecutionId: 'sim-execution-0001' },
};

function remediationOf(step: RemediationStep): Remediation {
  return {
    ...DEFAULT_GUARDRAILS,
    monitor: 'madef-api',
    service: 'madef',
    alarmName: 'vigil-acme-madef-api',
    severity: 'P2',
    steps: [step],
    dryRun: false,
  };
}

/** documentParameters' string arrays as the simulator takes them: a list only for a StringList. */
function simParams(doc: AutomationDocument, params: Record<string, string[]>): Record<string, ParamValue> {
  return Object.fromEntries(
    Object.entries(params).map(([name, values]) => [
      name,
      doc.parameters[name]?.type === 'StringList' ? values : (values[0] as string),
    ]),
  );
}

interface Run {
  readonly result: SimResult;
  readonly names: string[];
  readonly invocations: { FunctionName: string; Payload: string }[];
}

/**
 * Builds the document of the step's kind, fills its parameters with documentParameters (so the
 * values the remediator sends are checked against the document's patterns), and simulates it.
 */
async function run(
  step: RemediationStep,
  world: {
    aws?: SimHooks['aws'];
    runCommand?: SimHooks['runCommand'];
    canary?: (attempt: number) => string;
    webhook?: () => string;
    resolved?: ResolvedTargets;
    dryRun?: boolean;
  },
): Promise<Run> {
  const doc = remediationDocument(step.action, OPTS);
  const params = documentParameters(step, remediationOf(step), world.resolved, world.dryRun ?? false);
  const invocations: Run['invocations'] = [];
  let canaryCalls = 0;
  const result = await simulateAutomation(doc, simParams(doc, params), {
    ...(world.aws ? { aws: world.aws } : {}),
    ...(world.runCommand ? { runCommand: world.runCommand } : {}),
    invokeLambda: async (input) => {
      invocations.push(input);
      if (input.FunctionName === OPTS.canaryFunctionName) {
        canaryCalls += 1;
        return { Payload: (world.canary ?? (() => HEALTHY))(canaryCalls) };
      }
      if (input.FunctionName === OPTS.webhookFunctionName && world.webhook)
        return { Payload: world.webhook() };
      throw new Error(`unexpected invocation of ${input.FunctionName}`);
    },
  });
  return { result, names: result.steps.map((s) => s.name), invocations };
}

const canaryInvocations = (r: Run) => r.invocations.filter((i) => i.FunctionName === OPTS.canaryFunctionName);

describe('every remediation document passes the static check', () => {
  it.each(REMEDIATION_ACTIONS)('%s', (kind) => {
    const doc = remediationDocument(kind, OPTS);
    expect(lintAutomationDocument(doc)).toEqual([]);
    expect(doc.assumeRole).toBe(OPTS.assumeRoleArn);
    expect(doc.parameters.DryRun).toMatchObject({ type: 'Boolean', default: false });
    expect(doc.parameters.Monitor?.type).toBe('String');
    expect(doc.mainSteps[0]?.name).toBe('SkipActionsOnDryRun');
  });
});

describe('ecs-restart', () => {
  const step: RemediationStep = { action: 'ecs-restart', cluster: 'prod', service: 'assistant-api' };
  const describeCall: AwsCall = {
    Service: 'ecs',
    Api: 'DescribeServices',
    params: { cluster: 'prod', services: ['assistant-api'] },
  };
  function ecs(states: string[], updateFails = false): SimHooks['aws'] {
    let polls = 0;
    return ({ Api }) => {
      if (Api === 'UpdateService') {
        if (updateFails) throw new Error('ServiceNotActiveException: Service was not ACTIVE.');
        return { service: { serviceName: 'assistant-api' } };
      }
      const state = states[Math.min(polls++, states.length - 1)];
      return { services: [{ deployments: [{ status: 'PRIMARY', rolloutState: state }] }] };
    };
  }

  it('forces a new deployment, waits until it completes, then verifies', async () => {
    const r = await run(step, { aws: ecs(['IN_PROGRESS', 'IN_PROGRESS', 'COMPLETED']) });
    expect(r.result.status).toBe('Success');
    expect(r.names).toEqual([
      'SkipActionsOnDryRun',
      'RestartService',
      'WaitForDeployment',
      'AssertDeploymentCompleted',
      ...VERIFIED,
    ]);
    expect(r.result.awsCalls).toEqual([
      {
        Service: 'ecs',
        Api: 'UpdateService',
        params: { cluster: 'prod', service: 'assistant-api', forceNewDeployment: true },
      },
      describeCall,
      describeCall,
      describeCall,
      describeCall,
    ]);
    expect(canaryInvocations(r)).toEqual([
      { FunctionName: OPTS.canaryFunctionName, Payload: VERIFY_PAYLOAD },
    ]);
  });

  it('fails at the action, and never verifies, when UpdateService fails', async () => {
    const r = await run(step, { aws: ecs([], true) });
    expect(r.result).toMatchObject({ status: 'Failed', failedStep: 'RestartService' });
    expect(r.names).toEqual(['SkipActionsOnDryRun', 'RestartService']);
    expect(r.invocations).toEqual([]);
  });

  it('fails when the circuit breaker fails the deployment, without waiting out the timeout', async () => {
    const r = await run(step, { aws: ecs(['IN_PROGRESS', 'FAILED']) });
    expect(r.result).toMatchObject({ status: 'Failed', failedStep: 'AssertDeploymentCompleted' });
    expect(r.result.elapsedSeconds).toBeLessThan(60);
    expect(r.invocations).toEqual([]);
  });

  it('fails at VerifyFailed when the deployment completed but health never came back', async () => {
    const r = await run(step, { aws: ecs(['COMPLETED']), canary: () => UNHEALTHY });
    expect(r.result).toMatchObject({ status: 'Failed', failedStep: 'VerifyFailed' });
    expect(r.names).toEqual([
      'SkipActionsOnDryRun',
      'RestartService',
      'WaitForDeployment',
      'AssertDeploymentCompleted',
      ...NEVER_HEALTHY,
    ]);
    expect(canaryInvocations(r)).toHaveLength(4);
    expect(r.result.awsCalls.at(-1)).toEqual(SELF_STATUS);
  });

  it('DryRun: no ECS call at all, verify still runs', async () => {
    const r = await run(step, { aws: ecs(['COMPLETED']), dryRun: true });
    expect(r.result.status).toBe('Success');
    expect(r.names).toEqual(['SkipActionsOnDryRun', ...VERIFIED]);
    expect(r.result.awsCalls).toEqual([]);
  });
});

describe('ecs-rollback', () => {
  const step: RemediationStep = { action: 'ecs-rollback', cluster: 'prod', service: 'assistant-api' };
  const aws: SimHooks['aws'] = ({ Api }) =>
    Api === 'UpdateService'
      ? { service: {} }
      : { services: [{ deployments: [{ status: 'PRIMARY', rolloutState: 'COMPLETED' }] }] };

  it('updates the service to the resolved task definition, waits, verifies', async () => {
    const r = await run(step, { aws, resolved: { taskDefinition: 'assistant-api:41' } });
    expect(r.result.status).toBe('Success');
    expect(r.result.awsCalls[0]).toEqual({
      Service: 'ecs',
      Api: 'UpdateService',
      params: { cluster: 'prod', service: 'assistant-api', taskDefinition: 'assistant-api:41' },
    });
    expect(r.names).toEqual([
      'SkipActionsOnDryRun',
      'RollBackService',
      'WaitForDeployment',
      'AssertDeploymentCompleted',
      ...VERIFIED,
    ]);
  });

  it('fails at the action when UpdateService is refused', async () => {
    const r = await run(step, {
      aws: () => {
        throw new Error('ClientException: TaskDefinition is inactive');
      },
      resolved: { taskDefinition: 'assistant-api:41' },
    });
    expect(r.result).toMatchObject({ status: 'Failed', failedStep: 'RollBackService' });
    expect(r.invocations).toEqual([]);
  });

  it('fails at VerifyFailed when health does not come back, and DryRun only verifies', async () => {
    const failed = await run(step, {
      aws,
      canary: () => UNHEALTHY,
      resolved: { taskDefinition: 'assistant-api:41' },
    });
    expect(failed.result).toMatchObject({ status: 'Failed', failedStep: 'VerifyFailed' });
    const dry = await run(step, { aws, dryRun: true, resolved: { taskDefinition: 'assistant-api:41' } });
    expect(dry.names).toEqual(['SkipActionsOnDryRun', ...VERIFIED]);
    expect(dry.result.awsCalls).toEqual([]);
  });
});

describe('lambda-rollback', () => {
  const step: RemediationStep = {
    action: 'lambda-rollback',
    functionName: 'assistant-webhook',
    alias: 'live',
  };

  it('points the alias at the resolved version with no weighted routing, then verifies', async () => {
    const r = await run(step, {
      aws: () => ({ AliasArn: 'arn', FunctionVersion: '7' }),
      resolved: { functionVersion: '7' },
    });
    expect(r.result.status).toBe('Success');
    expect(r.names).toEqual(['SkipActionsOnDryRun', 'RollBackAlias', ...VERIFIED]);
    expect(r.result.awsCalls).toEqual([
      {
        Service: 'lambda',
        Api: 'UpdateAlias',
        params: {
          FunctionName: 'assistant-webhook',
          Name: 'live',
          FunctionVersion: '7',
          RoutingConfig: { AdditionalVersionWeights: {} },
        },
      },
    ]);
  });

  it('fails at the action, a failing verify, and DryRun', async () => {
    const refused = await run(step, {
      aws: () => {
        throw new Error('ResourceNotFoundException: Alias not found');
      },
      resolved: { functionVersion: '7' },
    });
    expect(refused.result).toMatchObject({ status: 'Failed', failedStep: 'RollBackAlias' });
    expect(refused.invocations).toEqual([]);
    const unhealthy = await run(step, {
      aws: () => ({}),
      canary: () => UNHEALTHY,
      resolved: { functionVersion: '7' },
    });
    expect(unhealthy.result).toMatchObject({ status: 'Failed', failedStep: 'VerifyFailed' });
    expect(unhealthy.names.slice(0, 2)).toEqual(['SkipActionsOnDryRun', 'RollBackAlias']);
    const dry = await run(step, { aws: () => ({}), dryRun: true, resolved: { functionVersion: '7' } });
    expect(dry.result.awsCalls).toEqual([]);
    expect(dry.names).toEqual(['SkipActionsOnDryRun', ...VERIFIED]);
  });

  it('verifies on the second check when health returns after one settle interval', async () => {
    const r = await run(step, {
      aws: () => ({}),
      canary: (n) => (n === 1 ? UNHEALTHY : HEALTHY),
      resolved: { functionVersion: '7' },
    });
    expect(r.result.status).toBe('Success');
    expect(r.names).toEqual([
      'SkipActionsOnDryRun',
      'RollBackAlias',
      'VerifyHealth1',
      'VerifyCheck1',
      'VerifySettle1',
      'VerifyHealth2',
      'VerifyCheck2',
      'VerifyPassed',
    ]);
    // settleSeconds 180 over 3 sleeps: 60 s each.
    expect(r.result.steps.find((s) => s.name === 'VerifySettle1')?.inputs).toEqual({ Duration: 'PT60S' });
  });
});

describe('ec2-reboot', () => {
  const step: RemediationStep = { action: 'ec2-reboot', instances: ['i-0abc1234def567890'] };
  const statusCall: AwsCall = {
    Service: 'ec2',
    Api: 'DescribeInstanceStatus',
    params: { InstanceIds: ['i-0abc1234def567890'], IncludeAllInstances: true },
  };
  function ec2(instance: string[], rebootFails = false): SimHooks['aws'] {
    let polls = 0;
    return ({ Api }) => {
      if (Api === 'RebootInstances') {
        if (rebootFails) throw new Error('UnauthorizedOperation: not authorized');
        return {};
      }
      const status = instance[Math.min(polls++, instance.length - 1)];
      return {
        InstanceStatuses: [{ InstanceStatus: { Status: status }, SystemStatus: { Status: 'ok' } }],
      };
    };
  }

  it('reboots, waits a minute, waits for both status checks, then verifies', async () => {
    const r = await run(step, { aws: ec2(['initializing', 'initializing', 'ok']) });
    expect(r.result.status).toBe('Success');
    expect(r.names).toEqual([
      'SkipActionsOnDryRun',
      'RebootInstances',
      'WaitForShutdown',
      'WaitForInstanceStatus',
      'WaitForSystemStatus',
      ...VERIFIED,
    ]);
    expect(r.result.awsCalls).toEqual([
      { Service: 'ec2', Api: 'RebootInstances', params: { InstanceIds: ['i-0abc1234def567890'] } },
      statusCall,
      statusCall,
      statusCall,
      statusCall,
    ]);
  });

  it('fails at the reboot, fails when checks never pass, fails at verify, and DryRun only verifies', async () => {
    const refused = await run(step, { aws: ec2([], true) });
    expect(refused.result).toMatchObject({ status: 'Failed', failedStep: 'RebootInstances' });
    expect(refused.invocations).toEqual([]);
    const impaired = await run(step, { aws: ec2(['impaired']) });
    expect(impaired.result).toMatchObject({ status: 'TimedOut', failedStep: 'WaitForInstanceStatus' });
    expect(impaired.invocations).toEqual([]);
    const unhealthy = await run(step, { aws: ec2(['ok']), canary: () => UNHEALTHY });
    expect(unhealthy.result).toMatchObject({ status: 'Failed', failedStep: 'VerifyFailed' });
    const dry = await run(step, { aws: ec2(['ok']), dryRun: true });
    expect(dry.result.awsCalls).toEqual([]);
  });
});

describe('host documents run their real script through Run Command', () => {
  let host: FakeHost;
  let dir: string;
  beforeEach(() => {
    host = fakeHost();
    dir = join(host.root, 'madef');
    mkdirSync(dir);
  });
  afterEach(() => host.cleanup());

  const shell = (extra: Record<string, string> = {}) => {
    const { PATH: _path, ...env } = host.env(extra);
    return localShell({ pathPrepend: [host.binDir], env: env as Record<string, string> });
  };
  /** Records the Run Command input, then runs it for real. */
  function recording(extra: Record<string, string> = {}) {
    const inputs: Parameters<NonNullable<SimHooks['runCommand']>>[0][] = [];
    const real = shell(extra);
    const hook: NonNullable<SimHooks['runCommand']> = async (input) => {
      inputs.push(input);
      return real(input);
    };
    return { hook, inputs };
  }

  describe('compose-restart', () => {
    const step = (): RemediationStep => ({
      action: 'compose-restart',
      instances: ['i-0abc1234def567890', 'mi-0123456789abcdef0'],
      directory: dir,
      services: ['postgres', 'app'],
      compose: 'v2',
      healthyTimeoutSeconds: 60,
    });

    it('restarts postgres then the app in the directory, host by host, then verifies', async () => {
      host.states('cid-postgres', ['running starting', 'running healthy']);
      const { hook, inputs } = recording();
      const r = await run(step(), { runCommand: hook });
      expect(r.result.status).toBe('Success');
      expect(r.names).toEqual(['SkipActionsOnDryRun', 'RestartServices', ...VERIFIED]);
      expect(inputs).toHaveLength(1);
      expect(inputs[0]?.InstanceIds).toEqual(['i-0abc1234def567890', 'mi-0123456789abcdef0']);
      expect(r.result.steps[1]?.inputs).toMatchObject({ MaxConcurrency: '1', MaxErrors: '0' });
      const commands = inputs[0]?.Parameters.commands as string[];
      expect(commands.slice(0, 4)).toEqual([
        `DIRECTORY='${dir}'`,
        "SERVICES='postgres app'",
        "COMPOSE='v2'",
        "HEALTHY_TIMEOUT_SECONDS='60'",
      ]);
      expect(host.calls()).toEqual(
        [
          'docker compose restart postgres',
          'docker compose ps -q postgres',
          `docker inspect ${STATE} cid-postgres`,
          'docker compose ps -q postgres',
          `docker inspect ${STATE} cid-postgres`,
          'docker compose restart app',
          'docker compose ps -q app',
          `docker inspect ${STATE} cid-app`,
        ].map((command) => ({ cwd: dir, command })),
      );
      expect(r.result.steps[1]?.outputs.Output).toContain('vigil: compose-restart done: postgres app');
    });

    it('a failing restart fails the document at the Run Command step: nothing after it, no verify', async () => {
      const r = await run(step(), { runCommand: shell({ FAKE_FAIL: 'docker compose restart postgres' }) });
      expect(r.result).toMatchObject({ status: 'Failed', failedStep: 'RestartServices' });
      expect(r.names).toEqual(['SkipActionsOnDryRun', 'RestartServices']);
      expect(host.commands()).toEqual(['docker compose restart postgres']);
      expect(r.result.steps[1]?.outputs.Output).toContain(
        "vigil: FAILED: postgres: 'docker compose restart postgres' exited 1",
      );
      expect(r.invocations).toEqual([]);
    });

    it('a failing verify: the services restarted, health never came back', async () => {
      const r = await run(step(), { runCommand: shell(), canary: () => UNHEALTHY });
      expect(r.result).toMatchObject({ status: 'Failed', failedStep: 'VerifyFailed' });
      expect(host.commands()).toContain('docker compose restart app');
    });

    it('DryRun: nothing runs on the host, verify runs', async () => {
      const r = await run(step(), { runCommand: shell(), dryRun: true });
      expect(r.names).toEqual(['SkipActionsOnDryRun', ...VERIFIED]);
      expect(host.calls()).toEqual([]);
    });

    it('refuses a directory with a quote before anything reaches a host', async () => {
      await expect(
        run({ ...step(), directory: "/opt/it's" } as RemediationStep, { runCommand: shell() }),
      ).rejects.toThrow(/parameter Directory: "\/opt\/it's" does not match allowedPattern/);
      expect(host.calls()).toEqual([]);
    });
  });

  describe('compose-rollback', () => {
    const gitStep = (): RemediationStep => ({
      action: 'compose-rollback',
      instances: ['i-0abc1234def567890'],
      directory: dir,
      services: ['app'],
      compose: 'v2',
      healthyTimeoutSeconds: 60,
      release: { kind: 'git', ref: 'tag' },
    });

    it('git: checks out the previous tag, rebuilds, verifies', async () => {
      const r = await run(gitStep(), {
        runCommand: shell({ FAKE_GIT_HEAD: 'v2.4.0', FAKE_GIT_PREV_TAG: 'v2.3.1' }),
      });
      expect(r.result.status).toBe('Success');
      expect(r.names).toEqual(['SkipActionsOnDryRun', 'RollBackRelease', ...VERIFIED]);
      expect(host.commands()).toEqual([
        `git -c safe.directory=${dir} describe --tags --always HEAD`,
        `git -c safe.directory=${dir} describe --tags --abbrev=0 HEAD^`,
        `git -c safe.directory=${dir} checkout --quiet v2.3.1`,
        'docker compose up -d --build app',
        'docker compose ps -q app',
        `docker inspect ${STATE} cid-app`,
      ]);
    });

    it('no previous release: the document fails at the rollback with the refusal, no verify', async () => {
      const r = await run(gitStep(), { runCommand: shell({ FAKE_GIT_HEAD: 'v1.0.0' }) });
      expect(r.result).toMatchObject({ status: 'Failed', failedStep: 'RollBackRelease' });
      expect(r.result.steps[1]?.outputs.Output).toContain(
        'vigil: FAILED: no previous release: no tag before HEAD',
      );
      expect(r.invocations).toEqual([]);
    });

    it('image tag: writes the previous tag into the env file, ups the services, verifies; DryRun writes nothing', async () => {
      const releaseLog = join(host.root, 'releases.log');
      writeFileSync(releaseLog, 'sha-1\nsha-2\n');
      writeFileSync(join(dir, '.env'), 'APP_IMAGE_TAG=sha-2\n');
      const step: RemediationStep = {
        ...(gitStep() as Extract<RemediationStep, { action: 'compose-rollback' }>),
        release: { kind: 'image-tag', releaseLog, variable: 'APP_IMAGE_TAG' },
      };
      const dry = await run(step, { runCommand: shell(), dryRun: true });
      expect(dry.names).toEqual(['SkipActionsOnDryRun', ...VERIFIED]);
      expect(readFileSync(join(dir, '.env'), 'utf8')).toBe('APP_IMAGE_TAG=sha-2\n');
      const r = await run(step, { runCommand: shell() });
      expect(r.result.status).toBe('Success');
      expect(readFileSync(join(dir, '.env'), 'utf8')).toBe('APP_IMAGE_TAG=sha-1\n');
      expect(host.commands()[0]).toBe('docker compose up -d app');
      const unhealthy = await run(step, { runCommand: shell(), canary: () => UNHEALTHY });
      expect(unhealthy.result).toMatchObject({ status: 'Failed', failedStep: 'RollBackRelease' });
    });
  });

  describe('container-restart', () => {
    const step: RemediationStep = {
      action: 'container-restart',
      instances: ['i-0abc1234def567890'],
      container: 'nutri-backend',
    };

    it('docker restart, wait until healthy, verify; a failing restart fails before verify; DryRun', async () => {
      host.states('nutri-backend', ['running starting', 'running healthy']);
      const ok = await run(step, { runCommand: shell() });
      expect(ok.result.status).toBe('Success');
      expect(ok.names).toEqual(['SkipActionsOnDryRun', 'RestartContainer', ...VERIFIED]);
      expect(host.commands()).toEqual([
        'docker restart nutri-backend',
        `docker inspect ${STATE} nutri-backend`,
        `docker inspect ${STATE} nutri-backend`,
      ]);
      const failing = await run(step, { runCommand: shell({ FAKE_FAIL: 'docker restart nutri-backend' }) });
      expect(failing.result).toMatchObject({ status: 'Failed', failedStep: 'RestartContainer' });
      expect(failing.invocations).toEqual([]);
      const unhealthy = await run(step, { runCommand: shell(), canary: () => UNHEALTHY });
      expect(unhealthy.result).toMatchObject({ status: 'Failed', failedStep: 'VerifyFailed' });
      const before = host.calls().length;
      const dry = await run(step, { runCommand: shell(), dryRun: true });
      expect(dry.names).toEqual(['SkipActionsOnDryRun', ...VERIFIED]);
      expect(host.calls()).toHaveLength(before);
    });
  });

  describe('container-rollback', () => {
    it('re-runs the previous image tag, verifies; a failing pull fails before verify', async () => {
      const releaseLog = join(host.root, 'nutri-releases.log');
      writeFileSync(releaseLog, 'sha-aaa\nsha-bbb\n');
      host.image('nutri-backend', 'ghcr.io/acme/nutri-backend:sha-bbb');
      const step: RemediationStep = {
        action: 'container-rollback',
        instances: ['i-0abc1234def567890'],
        container: 'nutri-backend',
        image: 'ghcr.io/acme/nutri-backend',
        runArgs: '-d --name nutri-backend -p 8000:8000',
        release: { kind: 'image-tag', releaseLog },
      };
      const failing = await run(step, {
        runCommand: shell({ FAKE_FAIL: 'docker pull ghcr.io/acme/nutri-backend:sha-aaa' }),
      });
      expect(failing.result).toMatchObject({ status: 'Failed', failedStep: 'RollBackContainer' });
      expect(failing.invocations).toEqual([]);
      expect(host.commands()).not.toContain('docker rm -f nutri-backend');

      const r = await run(step, { runCommand: shell() });
      expect(r.result.status).toBe('Success');
      expect(r.names).toEqual(['SkipActionsOnDryRun', 'RollBackContainer', ...VERIFIED]);
      expect(host.commands().slice(-4)).toEqual([
        'docker pull ghcr.io/acme/nutri-backend:sha-aaa',
        'docker rm -f nutri-backend',
        'docker run -d --name nutri-backend -p 8000:8000 ghcr.io/acme/nutri-backend:sha-aaa',
        `docker inspect ${STATE} nutri-backend`,
      ]);
    });
  });
});

describe('webhook', () => {
  const step: RemediationStep = {
    action: 'webhook',
    url: 'https://api.vercel.com/v9/projects/assistant/rollback',
    method: 'POST',
    body: '{"deploymentId":"dpl_previous"}',
    token: { secretsManager: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:vigil/vercel-AbCdEf' },
    expectStatus: [200, 201],
    rollback: true,
  };

  it('invokes the webhook function with the reference (not the token), checks ok, then verifies', async () => {
    const r = await run(step, { webhook: () => '{"ok":true,"status":201,"detail":"POST ... answered 201"}' });
    expect(r.result.status).toBe('Success');
    expect(r.names).toEqual(['SkipActionsOnDryRun', 'CallWebhook', 'CheckWebhookAnswer', ...VERIFIED]);
    expect(r.invocations[0]).toEqual({ FunctionName: OPTS.webhookFunctionName, Payload: expect.any(String) });
    expect(JSON.parse(r.invocations[0]?.Payload ?? '')).toEqual({
      url: 'https://api.vercel.com/v9/projects/assistant/rollback',
      method: 'POST',
      body: '{"deploymentId":"dpl_previous"}',
      token: '{"secretsManager":"arn:aws:secretsmanager:eu-west-1:123456789012:secret:vigil/vercel-AbCdEf"}',
      expectStatus: '200,201',
    });
  });

  it('fails at WebhookRefused when the platform refuses, before any verify step', async () => {
    const r = await run(step, {
      webhook: () => '{"ok":false,"status":403,"reason":"unexpected_status","detail":"\\"ok\\":true"}',
    });
    expect(r.result).toMatchObject({ status: 'Failed', failedStep: 'WebhookRefused' });
    expect(r.names).toEqual(['SkipActionsOnDryRun', 'CallWebhook', 'CheckWebhookAnswer', 'WebhookRefused']);
    expect(canaryInvocations(r)).toEqual([]);
    expect(r.result.awsCalls).toEqual([SELF_STATUS]);
  });

  it('fails at VerifyFailed when the platform accepted but health never came back; DryRun calls nothing', async () => {
    const unhealthy = await run(step, { webhook: () => '{"ok":true,"status":200}', canary: () => UNHEALTHY });
    expect(unhealthy.result).toMatchObject({ status: 'Failed', failedStep: 'VerifyFailed' });
    const dry = await run(step, { webhook: () => '{"ok":true,"status":200}', dryRun: true });
    expect(dry.names).toEqual(['SkipActionsOnDryRun', ...VERIFIED]);
    expect(dry.invocations.map((i) => i.FunctionName)).toEqual([OPTS.canaryFunctionName]);
  });

  it('sends empty body, token and statuses as the defaults when the config has none', async () => {
    const r = await run({ ...step, body: undefined, token: undefined, expectStatus: [] } as RemediationStep, {
      webhook: () => '{"ok":true,"status":200}',
    });
    expect(JSON.parse(r.invocations[0]?.Payload ?? '')).toMatchObject({
      body: '',
      token: '',
      expectStatus: '',
    });
  });
});
