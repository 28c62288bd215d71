/**
 * Watching the watcher: alarms on the canary, its schedules, the dead-letter queue and the pager,
 * paging P2 under the built-in service `vigil`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../lib/config/index.ts';
import { incidentConfig } from '../support/configs.ts';
import { logicalId, propertiesNamed, type Synthesized, synthVigil } from '../support/synth.ts';

let synth: Synthesized;
beforeAll(() => {
  synth = synthVigil(incidentConfig);
});

const alarm = (name: string) => propertiesNamed(synth.template, 'AWS::CloudWatch::Alarm', 'AlarmName', name);
const raw = () => [{ Ref: logicalId(synth.stack.paging.topics.P2) }];

describe('alarms on Vigil itself', () => {
  it('pages P2 when the canary Lambda errors at all in 5 minutes', () => {
    expect(alarm('vigil-shop-vigil-canary-errors')).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(synth.stack.canary.lambda) } }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
      AlarmActions: raw(),
      OKActions: raw(),
    });
  });

  it('pages P2 when the canary was not invoked in 5 minutes, treating no data as breaching (the schedules stopped)', () => {
    expect(alarm('vigil-shop-vigil-canary-stopped')).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Invocations',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(synth.stack.canary.lambda) } }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'breaching',
      AlarmActions: raw(),
    });
  });

  it('widens the not-invoked period to twice the fastest schedule when checks run less often than every 5 minutes', () => {
    const { template } = synthVigil(
      parseConfig({
        project: 'slow',
        monitors: [{ kind: 'http', name: 'home', url: 'https://example.com/', schedule: 'rate(10 minutes)' }],
      }),
    );
    expect(
      propertiesNamed(template, 'AWS::CloudWatch::Alarm', 'AlarmName', 'vigil-slow-vigil-canary-stopped'),
    ).toMatchObject({
      Period: 1200,
      TreatMissingData: 'breaching',
    });
  });

  it('pages P2 while the dead-letter queue holds any message', () => {
    expect(alarm('vigil-shop-vigil-undelivered')).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        { Name: 'QueueName', Value: { 'Fn::GetAtt': [expect.stringMatching(/^DeadLetters/), 'QueueName'] } },
      ],
      Statistic: 'Maximum',
      Period: 300,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: raw(),
    });
  });

  it('pages P2 when the pager errors, also straight to the readable P2 topic (the pager cannot page its own failure)', () => {
    const notify = { Ref: logicalId(synth.stack.notify.topics.P2) };
    expect(alarm('vigil-shop-vigil-pager-errors')).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(synth.stack.pager.lambda) } }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [...raw(), notify],
      OKActions: [...raw(), notify],
    });
  });

  it('says in each description what broke and what to do', () => {
    for (const name of ['canary-errors', 'canary-stopped', 'undelivered', 'pager-errors']) {
      expect(alarm(`vigil-shop-vigil-${name}`).AlarmDescription).toMatch(
        /^Vigil P2 · service vigil · .{40,}/,
      );
    }
  });
});
