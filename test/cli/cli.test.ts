/**
 * `vigil` as a user runs it: `node bin/vigil.mjs ...` as a child process, against the demo app on
 * 127.0.0.1 and, for queue and backup monitors, the demo's fauxqs (SQS, S3), reached through the
 * AWS SDK's own `AWS_ENDPOINT_URL` in the child's environment. Exact exit codes and the strings a
 * person reads are the contract.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { devNull, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { expectedOutcomes } from '../../examples/demo.config.ts';
import { CHECK_GRACE_MS, formatComponents, formatMeasurements } from '../../lib/cli/check.ts';
import { main, parseCliArgs } from '../../lib/cli/main.ts';
import { type CliOutput, type RunCheck, shouldColor } from '../../lib/cli/terminal.ts';
import { parseConfig } from '../../lib/config/index.ts';
import { awsClientsOf } from '../../lib/monitors/monitor-traits.ts';
import { type DemoApp, startDemoApp } from '../../scripts/demo-app.ts';
import { type DemoAws, demoAwsEnv, dumpName, startDemoAws } from '../../scripts/demo-aws.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const VIGIL = join(ROOT, 'bin', 'vigil.mjs');
// biome-ignore lint/suspicious/noControlCharactersInRegex: detecting ANSI colour is the point.
const ANSI = /\u001b\[/;

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the CLI as a process with a clean colour and AWS environment (none of this shell's `AWS_*`
 * settings, only a Region and what `env` adds); kills it after 20 s.
 */
function vigil(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const base: NodeJS.ProcessEnv = { AWS_REGION: 'us-east-1' };
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(AWS_|FORCE_COLOR$|NO_COLOR$)/i.test(name)) base[name] = value;
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [VIGIL, ...args], {
      cwd: ROOT,
      env: { ...base, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 20_000,
    });
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
}

/** The table row of one monitor (the line that starts with its name). */
function row(stdout: string, monitor: string): string | undefined {
  return stdout.split('\n').find((line) => line.startsWith(`${monitor} `));
}

let app: DemoApp;
let aws: DemoAws;
/** The environment that aims a child's AWS SDK at {@link aws}: endpoint, Region, dummy keys. */
let awsEnv: NodeJS.ProcessEnv;
/** The clock {@link aws}'s dump names are relative to. */
const seededAt = Date.now();
let dir: string;
const files: Record<string, string> = {};

async function writeConfig(name: string, config: unknown): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, typeof config === 'string' ? config : JSON.stringify(config, null, 2));
  return file;
}

beforeAll(async () => {
  [app, aws] = await Promise.all([startDemoApp({ port: 0, slowMs: 700 }), startDemoAws({ now: seededAt })]);
  awsEnv = demoAwsEnv({}, aws.url);
  dir = await mkdtemp(join(tmpdir(), 'vigil-cli-test-'));
  const u = app.url;
  files.mixed = await writeConfig('mixed.json', {
    project: 'cli-test',
    defaults: { timeoutMs: 2000 },
    monitors: [
      {
        name: 'madef-ok',
        kind: 'http',
        url: `${u}/madef/api/health`,
        assertions: [
          { path: 'checks.database.status', equals: 'ok' },
          { path: 'checks.memory.percentage', lt: 85 },
        ],
      },
      {
        name: 'madef-degraded',
        kind: 'http',
        url: `${u}/madef-degraded/api/health`,
        assertions: [{ path: 'checks.database.status', equals: 'ok' }],
      },
      {
        name: 'memory-high',
        kind: 'http',
        url: `${u}/madef-high-memory/api/health`,
        assertions: [{ path: 'checks.memory.percentage', lt: 85 }],
      },
      {
        name: 'whatsapp-up',
        kind: 'http',
        url: `${u}/whatsapp/api/health`,
        assertions: [{ path: 'services.database.status', equals: 'up' }],
      },
      { name: 'slow', kind: 'http', url: `${u}/slow`, maxLatencyMs: 300 },
      { name: 'hang', kind: 'http', url: `${u}/hang`, timeoutMs: 500, retryNetworkErrors: false },
      {
        name: 'html',
        kind: 'http',
        url: `${u}/html`,
        assertions: [{ path: 'status', equals: 'ok' }],
      },
      { name: 'reset', kind: 'http', url: `${u}/reset`, retryNetworkErrors: false },
      { name: 'redirect-loop', kind: 'http', url: `${u}/redirect-loop` },
      { name: 'switched-off', kind: 'http', url: `${u}/muhasebi-down/readyz`, enabled: false },
    ],
  });
  files.allPass = await writeConfig('all-pass.json', {
    project: 'cli-test',
    monitors: [
      { name: 'muhasebi-healthz', kind: 'http', url: `${u}/muhasebi/healthz` },
      {
        name: 'muhasebi-readyz',
        kind: 'http',
        url: `${u}/muhasebi/readyz`,
        assertions: [{ path: 'status', equals: 'ready' }],
      },
    ],
  });
  // Queues and backups: SQS and S3 in fauxqs, an outbox and a provider's backups API on the demo app.
  const dumps = { bucket: 'acme-db-backups', pattern: 'madef_{YYYYMMDD}_{HHMMSS}.sql.gz', minCount: 7 };
  files.aws = await writeConfig('aws.json', {
    project: 'cli-test',
    defaults: { timeoutMs: 5000 },
    monitors: [
      {
        name: 'orders',
        kind: 'queue',
        sqs: { queue: 'orders', deadLetterQueue: 'orders-dlq' },
        maxDepth: 1000,
      },
      { name: 'emails', kind: 'queue', sqs: { queue: 'emails' }, maxDepth: 1000 },
      { name: 'no-such-queue', kind: 'queue', sqs: { queue: 'no-such-queue' }, maxDepth: 1000 },
      { name: 'dumps', kind: 'backup', s3: { ...dumps, prefix: 'madef/' }, maxAgeHours: 26 },
      { name: 'stale-dumps', kind: 'backup', s3: { ...dumps, prefix: 'stale/' }, maxAgeHours: 26 },
      {
        name: 'outbox-backlog',
        kind: 'queue',
        endpoint: {
          url: `${u}/madef-backlog/api/whatsapp/queue`,
          depthPath: 'pending',
          oldestAgePath: 'oldestQueuedAt',
        },
        maxOldestMessageAgeSeconds: 900,
      },
      {
        name: 'provider-backup',
        kind: 'backup',
        endpoint: { url: `${u}/provider/backups/latest`, timestampPath: 'latest.completedAt' },
      },
    ],
  });
  files.badJson = await writeConfig('bad.json', {
    project: 'cli-test',
    monitors: [{ name: 'api', kind: 'http', url: 'not a url', timeoutMs: 50 }],
  });
  const define = pathToFileURL(join(ROOT, 'lib', 'config', 'index.ts')).href;
  files.badTs = await writeConfig(
    'bad.config.ts',
    `import { defineConfig } from '${define}';
export default defineConfig({
  project: 'cli-test',
  monitors: [
    { name: 'api', kind: 'http', url: 'https://api.example.com/health', timeoutMs: 50 },
    { name: 'web', kind: 'http', url: 'https://example.com/', schedule: 'rate(30 seconds)' },
  ],
});
`,
  );
  files.goodTs = await writeConfig(
    'good.config.ts',
    `import { defineConfig } from '${define}';
export default defineConfig({
  project: 'cli-test',
  monitors: [{ name: 'api', kind: 'http', url: 'https://api.example.com/health', enabled: false }],
});
`,
  );
  files.syntaxError = await writeConfig('broken.config.ts', 'export default {{ project: ;\n');
});

afterAll(async () => {
  await Promise.all([app?.close(), aws?.close()]);
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.concurrent('vigil check', () => {
  it('exits 1 and prints a row per monitor with PASS/FAIL and the reason code when some fail', async () => {
    const { code, stdout, stderr } = await vigil(['check', '--config', files.mixed ?? '']);
    expect(stderr).toBe('');
    expect(code).toBe(1);
    expect(stdout.split('\n')[0]).toMatch(/^MONITOR\s+RESULT\s+LATENCY\s+REASON \/ DETAIL$/);
    expect(row(stdout, 'madef-ok')).toMatch(/^madef-ok\s+PASS\s+\d+ ms\s+HTTP 200$/);
    expect(row(stdout, 'whatsapp-up')).toMatch(/^whatsapp-up\s+PASS\s/);
    expect(row(stdout, 'memory-high')).toMatch(/^memory-high\s+FAIL\s+\d+ ms\s+assertion_failed\s+\S/);
    expect(row(stdout, 'madef-degraded')).toMatch(/^madef-degraded\s+FAIL\s+\d+ ms\s+http_status\s+\S/);
    expect(row(stdout, 'slow')).toMatch(/^slow\s+FAIL\s+\d+ ms\s+slow\s/);
    expect(row(stdout, 'hang')).toMatch(/^hang\s+FAIL\s+—\s+timeout\s/);
    expect(row(stdout, 'html')).toMatch(/^html\s+FAIL\s+\d+ ms\s+bad_json\s/);
    expect(row(stdout, 'reset')).toMatch(/^reset\s+FAIL\s+—\s+connection_reset\s/);
    expect(row(stdout, 'redirect-loop')).toMatch(/^redirect-loop\s+FAIL\s+\d+ ms\s+redirect_loop\s/);
    // A disabled monitor is not run, and the summary says so.
    expect(row(stdout, 'switched-off')).toBeUndefined();
    expect(stdout).toMatch(/\n2 passed, 7 failed, 1 disabled \(not run\) \(\d+\.\d s\)\n$/);
    expect(stdout).not.toMatch(ANSI);
  });

  it('prints the health document components under the row', async () => {
    const { stdout } = await vigil([
      'check',
      '--config',
      files.mixed ?? '',
      '--only',
      'madef-ok,madef-degraded',
    ]);
    const lines = stdout.split('\n');
    const ok = lines.indexOf(row(stdout, 'madef-ok') ?? '');
    expect(lines[ok + 1]?.trim()).toBe('database ok 12ms · redis ok 3ms · whatsapp ok · memory ok');
    const degraded = lines.indexOf(row(stdout, 'madef-degraded') ?? '');
    expect(lines[degraded + 1]?.trim()).toMatch(
      /^database error \(Connection refused \(postgres:5432\)\) · /,
    );
  });

  it('runs the checks concurrently: total time is the slowest check, not the sum', async () => {
    // slow (~700 ms) and hang (500 ms timeout) would take 1.2 s or more in sequence.
    const { stdout } = await vigil(['check', '--config', files.mixed ?? '', '--only', 'slow,hang']);
    const seconds = Number(/\((\d+\.\d) s\)\n$/.exec(stdout)?.[1]);
    expect(seconds).toBeGreaterThan(0.4);
    expect(seconds).toBeLessThan(1.1);
  });

  it('--json prints one parseable CheckResult per monitor per line, in config order', async () => {
    const { code, stdout } = await vigil(['check', '--config', files.mixed ?? '', '--json']);
    expect(code).toBe(1);
    const lines = stdout.trimEnd().split('\n');
    const results = lines.map((l) => JSON.parse(l) as { monitor: string; ok: boolean; reason?: string });
    expect(results.map((r) => [r.monitor, r.ok ? 'pass' : r.reason])).toEqual([
      ['madef-ok', 'pass'],
      ['madef-degraded', 'http_status'],
      ['memory-high', 'assertion_failed'],
      ['whatsapp-up', 'pass'],
      ['slow', 'slow'],
      ['hang', 'timeout'],
      ['html', 'bad_json'],
      ['reset', 'connection_reset'],
      ['redirect-loop', 'redirect_loop'],
    ]);
  });

  it('--only filters, repeated or comma-separated', async () => {
    const repeated = await vigil(['check', '-c', files.mixed ?? '', '--only', 'madef-ok', '--only', 'html']);
    expect(repeated.code).toBe(1);
    expect(row(repeated.stdout, 'madef-ok')).toMatch(/PASS/);
    expect(row(repeated.stdout, 'html')).toMatch(/FAIL/);
    expect(row(repeated.stdout, 'slow')).toBeUndefined();
    expect(repeated.stdout).toMatch(/\n1 passed, 1 failed \(/);

    const passing = await vigil([
      'check',
      '-c',
      files.mixed ?? '',
      '--only',
      'madef-ok,whatsapp-up',
      '--json',
    ]);
    expect(passing.code).toBe(0);
    expect(passing.stdout.trimEnd().split('\n')).toHaveLength(2);
  });

  it('--only runs a disabled monitor named explicitly', async () => {
    const { code, stdout } = await vigil([
      'check',
      '-c',
      files.mixed ?? '',
      '--only',
      'madef-ok,switched-off',
    ]);
    expect(code).toBe(1);
    expect(row(stdout, 'switched-off')).toMatch(/FAIL\s+\d+ ms\s+http_status/);
  });

  it('--only with an unknown name exits 2 and lists the known monitors', async () => {
    const { code, stdout, stderr } = await vigil([
      'check',
      '-c',
      files.mixed ?? '',
      '--only',
      'madef-ok,nope',
    ]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('unknown monitor "nope" in --only; known monitors: madef-ok, madef-degraded,');
  });

  it('exits 0 when every check passes', async () => {
    const { code, stdout } = await vigil(['check', '--config', files.allPass ?? '']);
    expect(code).toBe(0);
    expect(row(stdout, 'muhasebi-healthz')).toMatch(/PASS/);
    expect(row(stdout, 'muhasebi-readyz')).toMatch(/PASS/);
    expect(stdout).toMatch(/\n2 passed, 0 failed \(/);
  });

  it('colours only when asked: FORCE_COLOR adds ANSI, NO_COLOR wins', async () => {
    const forced = await vigil(['check', '-c', files.allPass ?? ''], { FORCE_COLOR: '1' });
    expect(forced.stdout).toContain('\u001b[32mPASS\u001b[39m');
    const both = await vigil(['check', '-c', files.allPass ?? ''], { FORCE_COLOR: '1', NO_COLOR: '1' });
    expect(both.stdout).not.toMatch(ANSI);
  });

  it('exits 2 on an invalid config without running anything', async () => {
    const { code, stdout, stderr } = await vigil(['check', '--config', files.badJson ?? '']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('monitors[0].timeoutMs: must be at least 100 ms');
  });

  it('reads SQS and S3 through AWS_ENDPOINT_URL alone: depth, dead letters, dump age, reason codes', async () => {
    const { code, stdout, stderr } = await vigil(['check', '--config', files.aws ?? ''], awsEnv);
    // Nothing on stderr: in particular no SDK warning that a queue URL differs from the endpoint.
    expect(stderr).toBe('');
    expect(code).toBe(1);
    /** The newest dump seeded under `prefix`, as a regex source. */
    const newest = (prefix: string) => (aws.contents.dumps[prefix]?.[0] ?? '?').replaceAll('.', '\\.');
    const lines = stdout.split('\n');
    const next = (monitor: string) => lines[lines.indexOf(row(stdout, monitor) ?? '') + 1]?.trim();
    expect(row(stdout, 'orders')).toMatch(
      /^orders\s+PASS\s+—\s+orders: 3 messages visible, 0 in flight, 0 delayed; 2 messages in dead-letter queue orders-dlq$/,
    );
    expect(next('orders')).toBe('QueueDepth 3 · InFlight 0 · Delayed 0 · DeadLetterDepth 2');
    expect(row(stdout, 'emails')).toMatch(
      /^emails\s+FAIL\s+—\s+queue_depth\s+emails: 1200 messages visible, over the 1000 limit \(0 in flight, 0 delayed\)$/,
    );
    expect(row(stdout, 'no-such-queue')).toMatch(/^no-such-queue\s+FAIL\s+—\s+not_found\s/);
    // Dumps are seeded on the whole hour, so the newest is 4.0 to 5.0 h old (30.0 to 31.0 h) by the clock.
    expect(row(stdout, 'dumps')).toMatch(
      new RegExp(
        `^dumps\\s+PASS\\s+—\\s+s3://acme-db-backups/madef/: newest backup ${newest('madef/')} is (?:4\\.\\d|5\\.0) h old \\(max 26\\.0 h\\), [\\d.]+ KiB; 7 valid backups$`,
      ),
    );
    expect(next('dumps')).toMatch(/^BackupCount 7 · BackupAgeSeconds \d+ · BackupSizeBytes \d+$/);
    expect(row(stdout, 'stale-dumps')).toMatch(
      new RegExp(
        `^stale-dumps\\s+FAIL\\s+—\\s+backup_too_old\\s+s3://acme-db-backups/stale/: newest backup ${newest('stale/')} is (?:30\\.\\d|31\\.0) h old \\(max 26\\.0 h\\)$`,
      ),
    );
    expect(row(stdout, 'outbox-backlog')).toMatch(
      /^outbox-backlog\s+FAIL\s+\d+ ms\s+queue_age\s+oldest message 2400 s \(40\.0 min\) old, over the 900 s limit \(1500 messages queued at pending\)$/,
    );
    expect(row(stdout, 'provider-backup')).toMatch(
      /^provider-backup\s+PASS\s+\d+ ms\s+HTTP 200\s+newest backup 3\.0 h old, within the 24 h limit/,
    );
    expect(stdout).toMatch(/\n3 passed, 4 failed \(\d+\.\d s\)\n$/);
  });

  it('the demo config produces exactly its expected outcomes against the demo app and fauxqs', async () => {
    // Its own app with the default /slow delay (1.5 s), which the demo's maxLatencyMs is set against.
    const demo = await startDemoApp({ port: 0 });
    const { code, stdout } = await vigil(['check', '--config', 'examples/demo.config.ts', '--json'], {
      ...awsEnv,
      VIGIL_DEMO_URL: demo.url,
    }).finally(() => demo.close());
    expect(code).toBe(1);
    const seen = Object.fromEntries(
      stdout
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as { monitor: string; ok: boolean; reason?: string })
        .map((r) => [r.monitor, r.ok ? 'pass' : r.reason]),
    );
    expect(seen).toEqual(Object.fromEntries(Object.entries(expectedOutcomes).map(([n, e]) => [n, e.result])));
  });
});

describe.concurrent('vigil validate', () => {
  it('prints the monitor count and exits 0 for a valid .json config', async () => {
    const { code, stdout } = await vigil(['validate', '--config', files.allPass ?? '']);
    expect(code).toBe(0);
    expect(stdout).toBe(`✓ ${files.allPass}: 2 monitors valid (project "cli-test")\n`);
  });

  it('loads a .ts config written with defineConfig', async () => {
    const { code, stdout } = await vigil(['validate', '--config', files.goodTs ?? '']);
    expect(code).toBe(0);
    expect(stdout).toBe(`✓ ${files.goodTs}: 1 monitor valid (project "cli-test", 1 disabled)\n`);
  });

  it('exits 2 and names every bad path with its fix (.ts config)', async () => {
    const { code, stdout, stderr } = await vigil(['validate', '--config', files.badTs ?? '']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('invalid Vigil config (2 problems)');
    expect(stderr).toContain('  - monitors[0].timeoutMs: must be at least 100 ms');
    expect(stderr).toContain(
      `  - monitors[1].schedule: rate(30 seconds) is below EventBridge Scheduler's 1-minute minimum`,
    );
  });

  it('exits 2 and names the bad paths (.json config)', async () => {
    const { code, stderr } = await vigil(['validate', '--config', files.badJson ?? '']);
    expect(code).toBe(2);
    expect(stderr).toContain('monitors[0].url: "not a url" is not a URL');
    expect(stderr).toContain('monitors[0].timeoutMs: must be at least 100 ms');
  });

  it('exits 2 with a clear message when the config file does not exist', async () => {
    const missing = join(dir, 'nope.config.ts');
    const { code, stderr } = await vigil(['validate', '--config', missing]);
    expect(code).toBe(2);
    expect(stderr).toContain(`no config file at ${missing}`);
    expect(stderr).toContain('--config FILE');
  });

  it('exits 2 when the config file does not compile', async () => {
    const { code, stderr } = await vigil(['validate', '--config', files.syntaxError ?? '']);
    expect(code).toBe(2);
    expect(stderr).toContain('could not load');
  });
});

describe.concurrent('vigil usage', () => {
  it('--help prints usage and exits 0', async () => {
    const { code, stdout } = await vigil(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: vigil <command> \[options\]/);
    expect(stdout).toContain('--only NAME');
  });

  it('an unknown command prints usage and exits 2', async () => {
    const { code, stdout, stderr } = await vigil(['deploy']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(
      /^vigil: unknown command "deploy"; use one of "validate", "check", "cost", "mute", "unmute", "remediate", "drill"\n\nUsage: vigil/,
    );
  });

  it('an unknown option exits 2', async () => {
    const { code, stderr } = await vigil(['check', '--frobnicate']);
    expect(code).toBe(2);
    expect(stderr).toContain("Unknown option '--frobnicate'");
  });
});

describe('argument parsing and colour (in-process)', () => {
  it('splits comma-separated --only and rejects check-only options elsewhere', () => {
    expect(parseCliArgs(['check', '--only', 'a,b', '--only', ' c ', '--json'])).toEqual({
      kind: 'run',
      command: 'check',
      config: 'vigil.config.ts',
      only: ['a', 'b', 'c'],
      json: true,
    });
    expect(parseCliArgs(['validate', '--only', 'a'])).toEqual({
      kind: 'error',
      message: '--only only applies to "vigil check"',
    });
    expect(parseCliArgs([])).toMatchObject({
      kind: 'error',
      message: expect.stringContaining('missing command'),
    });
  });

  it('colours a terminal unless NO_COLOR is set, and never a pipe', () => {
    const tty: CliOutput = { write: () => true, isTTY: true };
    const pipe: CliOutput = { write: () => true };
    expect(shouldColor(tty, {})).toBe(true);
    expect(shouldColor(tty, { NO_COLOR: '1' })).toBe(false);
    expect(shouldColor(pipe, {})).toBe(false);
    expect(shouldColor(pipe, { FORCE_COLOR: '1' })).toBe(true);
    expect(shouldColor(pipe, { FORCE_COLOR: '0' })).toBe(false);
  });

  /** `main` with buffers for streams and a fixed one-monitor config. */
  async function runInProcess(runCheck: RunCheck, env = {}) {
    const out = { stdout: '', stderr: '' };
    const config = parseConfig({
      project: 'p',
      monitors: [{ name: 'api', kind: 'http', url: 'https://api.example.com/health' }],
    });
    const code = await main(
      ['check'],
      {
        stdout: { write: (s: string) => (out.stdout += s) },
        stderr: { write: (s: string) => (out.stderr += s) },
        env,
      },
      { loadConfig: async () => config, runCheck },
    );
    return { code, ...out };
  }

  it('exits 3 and says so when a check throws instead of returning a result', async () => {
    const { code, stdout, stderr } = await runInProcess(async () => {
      throw new Error('boom');
    });
    expect(code).toBe(3);
    expect(stdout).toBe('');
    expect(stderr).toContain(
      'vigil: internal error in the check of "api"; please report it: it threw instead of returning a result',
    );
    expect(stderr).toContain('Error: boom');
  });

  it('exits 3 instead of hanging when a check outlives its timeout by the grace period', async () => {
    vi.useFakeTimers();
    try {
      const run = runInProcess(() => new Promise(() => {}));
      await vi.advanceTimersByTimeAsync(10_000 + CHECK_GRACE_MS);
      const { code, stderr } = await run;
      expect(code).toBe(3);
      expect(stderr).toContain(
        `it returned no result within ${10_000 + CHECK_GRACE_MS} ms, though its deadline is 10000 ms`,
      );
    } finally {
      vi.useRealTimers();
    }
  });

  it('hints at AWS_REGION when a header secret could not be read and no Region is set', async () => {
    const failed = async () => ({
      monitor: 'api',
      kind: 'http',
      checkedAt: new Date(0).toISOString(),
      durationMs: 1,
      attempts: 1,
      ok: false as const,
      reason: 'secret_unavailable' as const,
      detail: 'header authorization: SSM parameter /x is unavailable (Region is missing)',
    });
    const bare = await runInProcess(failed);
    expect(bare.code).toBe(1);
    expect(bare.stderr).toContain('hint: header secrets are read from SSM / Secrets Manager; set AWS_REGION');
    const withRegion = await runInProcess(failed, { AWS_REGION: 'eu-west-1' });
    expect(withRegion.stderr).toBe('');
  });

  it('names the AWS clients a check uses, so the CLI loads their SDKs before timing anything', () => {
    const config = parseConfig({
      project: 'p',
      monitors: [
        { name: 'api', kind: 'http', url: 'https://api.example.com/health' },
        {
          name: 'api-with-token',
          kind: 'http',
          url: 'https://api.example.com/health',
          headers: { authorization: { ssmParameter: '/vigil/token', prefix: 'Bearer ' } },
        },
        { name: 'orders', kind: 'queue', sqs: { queue: 'orders' }, maxDepth: 10 },
        { name: 'dumps', kind: 'backup', s3: { bucket: 'acme-db-backups' } },
        { name: 'snapshots', kind: 'backup', rds: { instance: 'madef-db' } },
        {
          name: 'provider',
          kind: 'backup',
          endpoint: {
            url: 'https://provider.example.com/backups',
            timestampPath: 'latest.completedAt',
            headers: { 'x-api-key': { secretsManager: 'vigil/provider', jsonKey: 'key' } },
          },
        },
        { name: 'worker', kind: 'command', instances: ['i-0123456789abcdef0'], command: 'true' },
      ],
    });
    expect(Object.fromEntries(config.monitors.map((m) => [m.name, awsClientsOf(m)]))).toEqual({
      api: [],
      'api-with-token': ['ssm'],
      orders: ['sqs'],
      dumps: ['s3'],
      snapshots: ['rds'],
      provider: ['secretsManager'],
      worker: ['ssm'],
    });
  });

  it('formats what a check measured on the same continuation line', () => {
    expect(formatMeasurements({ QueueDepth: 12, OldestMessageAgeSeconds: 30.25 })).toBe(
      'QueueDepth 12 · OldestMessageAgeSeconds 30.3',
    );
  });

  it('formats components compactly, with the detail only for unhealthy ones', () => {
    expect(
      formatComponents([
        { name: 'database', state: 'healthy', status: 'ok', latencyMs: 12 },
        { name: 'redis', state: 'healthy', status: 'ok' },
        { name: 'whatsapp', state: 'unhealthy', status: 'error', detail: 'connected: false' },
      ]),
    ).toBe('database ok 12ms · redis ok · whatsapp error (connected: false)');
  });
});

describe('demo app', () => {
  const get = (path: string, init?: RequestInit) => fetch(`${app.url}${path}`, init);

  it('serves madef /api/health as the runbook describes, healthy and degraded', async () => {
    const ok = await get('/madef/api/health');
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({
      status: 'healthy',
      checks: {
        database: { status: 'ok', latency: 12 },
        redis: { status: 'ok', latencyMs: 3 },
        whatsapp: { status: 'ok', connected: true },
        memory: { status: 'ok', percentage: 62 },
      },
    });
    const bad = await get('/madef-degraded/api/health');
    expect(bad.status).toBe(503);
    expect(await bad.json()).toMatchObject({
      status: 'unhealthy',
      checks: { database: { status: 'error' }, memory: { percentage: 91 } },
    });
  });

  it('serves ai-muhasebi /healthz and /readyz, and 503 not_ready when the database is down', async () => {
    const healthz = await get('/muhasebi/healthz');
    expect(await healthz.json()).toEqual({ status: 'ok', service: 'backend-api' });
    const readyz = await get('/muhasebi/readyz');
    expect([readyz.status, await readyz.json()]).toEqual([200, { status: 'ready' }]);
    const down = await get('/muhasebi-down/readyz');
    expect([down.status, await down.json()]).toEqual([
      503,
      { status: 'not_ready', details: { error: 'Database connection failed' } },
    ]);
  });

  it('serves nutri /health and /health/live, and whatsapp-ai-assistant services "up"', async () => {
    expect(await (await get('/nutri/health')).json()).toMatchObject({ status: 'healthy' });
    expect((await get('/nutri/health/live')).status).toBe(200);
    const wa = (await (await get('/whatsapp/api/health')).json()) as {
      services: Record<string, { status: string }>;
    };
    expect(wa.services.database?.status).toBe('up');
    expect(wa.services.waha?.status).toBe('up');
  });

  it('injects the faults: slow, hang, HTML, reset, redirect loop, unknown path', async () => {
    const started = performance.now();
    expect((await get('/slow')).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(650);
    await expect(get('/hang', { signal: AbortSignal.timeout(200) })).rejects.toThrow(/aborted|timeout/i);
    const html = await get('/html');
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    await expect(get('/reset')).rejects.toThrow(/fetch failed/);
    const redirect = await get('/redirect-loop', { redirect: 'manual' });
    expect([redirect.status, redirect.headers.get('location')]).toEqual([302, '/redirect-loop']);
    expect((await get('/no-such-route')).status).toBe(404);
  });

  it("serves madef's WhatsApp outbox and a provider's backups API, times relative to its clock", async () => {
    const now = Date.UTC(2026, 10, 24, 12, 0, 0);
    const clocked = await startDemoApp({ port: 0, now: () => now });
    const read = async (path: string) => {
      const res = await fetch(`${clocked.url}${path}`);
      return [res.status, await res.json()];
    };
    try {
      expect(await read('/madef/api/whatsapp/queue')).toEqual([
        200,
        { pending: 12, failed: 0, oldestQueuedAt: '2026-11-24T11:58:00.000Z', provider: 'waha' },
      ]);
      expect(await read('/madef-backlog/api/whatsapp/queue')).toEqual([
        200,
        { pending: 1500, failed: 0, oldestQueuedAt: '2026-11-24T11:20:00.000Z', provider: 'waha' },
      ]);
      expect(await read('/provider/backups/latest')).toEqual([
        200,
        {
          database: 'madef-prod',
          latest: {
            id: 'bkp-20261124',
            status: 'completed',
            completedAt: '2026-11-24T09:00:00.000Z',
            sizeBytes: 48_213_504,
          },
        },
      ]);
      expect(await read('/provider-stale/backups/latest')).toMatchObject([
        200,
        { latest: { completedAt: '2026-11-23T06:00:00.000Z' } },
      ]);
    } finally {
      await clocked.close();
    }
  });

  it('closes promptly even while a request hangs', async () => {
    const other = await startDemoApp({ port: 0 });
    const hanging = fetch(`${other.url}/hang`).catch((error: unknown) => error);
    await new Promise((r) => setTimeout(r, 50));
    const started = performance.now();
    await other.close();
    expect(performance.now() - started).toBeLessThan(500);
    expect(await hanging).toBeInstanceOf(Error);
  });
});

describe('demo AWS (fauxqs)', () => {
  it("aims a child at the emulator only: none of the parent shell's AWS settings pass through", () => {
    const env = demoAwsEnv(
      {
        PATH: '/usr/bin',
        AWS_PROFILE: 'production',
        AWS_SESSION_TOKEN: 'real-session',
        AWS_ENDPOINT_URL_SQS: 'https://sqs.eu-west-1.amazonaws.com',
        aws_ignore_configured_endpoint_urls: 'true',
      },
      'http://127.0.0.1:4566',
    );
    expect(env).toEqual({
      PATH: '/usr/bin',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:4566',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'demo',
      AWS_SECRET_ACCESS_KEY: 'demo',
      AWS_CONFIG_FILE: devNull,
      AWS_SHARED_CREDENTIALS_FILE: devNull,
    });
  });

  it('listens on 127.0.0.1 only and names its queues on its own endpoint', async () => {
    expect(aws.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(aws.contents.queues).toEqual({ orders: 3, 'orders-dlq': 2, emails: 1200 });
    // Seven nightly dumps per prefix, on the whole hour, the newest 4 h (madef/) and 30 h (stale/) old.
    const hour = 3_600_000;
    for (const [prefix, ageHours] of [
      ['madef/', 4],
      ['stale/', 30],
    ] as const) {
      const keys = aws.contents.dumps[prefix] ?? [];
      expect(keys).toHaveLength(7);
      expect(keys[0]?.slice(prefix.length)).toBe(
        dumpName(Math.floor((seededAt - ageHours * hour) / hour) * hour),
      );
      expect(keys.every((k) => /^[a-z]+\/madef_\d{8}_\d{2}0000\.sql\.gz$/.test(k))).toBe(true);
    }
    const res = await fetch(aws.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.GetQueueUrl' },
      body: JSON.stringify({ QueueName: 'orders' }),
    });
    expect(await res.json()).toEqual({ QueueUrl: `${aws.url}/000000000000/orders` });
  });
});
