import { describe, expect, it } from 'vitest';
import { ConfigError, type VigilConfig } from '../../lib/config/index.ts';
import { alarmPeriodSeconds, UnsupportedScheduleError } from '../../lib/monitors/alarm-timing.ts';
import { assertDeployable, deploymentIssues } from '../../lib/monitors/deployment-checks.ts';
import { infraConfig, withFirstMonitor } from '../support/configs.ts';

describe('alarmPeriodSeconds', () => {
  it.each([
    ['rate(1 minute)', 60],
    ['rate(5 minutes)', 300],
    ['rate(2 hours)', 7200],
    ['rate(1 day)', 86_400],
  ])('gives a rate its interval: %s -> %i s', (expression, seconds) => {
    expect(alarmPeriodSeconds(expression)).toBe(seconds);
  });

  it.each([
    ['cron(* * * * ? *)', 60],
    ['cron(0/15 * * * ? *)', 900],
    ['cron(*/10 * * * ? *)', 600],
    ['cron(0 * * * ? *)', 3600],
    ['cron(30 */6 * * ? *)', 21_600],
    // 09:00 and 17:00: the overnight gap (16 h) is the longest.
    ['cron(0 9,17 * * ? *)', 57_600],
    // Every 5 minutes from 08:00 to 17:55: the gap from 17:55 to 08:00 the next day.
    ['cron(0/5 8-17 * * ? *)', 50_700],
    // 0 and 45: the 45-minute gap is the longest, not the average.
    ['cron(0,45 * * * ? *)', 2700],
    ['cron(0 3 ? * * *)', 86_400],
  ])('gives a daily cron its longest gap between runs: %s -> %i s', (expression, seconds) => {
    expect(alarmPeriodSeconds(expression)).toBe(seconds);
  });

  it.each(['cron(0/5 * ? * MON-FRI *)', 'cron(0 9 1 * ? *)', 'cron(0 9 ? 1 * *)', 'cron(0 9 * * ? 2027)'])(
    'refuses a cron that does not run every day, which would page on its days off: %s',
    (expression) => {
      expect(() => alarmPeriodSeconds(expression)).toThrow(UnsupportedScheduleError);
      expect(() => alarmPeriodSeconds(expression)).toThrow(/does not run every day/);
    },
  );

  it('refuses a field it cannot read, naming it', () => {
    expect(() => alarmPeriodSeconds('cron(0 L * * ? *)')).toThrow(/hours field "L"/);
    expect(() => alarmPeriodSeconds('cron(0/0 * * * ? *)')).toThrow(/minutes field/);
    expect(() => alarmPeriodSeconds('cron(61 * * * ? *)')).toThrow(/outside 0-59/);
  });
});

describe('deploymentIssues', () => {
  it('accepts the fixture config', () => {
    expect(deploymentIssues(infraConfig)).toEqual([]);
  });

  it('names the schedule of a monitor whose cron skips days', () => {
    const issues = deploymentIssues(withFirstMonitor({ schedule: 'cron(0/5 * ? * MON-FRI *)' }));
    expect(issues).toEqual([{ path: 'monitors[0].schedule', message: expect.stringMatching(/every day/) }]);
  });

  it('names evaluationPeriods when period x periods exceeds what CloudWatch evaluates', () => {
    // 30 minutes x 50 = 25 h; CloudWatch allows 1 day for periods under an hour.
    const issues = deploymentIssues(
      withFirstMonitor({
        schedule: 'rate(30 minutes)',
        alarm: { datapointsToAlarm: 2, evaluationPeriods: 50 },
      }),
    );
    expect(issues).toEqual([
      {
        path: 'monitors[0].alarm.evaluationPeriods',
        message: expect.stringMatching(/at most 48 evaluation periods/),
      },
    ]);
  });

  it('allows up to 7 days of evaluation for periods of an hour or more', () => {
    const config = withFirstMonitor({
      schedule: 'rate(1 day)',
      alarm: { datapointsToAlarm: 1, evaluationPeriods: 7 },
    });
    expect(deploymentIssues(config)).toEqual([]);
  });

  it('names a monitor whose payload exceeds the Scheduler input limit (256 KB)', () => {
    const huge = withFirstMonitor({ assertions: [{ path: 'status', oneOf: ['x'.repeat(300 * 1024)] }] });
    expect(deploymentIssues(huge)).toEqual([
      { path: 'monitors[0]', message: expect.stringMatching(/"api-health" is \d+ bytes.*at most 262144/) },
    ]);
  });

  it('ignores disabled monitors, which deploy nothing', () => {
    expect(deploymentIssues(withFirstMonitor({ enabled: false, schedule: 'cron(0 9 ? * MON *)' }))).toEqual(
      [],
    );
  });

  it('throws a ConfigError listing every issue, source first', () => {
    const config: VigilConfig = withFirstMonitor({ schedule: 'cron(0 9 ? * MON *)' });
    expect(() => assertDeployable(config, 'vigil.config.ts')).toThrow(ConfigError);
    expect(() => assertDeployable(config, 'vigil.config.ts')).toThrow(
      /^vigil\.config\.ts: invalid Vigil config \(1 problem\):\n {2}- monitors\[0\]\.schedule: /,
    );
  });
});
