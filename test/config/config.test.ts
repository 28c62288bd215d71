import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  canaryEventSchema,
  loadConfig,
  parseCanaryEvent,
  parseConfig,
  rateSeconds,
  toCanaryEvent,
} from '../../lib/config/index.ts';
import { problems } from '../support/config-problems.ts';

const http = (over: Record<string, unknown> = {}) => ({
  name: 'madef-api-health',
  kind: 'http',
  url: 'https://madef.example.com/api/health',
  ...over,
});

describe('config validation names the path and the fix', () => {
  it('rejects an unknown field and suggests the known one', () => {
    expect(problems({ project: 'x', monitors: [http({ timeoutMS: 500 })] })).toEqual([
      'monitors[0].timeoutMS: unknown field; did you mean "timeoutMs"?',
    ]);
  });

  it('rejects an unknown top-level field', () => {
    expect(problems({ project: 'x', monitor: [], monitors: [http()] })).toEqual([
      'monitor: unknown field; did you mean "monitors"?',
    ]);
  });

  it('rejects a bad URL', () => {
    expect(problems({ project: 'x', monitors: [http({ url: 'madef.example.com/api/health' })] })).toEqual([
      'monitors[0].url: "madef.example.com/api/health" is not a URL; use e.g. "https://api.example.com/health"',
    ]);
  });

  it('rejects a non-HTTP URL and embedded credentials', () => {
    expect(problems({ project: 'x', monitors: [http({ url: 'ftp://a.example.com/' })] })).toEqual([
      'monitors[0].url: ftp: is not supported; use an http:// or https:// URL',
    ]);
    expect(problems({ project: 'x', monitors: [http({ url: 'https://u:p@a.example.com/' })] })[0]).toMatch(
      /^monitors\[0\]\.url: must not embed credentials; put them in a header/,
    );
  });

  it('rejects a threshold of the wrong type and says to drop the quotes', () => {
    expect(problems({ project: 'x', monitors: [http({ maxLatencyMs: '500' })] })).toEqual([
      'monitors[0].maxLatencyMs: expected number, got the string "500"; write the number without quotes',
    ]);
    expect(
      problems({
        project: 'x',
        monitors: [http({ assertions: [{ path: 'checks.memory.percentage', lt: '85' }] })],
      }),
    ).toEqual([
      'monitors[0].assertions[0].lt: expected number, got the string "85"; write the number without quotes',
    ]);
  });

  it('rejects a duplicate monitor name, pointing at the second one', () => {
    expect(problems({ project: 'x', monitors: [http(), http({ url: 'https://b.example.com/' })] })).toEqual([
      'monitors[1].name: "madef-api-health" is already the name of monitors[0]; monitor names must be unique',
    ]);
  });

  it('rejects a schedule under one minute', () => {
    expect(problems({ project: 'x', monitors: [http({ schedule: 'rate(30 seconds)' })] })).toEqual([
      `monitors[0].schedule: rate(30 seconds) is below EventBridge Scheduler's 1-minute minimum; use "rate(1 minute)", or fast: true on an HTTP monitor to probe every 10 s`,
    ]);
    expect(problems({ project: 'x', defaults: { schedule: 'rate(0 minutes)' }, monitors: [http()] })).toEqual(
      ['defaults.schedule: rate(0 minutes) must be at least 1; use "rate(1 minute)"'],
    );
  });

  it('rejects schedule spellings EventBridge would refuse at deploy time', () => {
    expect(problems({ project: 'x', monitors: [http({ schedule: 'rate(5 minute)' })] })).toEqual([
      'monitors[0].schedule: rate(5 minute): EventBridge wants the plural unit; use "rate(5 minutes)"',
    ]);
    expect(problems({ project: 'x', monitors: [http({ schedule: 'every minute' })] })).toEqual([
      'monitors[0].schedule: "every minute" is not a schedule; use "rate(1 minute)", "rate(5 minutes)" or "cron(...)"',
    ]);
  });

  it('rejects an unknown monitor kind', () => {
    expect(problems({ project: 'x', monitors: [http({ kind: 'htp' })] })).toEqual([
      'monitors[0].kind: kind "htp" is not a monitor kind; use one of "http", "queue", "backup", "command"',
    ]);
  });

  it('rejects an assertion with no operator or two operators', () => {
    const lines = problems({
      project: 'x',
      monitors: [http({ assertions: [{ path: 'checks.database.status' }, { path: 'a', lt: 1, gt: 2 }] })],
    });
    expect(lines[0]).toMatch(/^monitors\[0\]\.assertions\[0\]: needs one operator: equals, oneOf/);
    expect(lines[1]).toBe(
      'monitors[0].assertions[1]: has lt and gt; use exactly one operator per assertion (add a second assertion for the other)',
    );
  });

  it('rejects a header secret written the wrong way, naming the header', () => {
    expect(
      problems({
        project: 'x',
        monitors: [http({ headers: { authorization: { ssmParam: '/vigil/token' } } })],
      }),
    ).toEqual([
      'monitors[0].headers.authorization: must be plain text, { ssmParameter: "/vigil/app/token" } or { secretsManager: "vigil/app/token", jsonKey?: "token" } (each with an optional prefix such as "Bearer ")',
    ]);
  });

  it('rejects M of N with M over N, in one alarm or from defaults too', () => {
    expect(
      problems({
        project: 'x',
        monitors: [http({ alarm: { datapointsToAlarm: 4, evaluationPeriods: 3 } })],
      }),
    ).toEqual([
      'monitors[0].alarm.datapointsToAlarm: 4 is more than evaluationPeriods (3); M of N needs M <= N',
    ]);
    expect(
      problems({
        project: 'x',
        defaults: { alarm: { evaluationPeriods: 3 } },
        monitors: [http({ alarm: { datapointsToAlarm: 4 } })],
      }),
    ).toEqual([
      'monitors[0].alarm.datapointsToAlarm: 4 is more than evaluationPeriods (3); M of N needs M <= N',
    ]);
  });

  it('rejects bad subscribers under their severity', () => {
    expect(
      problems({
        project: 'x',
        paging: { P1: { email: ['oncall'], sms: ['5555550100'] } },
        monitors: [http()],
      }),
    ).toEqual([
      'paging.P1.email[0]: must be an email address, e.g. "oncall@example.com"',
      'paging.P1.sms[0]: must be an E.164 phone number, e.g. "+15555550100"',
    ]);
  });

  it('reports every problem at once, so nothing is lost between fixes', () => {
    const lines = problems({
      project: 'x',
      monitors: [http({ url: 'nope', timeoutMs: 10 }), http({ name: 'Bad Name', severity: 'P5' })],
    });
    expect(lines.map((l) => l.split(':')[0])).toEqual([
      'monitors[0].url',
      'monitors[0].timeoutMs',
      'monitors[1].name',
      'monitors[1].severity',
    ]);
  });
});

describe('config resolution', () => {
  it('applies the documented defaults', () => {
    const config = parseConfig({ project: 'x', monitors: [http()] });
    expect(config.monitors[0]).toMatchObject({
      service: 'madef-api-health',
      severity: 'P2',
      schedule: 'rate(1 minute)',
      // Confirmed by a second probe 5 s after the first, one failing minute pages.
      alarm: { datapointsToAlarm: 1, evaluationPeriods: 1 },
      confirm: { afterMs: 5_000 },
      method: 'GET',
      timeoutMs: 10_000,
      maxRedirects: 5,
      maxBodyBytes: 1_048_576,
      retryNetworkErrors: true,
      expectStatus: [],
      enabled: true,
    });
    expect(config.logRetentionDays).toBe(30);
  });

  it('lets config defaults and the monitor override in that order', () => {
    const config = parseConfig({
      project: 'x',
      defaults: { severity: 'P3', alarm: { evaluationPeriods: 5 }, timeoutMs: 4_000 },
      monitors: [http({ severity: 'P1', alarm: { datapointsToAlarm: 3 } })],
    });
    expect(config.monitors[0]).toMatchObject({
      severity: 'P1',
      alarm: { datapointsToAlarm: 3, evaluationPeriods: 5 },
      timeoutMs: 4_000,
    });
  });

  it('round-trips a resolved monitor through the canary event schema', () => {
    const [monitor] = parseConfig({
      project: 'x',
      monitors: [
        http({
          headers: { authorization: { secretsManager: 'vigil/madef', jsonKey: 'token', prefix: 'Bearer ' } },
          assertions: [{ path: 'checks.database.status', equals: 'ok' }],
          componentMetrics: ['database'],
        }),
      ],
    }).monitors;
    if (!monitor) throw new Error('no monitor');
    const event = JSON.parse(JSON.stringify(toCanaryEvent(monitor)));
    expect(canaryEventSchema.safeParse(event).success).toBe(true);
    expect(parseCanaryEvent(event)).toEqual(monitor);
  });

  it('computes the seconds between rate() runs', () => {
    expect(rateSeconds('rate(1 minute)')).toBe(60);
    expect(rateSeconds('rate(5 minutes)')).toBe(300);
    expect(rateSeconds('rate(2 hours)')).toBe(7200);
    expect(rateSeconds('cron(0 * * * ? *)')).toBeUndefined();
  });
});

describe('fast mode', () => {
  it('gives a fast monitor its own defaults: every minute, 4 s timeout, 2 of 3, no confirmation, not the config defaults', () => {
    const [fast, standard] = parseConfig({
      project: 'x',
      defaults: {
        schedule: 'rate(5 minutes)',
        alarm: { datapointsToAlarm: 1, evaluationPeriods: 1 },
        timeoutMs: 20_000,
      },
      monitors: [http({ fast: true }), http({ name: 'other' })],
    }).monitors;
    expect(fast).toMatchObject({
      fast: true,
      schedule: 'rate(1 minute)',
      timeoutMs: 4_000,
      alarm: { datapointsToAlarm: 2, evaluationPeriods: 3 },
      confirm: false,
    });
    expect(standard).toMatchObject({ fast: false, schedule: 'rate(5 minutes)', timeoutMs: 20_000 });
  });

  it("lets the monitor's own alarm and timeout override fast mode's defaults", () => {
    const [fast] = parseConfig({
      project: 'x',
      monitors: [http({ fast: true, timeoutMs: 9_000, alarm: { evaluationPeriods: 6 } })],
    }).monitors;
    expect(fast).toMatchObject({ timeoutMs: 9_000, alarm: { datapointsToAlarm: 2, evaluationPeriods: 6 } });
  });

  it('rejects fast mode on a monitor that is not HTTP, naming the field', () => {
    expect(
      problems({
        project: 'x',
        monitors: [
          http(),
          { kind: 'queue', name: 'orders', sqs: { queue: 'orders' }, maxDepth: 10, fast: true },
        ],
      }),
    ).toEqual([
      'monitors[1].fast: fast mode is for HTTP monitors only: a queue check reads a value that changes over minutes, not seconds; remove fast: true',
    ]);
  });

  it('rejects a schedule other than rate(1 minute)', () => {
    expect(problems({ project: 'x', monitors: [http({ fast: true, schedule: 'rate(5 minutes)' })] })).toEqual(
      [
        'monitors[0].schedule: rate(5 minutes) does not work with fast: true, which is invoked every minute and probes every 10 s from there; remove schedule (or use "rate(1 minute)")',
      ],
    );
    expect(
      problems({ project: 'x', monitors: [http({ fast: true, schedule: 'cron(* * * * ? *)' })] }),
    ).toHaveLength(1);
  });

  it('rejects a timeout that would run into the next probe', () => {
    expect(problems({ project: 'x', monitors: [http({ fast: true, timeoutMs: 9_001 })] })).toEqual([
      'monitors[0].timeoutMs: 9001 ms is too long for fast: true: a probe must end before the next one starts 10 s later; use at most 9000 (default 4000)',
    ]);
  });

  it('rejects 1 of N (one lost probe would page) and windows longer than 5 minutes', () => {
    expect(
      problems({
        project: 'x',
        monitors: [http({ fast: true, alarm: { datapointsToAlarm: 1, evaluationPeriods: 1 } })],
      }),
    ).toEqual([
      'monitors[0].alarm.datapointsToAlarm: 1 of 1 would page on one lost 10 s probe (a dropped packet, a late slot leaving one period empty, which counts as breaching); use at least 2 with fast: true',
    ]);
    // N alone shrinks the default M to it: 1 of 1, refused at the field given.
    expect(
      problems({ project: 'x', monitors: [http({ fast: true, alarm: { evaluationPeriods: 1 } })] }),
    ).toEqual([
      'monitors[0].alarm.evaluationPeriods: 1 of 1 would page on one lost 10 s probe (a dropped packet, a late slot leaving one period empty, which counts as breaching); use at least 2 with fast: true',
    ]);
    expect(
      problems({ project: 'x', monitors: [http({ fast: true, alarm: { evaluationPeriods: 31 } })] }),
    ).toEqual([
      'monitors[0].alarm.evaluationPeriods: 31 periods of 10 s is more than 30 (5 minutes), which a standard monitor detects as quickly at a third of the alarm price; use at most 30 or drop fast: true',
    ]);
  });

  it('round-trips a fast monitor through the canary event, and leaves fast out of standard payloads', () => {
    const [fast, standard] = parseConfig({
      project: 'x',
      monitors: [http({ fast: true }), http({ name: 'other' })],
    }).monitors;
    if (!fast || !standard) throw new Error('no monitors');
    const event = JSON.parse(JSON.stringify(toCanaryEvent(fast)));
    expect(event.monitor.fast).toBe(true);
    expect(parseCanaryEvent(event)).toEqual(fast);
    expect('fast' in toCanaryEvent(standard).monitor).toBe(false);
    expect(parseCanaryEvent(JSON.parse(JSON.stringify(toCanaryEvent(standard))))).toEqual(standard);
  });
});

describe('config files', () => {
  it('loads and validates the shipped example', async () => {
    const config = await loadConfig('vigil.config.ts');
    expect(config.project).toBe('example');
    expect(config.monitors.map((m) => m.name)).toContain('madef-api-health');
    const madef = config.monitors.find((m) => m.name === 'madef-api-health');
    expect(madef?.kind === 'http' && madef.assertions).toContainEqual({
      path: 'checks.memory.percentage',
      lt: 85,
    });
  });

  it('names the file and the path when a TypeScript config is invalid', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-config-'));
    const file = join(dir, 'vigil.config.ts');
    writeFileSync(
      file,
      `export default { project: 'x', monitors: [{ name: 'a', kind: 'http', url: 'https://a.example.com', timeoutMs: 'soon' }] };\n`,
    );
    await expect(loadConfig(file)).rejects.toThrow(
      `${file}: invalid Vigil config (1 problem):\n  - monitors[0].timeoutMs: expected number, got the string "soon"; write the number without quotes`,
    );
  });

  it('says how to fix a missing file or a missing default export', async () => {
    await expect(loadConfig('/nonexistent/vigil.config.ts')).rejects.toThrow(
      /no config file at .*pass --config FILE/,
    );
    const dir = mkdtempSync(join(tmpdir(), 'vigil-config-'));
    const file = join(dir, 'empty.config.ts');
    writeFileSync(file, 'export const x = 1;\n');
    await expect(loadConfig(file)).rejects.toThrow(
      /has no default export; end the file with `export default defineConfig/,
    );
  });
});

describe('queue, backup and command monitors', () => {
  const queue = (over: Record<string, unknown> = {}) => ({
    name: 'orders',
    kind: 'queue',
    sqs: { queue: 'orders' },
    maxDepth: 1000,
    ...over,
  });

  it('resolves each kind with its defaults', () => {
    const config = parseConfig({
      project: 'x',
      monitors: [
        queue({ sqs: { queue: 'orders', deadLetterQueue: 'orders-dlq' }, warnDepth: 500 }),
        { name: 'dumps', kind: 'backup', s3: { bucket: 'acme-backups', prefix: 'madef/' } },
        { name: 'worker', kind: 'command', instances: ['i-0123456789abcdef0'], command: 'pnpm health-check' },
      ],
    });
    expect(config.monitors[0]).toMatchObject({
      kind: 'queue',
      source: { kind: 'sqs', queue: 'orders', deadLetterQueue: 'orders-dlq' },
      warningSeverity: 'P3',
      schedule: 'rate(1 minute)',
    });
    expect(config.monitors[1]).toMatchObject({
      kind: 'backup',
      source: { kind: 's3', bucket: 'acme-backups', prefix: 'madef/', minSizeBytes: 1, verifyGzip: true },
      maxAgeHours: 24,
      schedule: 'rate(1 hour)',
    });
    expect(config.monitors[2]).toMatchObject({
      kind: 'command',
      targets: { instances: ['i-0123456789abcdef0'] },
      timeoutSeconds: 60,
    });
    for (const monitor of config.monitors) {
      expect(parseCanaryEvent(JSON.parse(JSON.stringify(toCanaryEvent(monitor))))).toEqual(monitor);
    }
  });

  it('rejects a queue with two sources or with nothing to watch', () => {
    expect(
      problems({
        project: 'x',
        monitors: [queue({ endpoint: { url: 'https://a.example.com/q', depthPath: 'pending' } })],
      }),
    ).toEqual([
      'monitors[0]: give exactly one source: sqs: { queue: "orders" } or endpoint: { url: "https://...", depthPath: "outbox.pending" }',
    ]);
    expect(problems({ project: 'x', monitors: [queue({ maxDepth: undefined })] })).toEqual([
      'monitors[0]: watches nothing; set maxDepth, warnDepth, maxOldestMessageAgeSeconds, stalled or sqs.deadLetterQueue',
    ]);
  });

  it('rejects a warning level at or above the critical one', () => {
    expect(problems({ project: 'x', monitors: [queue({ warnDepth: 1000 })] })).toEqual([
      'monitors[0].warnDepth: 1000 is not below maxDepth (1000); the warning level must come first',
    ]);
  });

  it('rejects a bad queue reference', () => {
    expect(problems({ project: 'x', monitors: [queue({ sqs: { queue: 'orders queue!' } })] })[0]).toMatch(
      /^monitors\[0\]\.sqs\.queue: must be a queue URL like/,
    );
  });

  it('rejects a backup monitor with no source or two', () => {
    expect(problems({ project: 'x', monitors: [{ name: 'b', kind: 'backup' }] })).toEqual([
      'monitors[0]: give one source: s3, rds, awsBackup, host or endpoint, e.g. s3: { bucket: "acme-backups", prefix: "madef/" }',
    ]);
    expect(
      problems({
        project: 'x',
        monitors: [{ name: 'b', kind: 'backup', rds: { instance: 'db' }, s3: { bucket: 'acme-backups' } }],
      }),
    ).toEqual(['monitors[0]: has s3 and rds; give exactly one source per backup monitor']);
  });

  it('rejects an RDS source naming both an instance and a cluster, and a bad instance ID', () => {
    expect(
      problems({
        project: 'x',
        monitors: [{ name: 'b', kind: 'backup', rds: { instance: 'db', cluster: 'c' } }],
      }),
    ).toEqual(['monitors[0].rds: give exactly one of instance: "madef-db" or cluster: "madef-aurora"']);
    expect(
      problems({
        project: 'x',
        monitors: [
          { name: 'b', kind: 'backup', host: { instance: 'web-1', directory: '/opt/madef/backups' } },
        ],
      }),
    ).toEqual([
      'monitors[0].host.instance: must be an EC2 instance ID ("i-0abc...") or a managed instance ID ("mi-0abc...")',
    ]);
  });

  it('rejects a command with no target, two targets or an empty tag set', () => {
    const cmd = { name: 'w', kind: 'command', command: 'true' };
    const target = 'monitors[0]: give exactly one target: instances: ["i-0abc..."] or tags: { Role: "app" }';
    expect(problems({ project: 'x', monitors: [cmd] })).toEqual([target]);
    expect(
      problems({
        project: 'x',
        monitors: [{ ...cmd, instances: ['i-0123456789abcdef0'], tags: { Role: 'app' } }],
      }),
    ).toEqual([target]);
    expect(problems({ project: 'x', monitors: [{ ...cmd, tags: {} }] })).toEqual([
      'monitors[0].tags: name at least one tag, e.g. { Role: "worker" }',
    ]);
  });
});

describe('services and maintenance windows', () => {
  const monitors = [
    http({ service: 'madef' }),
    http({ name: 'madef-db', service: 'madef-db', url: 'https://db.example.com/health' }),
  ];
  const window = { name: 'sunday-maintenance', days: ['SUN'], start: '02:00', end: '04:00', timeZone: 'UTC' };

  it('resolves services, reminders by severity and the runbooks’ Sunday window', () => {
    const config = parseConfig({
      project: 'x',
      services: { madef: { dependsOn: ['madef-db'] } },
      maintenance: [window],
      monitors: [
        ...monitors,
        http({ name: 'madef-info', service: 'madef', severity: 'P3', url: 'https://a.example.com' }),
      ],
    });
    expect(config.services).toEqual([
      { name: 'madef', dependsOn: ['madef-db'], monitors: ['madef-api-health', 'madef-info'] },
      { name: 'madef-db', dependsOn: [], monitors: ['madef-db'] },
    ]);
    expect(config.maintenance).toEqual([
      { ...window, services: ['madef', 'madef-db'], days: ['SUN'], durationMinutes: 120 },
    ]);
    expect(config.monitors.map((m) => [m.name, m.repeatHours])).toEqual([
      ['madef-api-health', 4],
      ['madef-db', 4],
      ['madef-info', 0],
    ]);
  });

  it('rejects a window that ends before it starts, naming the path', () => {
    expect(
      problems({ project: 'x', maintenance: [{ ...window, start: '04:00', end: '02:00' }], monitors }),
    ).toEqual([
      'maintenance[0].end: 02:00 is not after start 04:00; a window must end later the same day (split one that crosses midnight into two)',
    ]);
  });

  it('rejects an unknown time zone, naming the path', () => {
    expect(
      problems({ project: 'x', maintenance: [{ ...window, timeZone: 'Mars/Olympus' }], monitors }),
    ).toEqual([
      'maintenance[0].timeZone: is not a time zone this runtime knows; use an IANA name such as "UTC" or "Europe/Istanbul"',
    ]);
  });

  it('rejects a bad time and an unknown day', () => {
    expect(
      problems({ project: 'x', maintenance: [{ ...window, days: ['SUNDAY'], start: '2am' }], monitors }),
    ).toEqual([
      'maintenance[0].days[0]: expected MON..SUN, got "SUNDAY"',
      'maintenance[0].start: must be a time "HH:MM" (24 h), e.g. "02:00"',
    ]);
  });

  it('rejects a dependency on an unknown service, and a cycle', () => {
    expect(problems({ project: 'x', services: { madef: { dependsOn: ['postgres'] } }, monitors })).toEqual([
      'services.madef.dependsOn[0]: "postgres" is not a service; name one of madef, madef-db',
    ]);
    expect(
      problems({
        project: 'x',
        services: { madef: { dependsOn: ['madef-db'] }, 'madef-db': { dependsOn: ['madef'] } },
        monitors,
      }),
    ).toEqual(['services: services depend on each other in a cycle: madef -> madef-db -> madef']);
  });

  it('rejects a window over an unknown service', () => {
    expect(problems({ project: 'x', maintenance: [{ ...window, services: ['shop'] }], monitors })).toEqual([
      'maintenance[0].services[0]: "shop" is not a service; name one of madef, madef-db',
    ]);
  });
});
