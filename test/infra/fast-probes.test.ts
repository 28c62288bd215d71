/**
 * Fast mode's infrastructure (docs/adr/0006-fast-mode.md): the fast-probe queue, its event source
 * mapping to the canary, the canary's send grant and queue URL, and the app-wide fast group whose
 * schedule the main stack makes, whichever stacks its members' alarms are in.
 */
import { App, type Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, toGroupEvent, type VigilConfigInput } from '../../lib/config/index.ts';
import { FAST_PROBE_SEND_DEADLINE_MS } from '../../lib/config/monitor-schema.ts';
import { appGroups, invocationGroups } from '../../lib/monitors/invocation-groups.ts';
import { invocationDeadlineMs } from '../../lib/monitors/monitor-traits.ts';
import { fastProbeResources, planStacks } from '../../lib/stack-plan.ts';
import { addVigilStacks } from '../../lib/vigil-app.ts';
import { minimalConfig } from '../support/configs.ts';
import { logicalId, monitorsInSchedule, type Synthesized, scheduleOf, synthVigil } from '../support/synth.ts';

const http = (name: string, service: string, over: Record<string, unknown> = {}) => ({
  kind: 'http' as const,
  name,
  service,
  url: `https://${service}.example.com/${name}`,
  ...over,
});

const input: VigilConfigInput = {
  project: 'acme',
  monitors: [
    http('api-health', 'api'),
    http('api-fast', 'api', { fast: true }),
    http('web-fast', 'web', { fast: true, timeoutMs: 3_000 }),
    http('billing-fast', 'billing', { fast: true, invocation: 'own' }),
    http('web-retired', 'web', { fast: true, enabled: false }),
  ],
};
const config = parseConfig(input);
const enabled = config.monitors.filter((m) => m.enabled);

let synth: Synthesized;
beforeAll(() => {
  synth = synthVigil(config);
});

function resourcesOf(template: Template, type: string): [string, Record<string, unknown>][] {
  return Object.entries(template.findResources(type)).map(([id, r]) => [
    id,
    (r as { Properties: Record<string, unknown> }).Properties,
  ]);
}

/** The fast-probe queue: the one queue with a redrive policy (the dead-letter queue has none). */
function fastQueue(template: Template): [string, Record<string, unknown>] {
  const found = resourcesOf(template, 'AWS::SQS::Queue').filter(([, p]) => p.RedrivePolicy !== undefined);
  if (found.length !== 1) throw new Error(`${found.length} queues with a redrive policy, expected 1`);
  return found[0] as [string, Record<string, unknown>];
}

describe('the fast-probe queue', () => {
  it('is encrypted by SQS, keeps messages an hour, hides one for as long as the canary may run, and dead-letters after 2 receives', () => {
    const [, queue] = fastQueue(synth.template);
    const canary = synth.template.toJSON().Resources[logicalId(synth.stack.canary.lambda)];
    expect(queue).toEqual({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 3_600,
      VisibilityTimeout: canary.Properties.Timeout,
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [expect.stringMatching(/^DeadLetters/), 'Arn'] },
        maxReceiveCount: 2,
      },
    });
  });

  it('refuses anything but TLS', () => {
    const [queueId] = fastQueue(synth.template);
    synth.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queueId }],
      PolicyDocument: {
        Statement: [
          Match.objectLike({
            Effect: 'Deny',
            Action: 'sqs:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ],
      },
    });
  });

  it('invokes the canary with batches of up to 10, no batching window, reporting failed records only', () => {
    const [queueId] = fastQueue(synth.template);
    const mappings = resourcesOf(synth.template, 'AWS::Lambda::EventSourceMapping').map(([, p]) => p);
    expect(mappings).toEqual([
      {
        EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
        FunctionName: { Ref: logicalId(synth.stack.canary.lambda) },
        BatchSize: 10,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      },
    ]);
  });

  it('lets the canary send to this queue only, and tells it the URL', () => {
    const [queueId] = fastQueue(synth.template);
    synth.template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Sid: 'QueueFastProbes',
            Effect: 'Allow',
            Action: 'sqs:SendMessage',
            Resource: { 'Fn::GetAtt': [queueId, 'Arn'] },
          },
        ]),
      },
    });
    const canary = synth.template.toJSON().Resources[logicalId(synth.stack.canary.lambda)];
    expect(canary.Properties.Environment.Variables.VIGIL_FAST_PROBE_QUEUE_URL).toEqual({ Ref: queueId });
  });

  it('is not made without an enabled fast monitor', () => {
    const none = synthVigil(minimalConfig);
    expect(resourcesOf(none.template, 'AWS::SQS::Queue').filter(([, p]) => p.RedrivePolicy)).toEqual([]);
    none.template.resourceCountIs('AWS::Lambda::EventSourceMapping', 0);
    const canary = none.template.toJSON().Resources[logicalId(none.stack.canary.lambda)];
    expect(canary.Properties.Environment.Variables.VIGIL_FAST_PROBE_QUEUE_URL).toBeUndefined();
    expect(none.stack.fastProbes).toBeUndefined();
    // A disabled fast monitor makes none either.
    const disabled = parseConfig({
      project: 'acme',
      monitors: [http('off', 'web', { fast: true, enabled: false }), http('on', 'web')],
    });
    expect(fastProbeResources(disabled)).toBe(0);
  });

  it('keeps cdk-nag AwsSolutions clean', () => {
    const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(synth.stack as Stack);
    const findings = report.violations
      .filter((v) => /^AwsSolutions-/.test(v.ruleName))
      .flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`));
    expect(findings).toEqual([]);
  });
});

describe('the canary timeout in fast mode', () => {
  it('counts one probe and the send, not a minute of probes', () => {
    const fast = enabled.find((m) => m.name === 'web-fast');
    if (!fast) throw new Error('no web-fast');
    expect(invocationDeadlineMs(fast)).toBe(3_000 + FAST_PROBE_SEND_DEADLINE_MS);
  });
});

describe('the app-wide fast group', () => {
  it('puts the shared fast monitors of every service in one group named fast.<tag>.<n>; own stays alone', () => {
    const groups = invocationGroups(enabled);
    expect(groups.map((g) => [g.scope, g.invocation, g.scheduleName, g.monitors.map((m) => m.name)])).toEqual(
      [
        ['service', 'shared', expect.stringMatching(/^api\.[0-9a-f]{6}\.1$/), ['api-health']],
        ['app', 'shared', expect.stringMatching(/^fast\.[0-9a-f]{6}\.1$/), ['api-fast', 'web-fast']],
        ['service', 'own', 'billing-fast', ['billing-fast']],
      ],
    );
  });

  it('keeps its name and construct id whatever services its members come from', () => {
    const [alone] = appGroups(
      parseConfig({ project: 'p', monitors: [http('x', 'zzz', { fast: true })] }).monitors,
    );
    const [together] = appGroups(enabled);
    expect(alone?.scheduleName).toBe(together?.scheduleName);
    expect(alone?.constructId).toBe(together?.constructId);
    expect(together?.constructId).toMatch(/^Checks-fast-[0-9a-f]{6}-1$/);
  });

  it('splits past 50 monitors into numbered chunks, in config order', () => {
    const many = parseConfig({
      project: 'p',
      monitors: Array.from({ length: 120 }, (_, i) => http(`m-${i + 1}`, `s${i % 7}`, { fast: true })),
    }).monitors;
    const groups = appGroups(many);
    expect(groups.map((g) => g.monitors.length)).toEqual([50, 50, 20]);
    expect(groups.map((g) => g.scheduleName.split('.').at(-1))).toEqual(['1', '2', '3']);
    expect(groups.flatMap((g) => g.monitors.map((m) => m.name))).toEqual(many.map((m) => m.name));
  });

  it('keeps each chunk within what one SQS message carries', () => {
    const many = parseConfig({
      project: 'p',
      monitors: Array.from({ length: 40 }, (_, i) =>
        http(`m-${i + 1}`, 's', { fast: true, body: 'x'.repeat(10_000) }),
      ),
    }).monitors;
    const groups = appGroups(many);
    expect(groups.length).toBeGreaterThan(1);
    for (const g of groups) {
      const body = JSON.stringify({
        fastProbe: { slot: 5, at: 9_999_999_999_999, ...toGroupEvent(g.monitors) },
      });
      expect(Buffer.byteLength(body)).toBeLessThanOrEqual(256 * 1024);
    }
  });

  it('runs two fast monitors of two services from ONE schedule, every minute', () => {
    const schedule = scheduleOf(synth.template, 'api-fast');
    expect(scheduleOf(synth.template, 'web-fast')).toBe(schedule);
    expect(monitorsInSchedule(schedule)).toEqual(['api-fast', 'web-fast']);
    expect(schedule).toMatchObject({
      Name: expect.stringMatching(/^fast\.[0-9a-f]{6}\.1$/),
      ScheduleExpression: 'rate(1 minute)',
      FlexibleTimeWindow: { Mode: 'OFF' },
    });
  });

  it("gives an 'own' fast monitor a schedule of its own, named after it", () => {
    const own = scheduleOf(synth.template, 'billing-fast');
    expect(own.Name).toBe('billing-fast');
    expect(JSON.parse((own.Target as { Input: string }).Input).monitor).toMatchObject({
      name: 'billing-fast',
      fast: true,
    });
  });

  it('makes the schedule in the main stack when the services deploy in stacks of their own', () => {
    const app = new App();
    const stacks = addVigilStacks(app, { config, budget: 1 });
    expect(stacks.plan.mode).toBe('split');
    const main = Template.fromStack(stacks.main);
    const schedule = scheduleOf(main, 'api-fast');
    expect(monitorsInSchedule(schedule)).toEqual(['api-fast', 'web-fast']);
    main.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    for (const stack of stacks.monitorStacks) {
      const template = Template.fromStack(stack);
      const checked = Object.values(template.findResources('AWS::Scheduler::Schedule')).flatMap((r) =>
        monitorsInSchedule((r as { Properties: Record<string, unknown> }).Properties),
      );
      expect(checked).not.toContain('api-fast');
      expect(checked).not.toContain('web-fast');
    }
    // Each member's alarm stays with its service.
    const web = stacks.monitorStacks.find((s) => s.share.service === 'web');
    if (!web) throw new Error('no web stack');
    Template.fromStack(web).hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'vigil-acme-web-fast',
    });
  });

  it('is counted in the main stack by the stack plan, not in the services', () => {
    // The queue, its policy, the mapping, the role policy, and one schedule.
    expect(fastProbeResources(config)).toBe(5);
    const plan = planStacks(config, 1);
    const estimate = (service: string) => plan.stacks.find((s) => s.service === service)?.estimatedResources;
    // web-fast's alarm and the dashboard; nothing for the schedule it rides.
    expect(estimate('web')).toBe(2);
    // api splits at this budget: the part with both its monitors holds two alarms and
    // api-health's schedule, and no dashboard (part 1 has it).
    const apiFast = plan.stacks.find((s) => s.monitors.some((m) => m.name === 'api-fast'));
    expect(apiFast).toMatchObject({ part: 2, estimatedResources: 3 });
  });
});
