/**
 * `vigil mute` / `vigil unmute`: the exact CloudWatch mute rule calls (aws-sdk-client-mock; no
 * emulator has alarm mute rules), with a fixed clock, from a config file with services, written to
 * a temp dir and loaded by the real loader. One run as a process for a usage error.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as cloudwatchSdk from '@aws-sdk/client-cloudwatch';
import {
  CloudWatchClient,
  DeleteAlarmMuteRuleCommand,
  GetAlarmMuteRuleCommand,
  PutAlarmMuteRuleCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SWEEP_MINUTES } from '../../lambdas/pager/env.ts';
import { main, parseCliArgs, USAGE } from '../../lib/cli/main.ts';
import { formatMinutes, isoDuration, MAX_MUTE_MINUTES, parseMuteDuration } from '../../lib/cli/mute.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const cw = mockClient(CloudWatchClient);

/** 2026-02-24 09:05:41.500 UTC: the rules start at the top of the minute, 09:05. */
const NOW = Date.UTC(2026, 1, 24, 9, 5, 41, 500);
const ENV = { GITHUB_ACTOR: 'alice' };

/** 120 HTTP monitors in service "fleet": 120 monitor alarms + the composite + its P2 page = 122 alarms. */
const FLEET = Array.from({ length: 120 }, (_, i) => `node-${String(i + 1).padStart(3, '0')}`);

const CONFIG = {
  project: 'shop',
  services: {
    api: { description: 'The shop API', dependsOn: ['db'] },
    db: {},
    legacy: {},
    fleet: {},
  },
  maintenance: [{ name: 'sunday', days: ['SUN'], start: '02:00', end: '04:00' }],
  monitors: [
    {
      name: 'api-health',
      kind: 'http',
      url: 'https://api.example.com/health',
      service: 'api',
      severity: 'P1',
    },
    {
      name: 'orders',
      kind: 'queue',
      service: 'api',
      sqs: { queue: 'orders', deadLetterQueue: 'orders-dlq' },
      maxDepth: 1000,
      warnDepth: 500,
    },
    {
      name: 'api-beta',
      kind: 'http',
      url: 'https://beta.example.com/health',
      service: 'api',
      enabled: false,
    },
    { name: 'db-health', kind: 'http', url: 'https://db.example.com/health', service: 'db' },
    { name: 'old-admin', kind: 'http', url: 'https://admin.example.com/', service: 'legacy', enabled: false },
    ...FLEET.map((name) => ({
      name,
      kind: 'http',
      url: `https://${name}.example.com/health`,
      service: 'fleet',
    })),
  ],
};

/** What `vigil mute api` targets: both monitors' alarms, the queue's aspects, the composites per severity. */
const API_ALARMS = [
  'vigil-shop-api-health',
  'vigil-shop-orders',
  'vigil-shop-orders-warning',
  'vigil-shop-orders-dead-letters',
  'vigil-shop-service-api',
  'vigil-shop-service-api-P1',
  'vigil-shop-service-api-P2',
  'vigil-shop-service-api-P3',
];

let dir: string;
let configFile: string;
let clashFile: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-mute-test-'));
  configFile = join(dir, 'shop.json');
  await writeFile(configFile, JSON.stringify(CONFIG, null, 2));
  clashFile = join(dir, 'clash.json');
  await writeFile(
    clashFile,
    JSON.stringify({
      project: 'shop',
      maintenance: [{ name: 'cli-web', days: ['SUN'], start: '02:00', end: '04:00' }],
      monitors: [{ name: 'web', kind: 'http', url: 'https://example.com/' }],
    }),
  );
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

beforeEach(() => {
  cw.reset();
});

const client = new CloudWatchClient({
  region: 'eu-west-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
});

/** Runs `vigil` in-process with the mocked CloudWatch, the fixed clock and Istanbul as local time (UTC+3). */
async function run(args: readonly string[], env: Record<string, string> = ENV) {
  const out = { stdout: '', stderr: '' };
  const code = await main(
    args,
    {
      stdout: { write: (s: string) => (out.stdout += s) },
      stderr: { write: (s: string) => (out.stderr += s) },
      env,
    },
    {
      cloudwatch: async () => ({ sdk: cloudwatchSdk, client }),
      now: () => NOW,
      timeZone: 'Europe/Istanbul',
    },
  );
  return { code, ...out };
}

function notFound(name: string): ResourceNotFoundException {
  return new ResourceNotFoundException({ message: `Alarm mute rule ${name} not found`, $metadata: {} });
}

function awsError(name: string, message: string, httpStatusCode = 403): Error {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode } });
}

describe('--for durations', () => {
  it('accepts minutes, hours, both, and a day, case and spaces aside', () => {
    expect(parseMuteDuration('30m')).toEqual({ minutes: 30 });
    expect(parseMuteDuration('2h')).toEqual({ minutes: 120 });
    expect(parseMuteDuration('1h30m')).toEqual({ minutes: 90 });
    expect(parseMuteDuration('90m')).toEqual({ minutes: 90 });
    expect(parseMuteDuration(' 45M ')).toEqual({ minutes: 45 });
    expect(parseMuteDuration('1m')).toEqual({ minutes: 1 });
    expect(parseMuteDuration('24h')).toEqual({ minutes: MAX_MUTE_MINUTES });
    expect(parseMuteDuration('1d')).toEqual({ minutes: MAX_MUTE_MINUTES });
  });

  it('refuses what is not a whole number of minutes up to 24 h, naming the flag and the fix', () => {
    expect(parseMuteDuration('')).toEqual({ error: '--for needs a duration, e.g. 30m, 2h or 1h30m' });
    expect(parseMuteDuration('30')).toEqual({
      error: '--for 30: add a unit, e.g. 30m (minutes) or 30h (hours)',
    });
    expect(parseMuteDuration('90s')).toEqual({ error: '--for 90s: mutes last whole minutes; use 2m' });
    expect(parseMuteDuration('1.5h')).toEqual({
      error: '--for 1.5h: not a duration; give hours and/or minutes, e.g. 30m, 2h or 1h30m',
    });
    expect(parseMuteDuration('PT30M')).toMatchObject({ error: expect.stringContaining('not a duration') });
    expect(parseMuteDuration('30 min')).toMatchObject({ error: expect.stringContaining('not a duration') });
    expect(parseMuteDuration('0m')).toEqual({
      error: '--for 0m: must be at least 1 minute, e.g. 30m, 2h or 1h30m',
    });
    expect(parseMuteDuration('25h')).toEqual({
      error:
        '--for 25h: longer than the 24h maximum; mute again when it ends, or add a maintenance window to the config for recurring work',
    });
  });

  it('writes the ISO 8601 duration CloudWatch takes, and a human one', () => {
    expect([1, 30, 60, 90, 120, 1440].map(isoDuration)).toEqual([
      'PT1M',
      'PT30M',
      'PT1H',
      'PT1H30M',
      'PT2H',
      'PT24H',
    ]);
    expect([30, 60, 90].map(formatMinutes)).toEqual(['30 min', '1 h', '1 h 30 min']);
  });
});

describe('vigil mute', () => {
  it('puts one one-time mute rule on every alarm of the service, from this minute, and says until when', async () => {
    cw.on(PutAlarmMuteRuleCommand).resolves({});
    const { code, stdout, stderr } = await run([
      'mute',
      'api',
      '--for',
      '30m',
      '--reason',
      'deploy 1.4.2',
      '--config',
      configFile,
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(cw.calls()).toHaveLength(1);
    expect(cw.commandCalls(PutAlarmMuteRuleCommand)[0]?.args[0].input).toEqual({
      Name: 'vigil-shop-mute-cli-api',
      Description:
        'Muted by vigil mute: service "api" for 30 min until 2026-02-24 09:35 UTC, by alice. Reason: deploy 1.4.2',
      Rule: { Schedule: { Expression: 'at(2026-02-24T09:05)', Duration: 'PT30M', Timezone: 'UTC' } },
      MuteTargets: { AlarmNames: API_ALARMS },
    });
    expect(stdout).toBe(
      [
        '✓ Muted "api", 8 alarms, for 30 min: until 2026-02-24 09:35 UTC (2026-02-24 12:35 Europe/Istanbul)',
        '  mute rule vigil-shop-mute-cli-api: 8 alarms',
        'Reason: deploy 1.4.2',
        'Pages and remediation are held until then; checks and metrics keep running. Whatever still breaches',
        'when the mute ends pages then.',
        `Undo: vigil unmute api --config ${configFile}`,
        '',
      ].join('\n'),
    );
  });

  it('leaves out who and why when it does not know them, and crosses midnight in UTC', async () => {
    cw.on(PutAlarmMuteRuleCommand).resolves({});
    const { code } = await run(['mute', 'db', '--for', '24h', '--config', configFile], {});
    expect(code).toBe(0);
    expect(cw.commandCalls(PutAlarmMuteRuleCommand)[0]?.args[0].input).toEqual({
      Name: 'vigil-shop-mute-cli-db',
      Description: 'Muted by vigil mute: service "db" for 24 h until 2026-02-25 09:05 UTC',
      Rule: { Schedule: { Expression: 'at(2026-02-24T09:05)', Duration: 'PT24H', Timezone: 'UTC' } },
      MuteTargets: {
        AlarmNames: ['vigil-shop-db-health', 'vigil-shop-service-db', 'vigil-shop-service-db-P2'],
      },
    });
  });

  it('splits over 100 alarms into rules -1 and -2, 100 alarms to a rule, in order', async () => {
    cw.on(PutAlarmMuteRuleCommand).resolves({});
    const { code, stdout } = await run(['mute', 'fleet', '--for', '1h30m', '--config', configFile]);
    expect(code).toBe(0);
    const fleetAlarms = [
      ...FLEET.map((n) => `vigil-shop-${n}`),
      'vigil-shop-service-fleet',
      'vigil-shop-service-fleet-P2',
    ];
    const common = {
      Description: 'Muted by vigil mute: service "fleet" for 1 h 30 min until 2026-02-24 10:35 UTC, by alice',
      Rule: { Schedule: { Expression: 'at(2026-02-24T09:05)', Duration: 'PT1H30M', Timezone: 'UTC' } },
    };
    expect(cw.commandCalls(PutAlarmMuteRuleCommand).map((c) => c.args[0].input)).toEqual([
      {
        Name: 'vigil-shop-mute-cli-fleet-1',
        ...common,
        MuteTargets: { AlarmNames: fleetAlarms.slice(0, 100) },
      },
      { Name: 'vigil-shop-mute-cli-fleet-2', ...common, MuteTargets: { AlarmNames: fleetAlarms.slice(100) } },
    ]);
    expect(stdout).toContain('✓ Muted "fleet", 122 alarms, for 1 h 30 min: until 2026-02-24 10:35 UTC');
    expect(stdout).toContain('  mute rule vigil-shop-mute-cli-fleet-1: 100 alarms\n');
    expect(stdout).toContain('  mute rule vigil-shop-mute-cli-fleet-2: 22 alarms\n');
  });

  it('--all mutes every service that has alarms, one service after another', async () => {
    cw.on(PutAlarmMuteRuleCommand).resolves({});
    const { code, stdout } = await run(['mute', '--all', '--for', '2h', '--config', configFile]);
    expect(code).toBe(0);
    expect(cw.commandCalls(PutAlarmMuteRuleCommand).map((c) => c.args[0].input.Name)).toEqual([
      'vigil-shop-mute-cli-api',
      'vigil-shop-mute-cli-db',
      'vigil-shop-mute-cli-fleet-1',
      'vigil-shop-mute-cli-fleet-2',
    ]);
    expect(stdout).toMatch(
      /^✓ Muted 3 services \(api, db, fleet\), 133 alarms, for 2 h: until 2026-02-24 11:05 UTC/,
    );
    expect(stdout).toContain(`Undo: vigil unmute --all --config ${configFile}\n`);
  });

  it('an unknown service exits 2 and lists the known ones, without calling CloudWatch', async () => {
    const { code, stdout, stderr } = await run(['mute', 'checkout', '--for', '30m', '--config', configFile]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe('vigil: unknown service "checkout"; known services: api, db, legacy, fleet\n');
    expect(cw.calls()).toHaveLength(0);
  });

  it('a monitor named instead of its service exits 2 and names the service', async () => {
    const { code, stderr } = await run(['mute', 'orders', '--for', '30m', '--config', configFile]);
    expect(code).toBe(2);
    expect(stderr).toBe(
      'vigil: unknown service "orders"; "orders" is a monitor of service "api"; known services: api, db, legacy, fleet\n',
    );
  });

  it('a service with no enabled monitor exits 2: it has no alarm to mute', async () => {
    const { code, stderr } = await run(['mute', 'legacy', '--for', '30m', '--config', configFile]);
    expect(code).toBe(2);
    expect(stderr).toBe('vigil: service "legacy" has no enabled monitors, so it has no alarms to mute\n');
    expect(cw.calls()).toHaveLength(0);
  });

  it('refuses a rule name a maintenance window already has', async () => {
    const { code, stderr } = await run(['mute', 'web', '--for', '30m', '--config', clashFile]);
    expect(code).toBe(2);
    expect(stderr).toBe(
      `vigil: cannot mute "web": its mute rule vigil-shop-mute-cli-web is also the maintenance window "cli-web"'s; rename one of them\n`,
    );
    expect(cw.calls()).toHaveLength(0);
  });

  it('a bad --for exits 2 before the config is even read', async () => {
    const { code, stderr } = await run([
      'mute',
      'api',
      '--for',
      '90x',
      '--config',
      join(dir, 'missing.json'),
    ]);
    expect(code).toBe(2);
    expect(stderr).toBe(
      'vigil: --for 90x: not a duration; give hours and/or minutes, e.g. 30m, 2h or 1h30m\n',
    );
  });

  it('access denied exits 1 and says which permission on which resources is missing', async () => {
    cw.on(PutAlarmMuteRuleCommand).rejects(
      awsError(
        'AccessDenied',
        'User: arn:aws:sts::123456789012:assumed-role/deploy/ci is not authorized to perform: cloudwatch:PutAlarmMuteRule on resource: arn:aws:cloudwatch:eu-west-1:123456789012:alarm-mute-rule:vigil-shop-mute-cli-api',
      ),
    );
    const { code, stdout, stderr } = await run(['mute', 'api', '--for', '30m', '--config', configFile]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      [
        'vigil: could not mute "api" (mute rule vigil-shop-mute-cli-api): AccessDenied: User: arn:aws:sts::123456789012:assumed-role/deploy/ci is not authorized to perform: cloudwatch:PutAlarmMuteRule on resource: arn:aws:cloudwatch:eu-west-1:123456789012:alarm-mute-rule:vigil-shop-mute-cli-api',
        'hint: the caller needs cloudwatch:PutAlarmMuteRule on the mute rules (arn:aws:cloudwatch:REGION:ACCOUNT:alarm-mute-rule:vigil-shop-mute-cli-*) and, for PutAlarmMuteRule, on every alarm it targets (arn:aws:cloudwatch:REGION:ACCOUNT:alarm:vigil-shop-*); see "Muting from a pipeline" in the README',
        '',
      ].join('\n'),
    );
  });

  it('a failure after the first of several rules exits 1 and lists what is already muted, with the undo', async () => {
    cw.on(PutAlarmMuteRuleCommand)
      .resolvesOnce({})
      .rejectsOnce(awsError('ThrottlingException', 'Rate exceeded', 400));
    const { code, stderr } = await run(['mute', 'fleet', '--for', '30m', '--config', configFile]);
    expect(code).toBe(1);
    expect(stderr).toBe(
      [
        'vigil: could not mute "fleet" (mute rule vigil-shop-mute-cli-fleet-2): ThrottlingException: Rate exceeded',
        'already in place, muting until the end or the undo: vigil-shop-mute-cli-fleet-1',
        `undo: vigil unmute fleet --config ${configFile}`,
        '',
      ].join('\n'),
    );
  });

  it('no credentials exits 1 with the fix', async () => {
    cw.on(PutAlarmMuteRuleCommand).rejects(
      Object.assign(new Error('Could not load credentials from any providers'), {
        name: 'CredentialsProviderError',
      }),
    );
    const { code, stderr } = await run(['mute', 'db', '--for', '30m', '--config', configFile]);
    expect(code).toBe(1);
    expect(stderr).toContain('hint: no usable AWS credentials: set AWS_PROFILE');
  });
});

describe('vigil unmute', () => {
  it('ends the service’s mute now instead of deleting it, so the pager still pages what it held', async () => {
    cw.on(GetAlarmMuteRuleCommand).rejects(notFound('any'));
    cw.on(GetAlarmMuteRuleCommand, { AlarmMuteRuleName: 'vigil-shop-mute-cli-api' }).resolves({
      Name: 'vigil-shop-mute-cli-api',
      Description: 'Muted by vigil mute: service "api" for 30 min.',
      Status: 'ACTIVE',
      Rule: { Schedule: { Expression: 'at(2026-02-24T08:50)', Duration: 'PT30M', Timezone: 'UTC' } },
      MuteTargets: { AlarmNames: API_ALARMS },
    });
    cw.on(PutAlarmMuteRuleCommand).resolves({});
    const { code, stdout, stderr } = await run(['unmute', 'api', '--config', configFile]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(cw.commandCalls(GetAlarmMuteRuleCommand).map((c) => c.args[0].input)).toEqual([
      { AlarmMuteRuleName: 'vigil-shop-mute-cli-api' },
      { AlarmMuteRuleName: 'vigil-shop-mute-cli-api-1' },
    ]);
    // Same start and alarms; the window now closes at 09:06 (NOW is 09:05:41), 16 minutes after 08:50.
    expect(cw.commandCalls(PutAlarmMuteRuleCommand).map((c) => c.args[0].input)).toEqual([
      {
        Name: 'vigil-shop-mute-cli-api',
        Description: 'Muted by vigil mute: service "api" for 30 min. Ended early by vigil unmute.',
        Rule: { Schedule: { Expression: 'at(2026-02-24T08:50)', Duration: 'PT16M', Timezone: 'UTC' } },
        MuteTargets: { AlarmNames: API_ALARMS },
      },
    ]);
    expect(cw.commandCalls(DeleteAlarmMuteRuleCommand)).toHaveLength(0);
    // What `vigil --help` claims is what the calls above do: the rule is shortened, not deleted, and
    // what it held pages at the pager's sweep (its interval is the pager's own default).
    expect(USAGE.replace(/\s+/g, ' ')).toContain(
      `unmute ends the mute window now (the rule is shortened, not deleted), so an alarm still in ALARM pages at the pager's next sweep, within ${DEFAULT_SWEEP_MINUTES} minutes.`,
    );
    expect(stdout).toBe(
      [
        '✓ Unmuted "api"',
        '  ended mute rule vigil-shop-mute-cli-api now (8 alarms; it expires by itself)',
        "Alarm actions are live again. An alarm that went to ALARM during the mute and is still there pages at the pager's next sweep (within 15 minutes).",
        '',
      ].join('\n'),
    );
  });

  it('deletes every part of a split mute, and a part whose mute already ended', async () => {
    cw.on(GetAlarmMuteRuleCommand).rejects(notFound('any'));
    cw.on(GetAlarmMuteRuleCommand, { AlarmMuteRuleName: 'vigil-shop-mute-cli-fleet-1' }).resolves({
      Status: 'ACTIVE',
      MuteTargets: { AlarmNames: Array.from({ length: 100 }, (_, i) => `a${i}`) },
    });
    cw.on(GetAlarmMuteRuleCommand, { AlarmMuteRuleName: 'vigil-shop-mute-cli-fleet-2' }).resolves({
      Status: 'EXPIRED',
      MuteTargets: { AlarmNames: ['a100', 'a101'] },
    });
    cw.on(DeleteAlarmMuteRuleCommand).resolves({});
    const { code, stdout } = await run(['unmute', 'fleet', '--config', configFile]);
    expect(code).toBe(0);
    expect(cw.commandCalls(GetAlarmMuteRuleCommand).map((c) => c.args[0].input.AlarmMuteRuleName)).toEqual([
      'vigil-shop-mute-cli-fleet',
      'vigil-shop-mute-cli-fleet-1',
      'vigil-shop-mute-cli-fleet-2',
      'vigil-shop-mute-cli-fleet-3',
    ]);
    expect(cw.commandCalls(DeleteAlarmMuteRuleCommand).map((c) => c.args[0].input)).toEqual([
      { AlarmMuteRuleName: 'vigil-shop-mute-cli-fleet-1' },
      { AlarmMuteRuleName: 'vigil-shop-mute-cli-fleet-2' },
    ]);
    expect(stdout).toContain(
      '  deleted mute rule vigil-shop-mute-cli-fleet-2 (2 alarms; its mute had already ended)\n',
    );
  });

  it('a service that is not muted exits 0 and says there was nothing to unmute', async () => {
    cw.on(GetAlarmMuteRuleCommand).rejects(notFound('any'));
    const { code, stdout, stderr } = await run(['unmute', 'db', '--config', configFile]);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toBe(
      '"db" is not muted by vigil mute (no vigil-shop-mute-cli-db rule); nothing to unmute\n',
    );
    expect(cw.commandCalls(DeleteAlarmMuteRuleCommand)).toHaveLength(0);
  });

  it('--all with nothing muted exits 0 and says so', async () => {
    cw.on(GetAlarmMuteRuleCommand).rejects(notFound('any'));
    const { code, stdout } = await run(['unmute', '--all', '--config', configFile]);
    expect(code).toBe(0);
    expect(stdout).toBe(
      'no service is muted by vigil mute (no vigil-shop-mute-cli-* rule); nothing to unmute\n',
    );
    // Both shapes of every service's rules were looked for.
    expect(cw.commandCalls(GetAlarmMuteRuleCommand)).toHaveLength(8);
  });

  it('an unknown service exits 2 and lists the known ones', async () => {
    const { code, stderr } = await run(['unmute', 'checkout', '--config', configFile]);
    expect(code).toBe(2);
    expect(stderr).toBe('vigil: unknown service "checkout"; known services: api, db, legacy, fleet\n');
    expect(cw.calls()).toHaveLength(0);
  });

  it('access denied exits 1 and names the permissions unmute needs', async () => {
    cw.on(GetAlarmMuteRuleCommand).rejects(
      awsError(
        'AccessDenied',
        'User: arn:aws:sts::123456789012:assumed-role/deploy/ci is not authorized to perform: cloudwatch:GetAlarmMuteRule',
      ),
    );
    const { code, stderr } = await run(['unmute', 'api', '--config', configFile]);
    expect(code).toBe(1);
    expect(stderr).toContain('vigil: could not unmute "api": AccessDenied: User: ');
    expect(stderr).toContain(
      'hint: the caller needs cloudwatch:GetAlarmMuteRule, cloudwatch:PutAlarmMuteRule, cloudwatch:DeleteAlarmMuteRule on the mute rules (arn:aws:cloudwatch:REGION:ACCOUNT:alarm-mute-rule:vigil-shop-mute-cli-*) and, for PutAlarmMuteRule, on every alarm it targets (arn:aws:cloudwatch:REGION:ACCOUNT:alarm:vigil-shop-*)',
    );
    expect(cw.commandCalls(DeleteAlarmMuteRuleCommand)).toHaveLength(0);
  });
});

describe('mute and unmute arguments', () => {
  it('parses SERVICE or --all, --for and a trimmed --reason', () => {
    expect(parseCliArgs(['mute', 'api', '--for', '30m', '--reason', ' backup '])).toEqual({
      kind: 'run',
      command: 'mute',
      config: 'vigil.config.ts',
      target: { service: 'api' },
      duration: '30m',
      reason: 'backup',
    });
    expect(parseCliArgs(['unmute', '--all', '-c', 'x.json'])).toEqual({
      kind: 'run',
      command: 'unmute',
      config: 'x.json',
      target: { all: true },
    });
  });

  it('says what is missing or misplaced', () => {
    const message = (argv: string[]) => {
      const parsed = parseCliArgs(argv);
      return parsed.kind === 'error' ? parsed.message : undefined;
    };
    expect(message(['mute', 'api'])).toBe('mute needs --for DURATION, e.g. --for 30m (at most 24h)');
    expect(message(['mute', '--for', '30m'])).toBe(
      'mute needs a SERVICE (or --all), e.g. vigil mute api --for 30m',
    );
    expect(message(['unmute'])).toBe('unmute needs a SERVICE (or --all), e.g. vigil unmute api');
    expect(message(['mute', 'api', 'db', '--for', '30m'])).toBe(
      'mute takes one SERVICE, got "api", "db"; use --all for every service',
    );
    expect(message(['mute', 'api', '--all', '--for', '30m'])).toBe(
      'give a SERVICE or --all, not both (got "api" and --all)',
    );
    expect(message(['mute', 'api', '--for', '30m', '--reason', ' '])).toBe(
      '--reason needs text, e.g. --reason "deploy 1.4.2"',
    );
    expect(message(['unmute', 'api', '--for', '30m'])).toBe('--for only applies to "vigil mute"');
    expect(message(['mute', 'api', '--for', '30m', '--json'])).toBe('--json only applies to "vigil check"');
    expect(message(['check', '--for', '30m'])).toBe('--for only applies to "vigil mute"');
    expect(message(['validate', '--all'])).toBe('--all only applies to "vigil mute" and "vigil unmute"');
  });
});

describe('vigil mute as a process', () => {
  it('a bad --for exits 2 and names the flag and the fix', async () => {
    const { code, stdout, stderr } = await new Promise<{
      code: number | null;
      stdout: string;
      stderr: string;
    }>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [join(ROOT, 'bin', 'vigil.mjs'), 'mute', 'api', '--for', '90s', '--config', configFile],
        { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], timeout: 20_000 },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => {
        stdout += c;
      });
      child.stderr.setEncoding('utf8').on('data', (c: string) => {
        stderr += c;
      });
      child.once('error', reject);
      child.once('close', (code) => resolve({ code, stdout, stderr }));
    });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe('vigil: --for 90s: mutes last whole minutes; use 2m\n');
  });
});
