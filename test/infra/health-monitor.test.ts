/**
 * What pages people: each enabled monitor's schedule and alarm, and which topic the alarm pages.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCanaryRequest } from '../../lib/config/index.ts';
import { TIMEOUT_MARGIN_SECONDS } from '../../lib/constructs/canary-function.ts';
import { invocationDeadlineMs } from '../../lib/monitors/monitor-traits.ts';
import { infraConfig, withFirstMonitor } from '../support/configs.ts';
import {
  logicalId,
  monitorsInSchedule,
  propertiesNamed as propertiesOf,
  type Synthesized,
  scheduleOf,
  synthVigil,
} from '../support/synth.ts';

let synth: Synthesized;
beforeAll(() => {
  synth = synthVigil(infraConfig);
});

/** The schedule whose invocations check monitor `name` (each of these is in a service of its own). */
function scheduleNamed(name: string): Record<string, unknown> {
  return scheduleOf(synth.template, name);
}

function alarmNamed(name: string): Record<string, unknown> {
  const found = synth.template.findResources('AWS::CloudWatch::Alarm', { Properties: { AlarmName: name } });
  const [alarm, ...others] = Object.values(found);
  expect(others).toEqual([]);
  if (!alarm) throw new Error(`no alarm named ${name}`);
  return (alarm as { Properties: Record<string, unknown> }).Properties;
}

describe('schedules', () => {
  it('runs each enabled monitor on its expression, in UTC, on time (no flexible window)', () => {
    expect(scheduleNamed('api-health')).toMatchObject({
      ScheduleExpression: 'rate(1 minute)',
      ScheduleExpressionTimezone: 'Etc/UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      State: 'ENABLED',
    });
    expect(scheduleNamed('shop-health')).toMatchObject({ ScheduleExpression: 'rate(5 minutes)' });
    expect(scheduleNamed('nightly-report')).toMatchObject({ ScheduleExpression: 'cron(0/15 * * * ? *)' });
  });

  it('gives a disabled monitor no schedule', () => {
    const checked = Object.values(synth.template.findResources('AWS::Scheduler::Schedule')).flatMap((r) =>
      monitorsInSchedule((r as { Properties: Record<string, unknown> }).Properties),
    );
    expect(checked).not.toContain('retired');
  });

  it('sends the resolved monitors as { monitors }, which the canary parses back to the same monitors', () => {
    for (const monitor of infraConfig.monitors.filter((m) => m.enabled)) {
      const target = scheduleNamed(monitor.name).Target as { Input: string };
      expect(parseCanaryRequest(JSON.parse(target.Input))).toEqual({
        shape: 'monitors',
        monitors: [monitor],
      });
    }
  });

  it('invokes the canary with the scheduler role', () => {
    expect(scheduleNamed('api-health').Target).toMatchObject({
      Arn: { 'Fn::GetAtt': [logicalId(synth.stack.canary.lambda), 'Arn'] },
      RoleArn: {
        'Fn::GetAtt': [logicalId(synth.stack.node.findChild('Checks').node.findChild('Role')), 'Arn'],
      },
    });
  });

  it('retries an undelivered invocation at most twice, and never once it is a period old', () => {
    expect(scheduleNamed('api-health').Target).toMatchObject({
      RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 60 },
    });
    expect(scheduleNamed('shop-health').Target).toMatchObject({
      RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 300 },
    });
    expect(scheduleNamed('nightly-report').Target).toMatchObject({
      RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 900 },
    });
  });

  it('dead-letters what it cannot deliver to one shared, encrypted, TLS-only queue', () => {
    const dlq = Object.keys(synth.template.findResources('AWS::SQS::Queue'));
    expect(dlq).toHaveLength(1);
    for (const name of ['api-health', 'shop-health', 'nightly-report']) {
      expect(scheduleNamed(name).Target).toMatchObject({
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dlq[0], 'Arn'] } },
      });
    }
    synth.template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    synth.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });
});

describe('alarms', () => {
  it('alarms on the minimum of Success {Monitor} below 1, as the canary publishes it', () => {
    expect(alarmNamed('vigil-acme-api-health')).toMatchObject({
      Namespace: 'Vigil',
      MetricName: 'Success',
      Dimensions: [{ Name: 'Monitor', Value: 'api-health' }],
      Statistic: 'Minimum',
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
    });
  });

  it('treats missing data as breaching, so a canary that stops reporting pages', () => {
    for (const name of ['api-health', 'shop-health', 'nightly-report']) {
      expect(alarmNamed(`vigil-acme-${name}`).TreatMissingData).toBe('breaching');
    }
  });

  it('uses the schedule cadence as the period and the monitor M of N (default 1 of 1 for a confirmed HTTP check)', () => {
    // api-health sets no alarm and confirms by default: one confirmed failing minute pages.
    expect(alarmNamed('vigil-acme-api-health')).toMatchObject({
      Period: 60,
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
    });
    expect(alarmNamed('vigil-acme-shop-health')).toMatchObject({
      Period: 300,
      EvaluationPeriods: 5,
      DatapointsToAlarm: 3,
    });
    expect(alarmNamed('vigil-acme-nightly-report')).toMatchObject({ Period: 900 });
  });

  it('pages the topic of the monitor severity on ALARM and on OK (P1 -> P1, P3 -> P3, P4 -> P4)', () => {
    const topic = (severity: 'P1' | 'P3' | 'P4') => [{ Ref: logicalId(synth.stack.paging.topics[severity]) }];
    expect(alarmNamed('vigil-acme-api-health')).toMatchObject({
      AlarmActions: topic('P1'),
      OKActions: topic('P1'),
    });
    expect(alarmNamed('vigil-acme-shop-health')).toMatchObject({
      AlarmActions: topic('P3'),
      OKActions: topic('P3'),
    });
    expect(alarmNamed('vigil-acme-nightly-report')).toMatchObject({
      AlarmActions: topic('P4'),
      OKActions: topic('P4'),
    });
    expect(alarmNamed('vigil-acme-api-health')).not.toHaveProperty('InsufficientDataActions');
  });

  it('tells the paged person what broke, what is checked and where the runbook is', () => {
    const description = alarmNamed('vigil-acme-api-health').AlarmDescription as string;
    expect(description).toContain('Public API health document');
    expect(description).toContain('GET https://api.example.com/health');
    expect(description).toContain('Runbook: https://github.com/acme/ops/blob/main/runbook.md#api-down');
    expect(description).toContain(
      'P1 · service api-health · ALARM when 1 of 1 check (rate(1 minute)) fails or does not report. A failed check is one confirmed by a second probe 5 s after the first.',
    );
  });

  it('gives a disabled monitor no alarm', () => {
    expect(
      synth.template.findResources('AWS::CloudWatch::Alarm', {
        Properties: { AlarmName: 'vigil-acme-retired' },
      }),
    ).toEqual({});
  });
});

describe('fast mode', () => {
  let fast: Synthesized;
  beforeAll(() => {
    fast = synthVigil(withFirstMonitor({ fast: true, timeoutMs: 4_000 }));
  });
  const fastAlarm = () =>
    propertiesOf(fast.template, 'AWS::CloudWatch::Alarm', 'AlarmName', 'vigil-acme-api-health');

  it('alarms on 10 s periods of the high-resolution Success: minimum below 1, 2 of 3, missing data breaching', () => {
    expect(fastAlarm()).toMatchObject({
      Namespace: 'Vigil',
      MetricName: 'Success',
      Dimensions: [{ Name: 'Monitor', Value: 'api-health' }],
      Statistic: 'Minimum',
      Period: 10,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      TreatMissingData: 'breaching',
    });
    expect(fastAlarm().AlarmDescription).toContain('fast mode · ALARM when 2 of 3 probes (every 10 s)');
  });

  it('still invokes the canary every minute, with the fast monitor in the payload', () => {
    const schedule = scheduleOf(fast.template, 'api-health');
    expect(schedule).toMatchObject({
      ScheduleExpression: 'rate(1 minute)',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: { RetryPolicy: { MaximumEventAgeInSeconds: 60 } },
    });
    const input = JSON.parse((schedule.Target as { Input: string }).Input);
    expect(input.monitors).toEqual([expect.objectContaining({ fast: true, timeoutMs: 4_000 })]);
  });

  it('no longer sizes the canary for a minute of probes: one probe and the send (4 s + 5 s)', () => {
    const monitor = fast.stack.monitors.get('api-health')?.monitor;
    if (!monitor) throw new Error('no api-health');
    expect(invocationDeadlineMs(monitor)).toBe(9_000);
    const canary = fast.template.toJSON().Resources[logicalId(fast.stack.canary.lambda)];
    expect(canary.Properties.Timeout).toBeLessThan(60 + TIMEOUT_MARGIN_SECONDS);
  });

  it('leaves the standard monitors on their schedule periods', () => {
    expect(
      propertiesOf(fast.template, 'AWS::CloudWatch::Alarm', 'AlarmName', 'vigil-acme-shop-health'),
    ).toMatchObject({ Period: 300, EvaluationPeriods: 5, DatapointsToAlarm: 3 });
  });
});
