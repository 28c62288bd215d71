/**
 * The stack as a whole: a redacted snapshot as a tripwire for anything the intent tests do not
 * pin, and the app entry point's behaviour on a bad config.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../lib/config/index.ts';
import { infraConfig, minimalConfig, withFirstMonitor } from '../support/configs.ts';
import { logicalId, redactedTemplate, type Synthesized, scheduleOf, synthVigil } from '../support/synth.ts';

let synth: Synthesized;
beforeAll(() => {
  synth = synthVigil(infraConfig);
});

describe('VigilStack', () => {
  it('matches the redacted snapshot (review the diff: it is what deploys)', () => {
    expect(redactedTemplate(synth.template)).toMatchSnapshot();
  });

  it('is environment-agnostic, so synth needs no AWS credentials', () => {
    expect(synth.stack.resolve(synth.stack.account)).toEqual({ Ref: 'AWS::AccountId' });
    expect(synth.stack.resolve(synth.stack.region)).toEqual({ Ref: 'AWS::Region' });
    expect(synth.stack.stackName).toBe('vigil-acme');
  });

  it('builds one HealthMonitor per enabled monitor', () => {
    expect([...synth.stack.monitors.keys()]).toEqual(['api-health', 'shop-health', 'nightly-report']);
  });

  it('deploys the smallest config: one schedule, one alarm paging by itself, no secret grants', () => {
    const { stack, template } = synthVigil(minimalConfig);
    expect(scheduleOf(template, 'home')).toMatchObject({ ScheduleExpression: 'rate(1 minute)' });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'vigil-tiny-home',
      Period: 60,
      AlarmActions: [{ Ref: logicalId(stack.paging.topics.P2) }],
    });
    expect(template.findResources('AWS::CloudWatch::CompositeAlarm')).toEqual({});
    expect(template.findResources('AWS::CloudWatch::AlarmMuteRule')).toEqual({});
    const canaryPolicy = JSON.stringify(
      template.findResources('AWS::IAM::Policy', {
        Properties: { Roles: [{ Ref: logicalId(stack.canary.role) }] },
      }),
    );
    expect(canaryPolicy).not.toMatch(/ssm:|secretsmanager:|kms:/);
  });

  it('fails synth with a ConfigError naming the path when a monitor cannot deploy', () => {
    expect(() => synthVigil(withFirstMonitor({ schedule: 'cron(0 9 ? * MON-FRI *)' }))).toThrow(ConfigError);
  });
});

describe('bin/app.ts', () => {
  it('prints a bad config problem with its path and exits 1, with no stack trace', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-app-'));
    const file = join(dir, 'bad.config.json');
    writeFileSync(
      file,
      JSON.stringify({
        project: 'bad',
        monitors: [{ kind: 'http', name: 'x', url: 'https://x.example', timeoutMs: '5' }],
      }),
    );
    const run = spawnSync('npx', ['tsx', 'bin/app.ts'], {
      cwd: join(import.meta.dirname, '../..'),
      env: { ...process.env, VIGIL_CONFIG: file, CDK_OUTDIR: join(dir, 'out') },
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('monitors[0].timeoutMs');
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });
});
