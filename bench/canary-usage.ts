/**
 * What one canary invocation uses, measured from the real handler (lambdas/canary/handler.ts, through
 * middy) rather than guessed: the wall time Lambda bills, the CPU time behind it, and the bytes and
 * lines it writes to CloudWatch Logs per check. bench/cost.ts prices an endpoint from these figures.
 *
 * The handler runs in this process, imported after the environment is set as the Lambda has it
 * (lib/constructs/house-function.ts, canary-function.ts, and what the runtime sets that Powertools
 * reads), and is called with a Lambda `Context` and the `{ monitors }` payload JSON round-tripped as
 * Scheduler delivers it. Its target is the checks benchmark's server in a child process
 * (bench/workers/http-server.ts), answering the madef-like health document after 50 ms; the
 * monitors are the madef monitor with its five assertions, all of one service on one schedule, so
 * they form one invocation group (lib/monitors/invocation-groups.ts).
 *
 * For each group size (1, 5, 20, 50; --quick: 1 and 5): one warm-up invocation, then 20 timed ones
 * (--quick: 3), each a fresh handler call, one after another as one execution environment takes
 * them; wall time (performance.now) and process CPU time (process.cpuUsage, user + system) per
 * invocation. Every byte the handler writes to stdout and stderr during the timed invocations is
 * captured (not printed) and counted, with its lines. Then a short run against an endpoint that
 * answers 503 with a failed database gives the bytes of a failing check.
 *
 * One measurement per process and mode: `npm run bench` measures here and bench/cost.ts prices from
 * the same figures.
 *
 *   npx tsx bench/canary-usage.ts [--quick]
 */
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context } from 'aws-lambda';
import { build } from 'esbuild';
import { toFastProbeMessage } from '../lib/config/fast-probe-message.ts';
import { parseConfig, toGroupEvent, toMonitorInput, type VigilConfig } from '../lib/config/index.ts';
import { invocationGroups } from '../lib/monitors/invocation-groups.ts';
import { METRIC_NAMESPACE } from '../lib/naming.ts';
import { SERVER_DELAY_MS } from './checks.ts';
import { lambdaBuildOptions } from './lib/esbuild-options.ts';
import {
  type BenchOptions,
  fixed,
  int,
  isMain,
  mb,
  runStandalone,
  type SectionResult,
  type Stats,
  stats,
} from './lib/report.ts';
import { startTargetServer } from './lib/server.ts';

/** What the canary uses per invocation and per check, measured from the real handler. */
export interface CanaryUsage {
  /** Per group size: warm wall time of one invocation of the real handler, ms (the Lambda bills about this). */
  readonly invocations: readonly { readonly size: number; readonly wallMs: Stats; readonly cpuMs: Stats }[];
  /** Bytes the handler writes per check, all lines (EMF + log line), mean over the run, plus newline. */
  readonly logBytesPerCheck: number;
  /** Log lines per check (CloudWatch Logs bills each event's bytes + 26 bytes of overhead; see note). */
  readonly logLinesPerCheck: number;
  /** Same, for a failing check (HTTP 503 with a JSON health body listing a failed component). */
  readonly logBytesPerFailedCheck: number;
  /** The server's delay, ms. */
  readonly serverDelayMs: number;
  /**
   * Fast mode: one queued slot (an SQS event with one record) probing {@link FAST_GROUP_SIZE} fast
   * monitors at once, through the handler's SQS path.
   */
  readonly fastSlot: {
    readonly size: number;
    readonly wallMs: Stats;
    readonly cpuMs: Stats;
    /** Bytes written per probe (EMF + log line, with newlines). */
    readonly logBytesPerProbe: number;
    readonly logLinesPerProbe: number;
  };
  /** Peak RSS of the canary bundle in a fresh Node process, per kind of invocation. */
  readonly memory: readonly MemoryRun[];
}

/** One fresh-process memory measurement of the bundled canary. */
export interface MemoryRun {
  readonly label: string;
  readonly invocations: number;
  /** RSS of the process once the bundle is imported (Lambda's init), bytes. */
  readonly rssAfterInitBytes: number;
  /** Peak RSS of the process (VmHWM), bytes. */
  readonly maxRssBytes: number;
}

/** Fast monitors probed by the measured queued slot (and the memory run). */
export const FAST_GROUP_SIZE = 10;
/** Standard checks of the memory run's one invocation. */
export const MEMORY_STANDARD_CHECKS = 50;

/** The canary's memory (lib/constructs/canary-function.ts). */
const CANARY_MEMORY_MB = 256;
/** Memory at which Lambda gives a function one full vCPU (AWS Lambda documentation). */
const MB_PER_VCPU = 1769;
/** Bytes CloudWatch Logs adds to each event when it bills ingestion. */
const LOG_EVENT_OVERHEAD_BYTES = 26;

/** The environment the canary Lambda runs with, as far as Powertools reads it. */
const LAMBDA_ENV: Readonly<Record<string, string>> = {
  // The function's own (lib/constructs/house-function.ts, canary-function.ts).
  POWERTOOLS_SERVICE_NAME: 'vigil-canary',
  POWERTOOLS_METRICS_NAMESPACE: METRIC_NAMESPACE,
  // The runtime's: Advanced Logging Controls (applicationLogLevelV2 INFO), an on-demand environment
  // (the Logger's cold_start), and the UTC clock the Logger formats timestamps with.
  AWS_LAMBDA_LOG_LEVEL: 'INFO',
  AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
  TZ: ':UTC',
};
/** Read by Powertools but not set in the Lambda: unset while measuring (POWERTOOLS_DEV would pretty-print and disable EMF). */
const NOT_IN_LAMBDA = [
  'POWERTOOLS_DEV',
  'POWERTOOLS_METRICS_DISABLED',
  'POWERTOOLS_METRICS_FUNCTION_NAME',
  'POWERTOOLS_LOG_LEVEL',
  'LOG_LEVEL',
  'POWERTOOLS_LOGGER_LOG_EVENT',
  'POWERTOOLS_LOGGER_SAMPLE_RATE',
  'AWS_LAMBDA_MAX_CONCURRENCY',
] as const;
/** Set by the runtime per invocation; Powertools logs its Root as `xray_trace_id`. */
const TRACE_ENV = '_X_AMZN_TRACE_ID';

/** Sets the Lambda's environment; returns a function that puts the previous one back. */
function lambdaEnvironment(): () => void {
  const keys = [...Object.keys(LAMBDA_ENV), ...NOT_IN_LAMBDA, TRACE_ENV];
  const saved = new Map(keys.map((k) => [k, process.env[k]]));
  for (const k of NOT_IN_LAMBDA) delete process.env[k];
  Object.assign(process.env, LAMBDA_ENV);
  return () => {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

/** A trace header as the runtime sets it for a function without active tracing. */
function traceHeader(): string {
  const hex = (bytes: number) => randomBytes(bytes).toString('hex');
  const epoch = Math.floor(Date.now() / 1000).toString(16);
  return `Root=1-${epoch}-${hex(12)};Parent=${hex(8)};Sampled=0;Lineage=1:${hex(4)}:0`;
}

/**
 * A function name as long as CloudFormation generates for the canary (stack, logical id, suffix),
 * since it is in every log line.
 */
const FUNCTION_NAME = 'vigil-bench-madef-CanaryFunction6D2BCA5E-Xq3vTz9LmN2p';
/** The canary's timeout for these monitors: 10 s check deadline + 5 s margin (canary-function.ts). */
const TIMEOUT_MS = 15_000;

function lambdaContext(deadline: number): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: FUNCTION_NAME,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:123456789012:function:${FUNCTION_NAME}`,
    memoryLimitInMB: String(CANARY_MEMORY_MB),
    awsRequestId: randomUUID(),
    logGroupName: '/vigil/bench/canary',
    logStreamName: '2026/11/23/[$LATEST]0f1e2d3c4b5a69788796a5b4c3d2e1f0',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/**
 * `count` madef-like monitors of one service on one schedule, against `path` on the server; `fast`:
 * in fast mode (its 5 s timeout).
 */
export function usageConfig(origin: string, count: number, path: string, fast = false): VigilConfig {
  return parseConfig(
    {
      project: 'bench',
      monitors: Array.from({ length: count }, (_, i) => ({
        name: `madef-api-health-${String(i + 1).padStart(2, '0')}`,
        service: 'madef',
        kind: 'http',
        url: `${origin}${path}?delay=${SERVER_DELAY_MS}`,
        ...(fast ? { fast: true, timeoutMs: 5_000 } : { timeoutMs: 10_000 }),
        // The madef monitor's assertions (vigil.config.ts), as bench/checks.ts `scaleConfig`.
        assertions: [
          { path: 'status', equals: 'healthy' },
          { path: 'checks.database.status', equals: 'ok' },
          { path: 'checks.redis.status', oneOf: ['ok', 'not_configured'] },
          { path: 'checks.whatsapp.status', equals: 'ok' },
          { path: 'checks.memory.percentage', lt: 85 },
        ],
      })),
    },
    'bench/canary-usage.ts',
  );
}

/** The schedule's payload for `config`'s monitors, which must form one group. */
function groupPayload(config: VigilConfig): string {
  const groups = invocationGroups(config.monitors);
  const [group] = groups;
  if (!group || groups.length !== 1 || group.invocation !== 'shared') {
    throw new Error(`expected the ${config.monitors.length} monitors to form one shared group`);
  }
  return JSON.stringify(toGroupEvent(group.monitors));
}

type Handler = (event: unknown, context: Context) => Promise<unknown>;

/** An SQS event as the fast-probe queue's event source mapping delivers one slot's message. */
function fastSlotEvent(config: VigilConfig, at: number): unknown {
  return {
    Records: [
      {
        messageId: randomUUID(),
        receiptHandle: 'bench',
        body: toFastProbeMessage(1, at, config.monitors.map(toMonitorInput)),
        attributes: {},
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:vigil-bench-fast-probes',
        awsRegion: 'eu-west-1',
      },
    ],
  };
}

/** Warm-up, then `runs` queued slots of `size` fast monitors, planned for the moment each is sent. */
async function runFastSlot(
  handler: Handler,
  origin: string,
  size: number,
  runs: number,
): Promise<CanaryUsage['fastSlot']> {
  const config = usageConfig(origin, size, '/health', true);
  const captured: Captured = { bytes: 0, chunks: [] };
  const wall: number[] = [];
  const cpu: number[] = [];
  const once = async () => {
    process.env[TRACE_ENV] = traceHeader();
    const response = (await handler(
      fastSlotEvent(config, Date.now()),
      lambdaContext(Date.now() + TIMEOUT_MS),
    )) as {
      batchItemFailures?: unknown[];
    };
    if ((response.batchItemFailures ?? []).length > 0) throw new Error('the fast slot was handed back');
  };
  await capturing(captured, async () => {
    await once();
    captured.bytes = 0;
    captured.chunks.length = 0;
    for (let i = 0; i < runs; i++) {
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      await once();
      wall.push(performance.now() - started);
      const used = process.cpuUsage(cpuBefore);
      cpu.push((used.user + used.system) / 1000);
    }
  });
  const probes = size * runs;
  const lines = captured.chunks.reduce((n, c) => n + (c.text.match(/\n/g)?.length ?? 0), 0);
  return {
    size,
    wallMs: stats(wall),
    cpuMs: stats(cpu),
    logBytesPerProbe: captured.bytes / probes,
    logLinesPerProbe: lines / probes,
  };
}

/**
 * Where the memory runs' bundle and events go: under node_modules (git-ignored), so the bundle's
 * external `@aws-sdk/*` imports resolve as they would beside the project.
 */
const RSS_DIR = fileURLToPath(new URL('../node_modules/.cache/vigil-bench/canary-rss/', import.meta.url));

/** The canary bundle, built as NodejsFunction builds it. */
async function buildCanaryBundle(): Promise<string> {
  const dir = RSS_DIR;
  mkdirSync(dir, { recursive: true });
  const outfile = join(dir, 'index.mjs');
  await build({ ...lambdaBuildOptions('lambdas/canary/handler.ts', outfile), metafile: false });
  return outfile;
}

const RSS_WORKER = fileURLToPath(new URL('./workers/canary-rss.mjs', import.meta.url));

/** Runs the bundle's handler `runs` times on `event` in a fresh Node process; its RSS after init and peak. */
async function measureMemory(
  bundle: string,
  label: string,
  event: unknown,
  runs: number,
): Promise<MemoryRun> {
  const dir = RSS_DIR;
  const slug = label.replace(/\W+/g, '-');
  const eventFile = join(dir, `${slug}.event.json`);
  const out = join(dir, `${slug}.out.json`);
  writeFileSync(eventFile, JSON.stringify(event));
  const env: NodeJS.ProcessEnv = { ...process.env, ...LAMBDA_ENV, NODE_OPTIONS: '' };
  for (const k of NOT_IN_LAMBDA) delete env[k];
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [RSS_WORKER, bundle, eventFile, String(runs), out], {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`canary-rss.mjs exited ${code}: ${stderr.slice(-2000)}`)),
    );
  });
  const r = JSON.parse(readFileSync(out, 'utf8')) as { rssAfterInit: number; maxRss: number };
  return { label, invocations: runs, rssAfterInitBytes: r.rssAfterInit, maxRssBytes: r.maxRss };
}

/** What the handler wrote while the capture was on. */
interface Captured {
  bytes: number;
  readonly chunks: { readonly stream: 'stdout' | 'stderr'; readonly text: string }[];
}

/** Runs `fn` with everything written to stdout and stderr counted and kept, not printed. */
async function capturing<T>(into: Captured, fn: () => Promise<T>): Promise<T> {
  const out = process.stdout.write;
  const err = process.stderr.write;
  const capture =
    (stream: 'stdout' | 'stderr') =>
    (chunk: string | Uint8Array): boolean => {
      into.bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk, 'utf8') : chunk.byteLength;
      into.chunks.push({ stream, text: typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString() });
      return true;
    };
  process.stdout.write = capture('stdout') as typeof process.stdout.write;
  process.stderr.write = capture('stderr') as typeof process.stderr.write;
  try {
    return await fn();
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}

/** The captured lines by kind; anything that is neither an EMF line nor a check's log line is `other`. */
interface LineCensus {
  readonly lines: number;
  readonly emf: number;
  readonly checkLogs: number;
  readonly other: readonly string[];
  /** `service` of the log lines and `Namespace` of the EMF lines, as seen. */
  readonly services: readonly string[];
  readonly namespaces: readonly string[];
}

function census(captured: Captured): LineCensus {
  let emf = 0;
  let checkLogs = 0;
  const other: string[] = [];
  const services = new Set<string>();
  const namespaces = new Set<string>();
  for (const { stream, text } of captured.chunks) {
    for (const line of text.split('\n')) {
      if (line.length === 0) continue;
      let parsed: Record<string, unknown> | undefined;
      try {
        parsed = JSON.parse(line) as Record<string, unknown>;
      } catch {
        parsed = undefined;
      }
      const aws = parsed?._aws as { CloudWatchMetrics?: { Namespace?: string }[] } | undefined;
      const message = typeof parsed?.message === 'string' ? parsed.message : '';
      if (aws) {
        emf++;
        for (const d of aws.CloudWatchMetrics ?? []) namespaces.add(String(d.Namespace));
      } else if (message === 'check passed' || message.startsWith('check failed')) {
        checkLogs++;
        services.add(String(parsed?.service));
      } else {
        other.push(`${stream}: ${line.length > 240 ? `${line.slice(0, 240)}…` : line}`);
      }
    }
  }
  const lines = captured.chunks.reduce((n, c) => n + (c.text.match(/\n/g)?.length ?? 0), 0);
  return { lines, emf, checkLogs, other, services: [...services], namespaces: [...namespaces] };
}

interface SizeRun {
  readonly size: number;
  readonly wallMs: Stats;
  readonly cpuMs: Stats;
  readonly checks: number;
  readonly bytes: number;
  readonly census: LineCensus;
}

/** One handler call with a fresh payload, context and trace header; throws unless every check ended `ok`. */
async function invoke(handler: Handler, payload: string, size: number, ok: boolean): Promise<void> {
  process.env[TRACE_ENV] = traceHeader();
  const response = (await handler(JSON.parse(payload), lambdaContext(Date.now() + TIMEOUT_MS))) as {
    results?: { ok: boolean; reason?: string }[];
  };
  const results = response.results ?? [];
  const wrong = results.filter((r) => r.ok !== ok);
  if (results.length !== size || wrong.length > 0) {
    throw new Error(
      `expected ${size} ${ok ? 'passing' : 'failing'} checks, got ${results.length} (${wrong.length} ${ok ? 'failed' : 'passed'}: ${wrong.map((r) => r.reason ?? 'ok').join(', ')})`,
    );
  }
}

/** A warm-up, then `runs` timed invocations of a group of `size`, with what they wrote. */
async function runSize(
  handler: Handler,
  origin: string,
  size: number,
  runs: number,
  path: string,
  ok: boolean,
): Promise<SizeRun> {
  const payload = groupPayload(usageConfig(origin, size, path));
  const captured: Captured = { bytes: 0, chunks: [] };
  const wall: number[] = [];
  const cpu: number[] = [];
  await capturing(captured, async () => {
    await invoke(handler, payload, size, ok);
    captured.bytes = 0;
    captured.chunks.length = 0;
    for (let i = 0; i < runs; i++) {
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      await invoke(handler, payload, size, ok);
      wall.push(performance.now() - started);
      const used = process.cpuUsage(cpuBefore);
      cpu.push((used.user + used.system) / 1000);
    }
  });
  return {
    size,
    wallMs: stats(wall),
    cpuMs: stats(cpu),
    checks: size * runs,
    bytes: captured.bytes,
    census: census(captured),
  };
}

interface Measurement {
  readonly usage: CanaryUsage;
  readonly sizes: readonly SizeRun[];
  readonly failed: SizeRun;
  readonly runs: number;
}

async function measure(options: BenchOptions): Promise<Measurement> {
  const sizes = options.quick ? [1, 5] : [1, 5, 20, 50];
  const runs = options.quick ? 3 : 20;
  const failedSize = 5;
  const failedRuns = options.quick ? 2 : 5;
  const restore = lambdaEnvironment();
  const server = await startTargetServer();
  try {
    // After the environment: the Logger and Metrics read it when the module creates them.
    const { handler } = (await import('../lambdas/canary/handler.ts')) as { handler: Handler };
    const bySize: SizeRun[] = [];
    for (const size of sizes) bySize.push(await runSize(handler, server.origin, size, runs, '/health', true));
    const failed = await runSize(handler, server.origin, failedSize, failedRuns, '/unhealthy', false);
    const fastSlot = await runFastSlot(handler, server.origin, FAST_GROUP_SIZE, runs);
    const bundle = await buildCanaryBundle();
    const memoryRuns = options.quick ? 2 : 10;
    const memory = [
      await measureMemory(
        bundle,
        `${MEMORY_STANDARD_CHECKS} standard checks in one invocation`,
        JSON.parse(groupPayload(usageConfig(server.origin, MEMORY_STANDARD_CHECKS, '/health'))),
        memoryRuns,
      ),
      await measureMemory(
        bundle,
        `a queued fast slot of ${FAST_GROUP_SIZE} fast probes`,
        fastSlotEvent(usageConfig(server.origin, FAST_GROUP_SIZE, '/health', true), 0),
        memoryRuns,
      ),
    ];
    const checks = bySize.reduce((n, r) => n + r.checks, 0);
    return {
      usage: {
        invocations: bySize.map((r) => ({ size: r.size, wallMs: r.wallMs, cpuMs: r.cpuMs })),
        logBytesPerCheck: bySize.reduce((n, r) => n + r.bytes, 0) / checks,
        logLinesPerCheck: bySize.reduce((n, r) => n + r.census.lines, 0) / checks,
        logBytesPerFailedCheck: failed.bytes / failed.checks,
        serverDelayMs: SERVER_DELAY_MS,
        fastSlot,
        memory,
      },
      sizes: bySize,
      failed,
      runs,
    };
  } finally {
    await server.stop();
    restore();
  }
}

/** One measurement per mode and process, shared by this section and bench/cost.ts. */
const measured = new Map<boolean, Promise<Measurement>>();

function measurement(options: BenchOptions): Promise<Measurement> {
  let m = measured.get(options.quick);
  if (!m) {
    m = measure(options);
    measured.set(options.quick, m);
    m.catch(() => measured.delete(options.quick));
  }
  return m;
}

/** Measures the real canary handler's invocation time and log output (once per process and mode). */
export async function measureCanaryUsage(options: BenchOptions): Promise<CanaryUsage> {
  return (await measurement(options)).usage;
}

/** The canary usage benchmark. */
export async function benchCanaryUsage(options: BenchOptions): Promise<SectionResult> {
  const { usage, sizes, failed, runs } = await measurement(options);
  const vcpu = CANARY_MEMORY_MB / MB_PER_VCPU;
  const all = [...sizes, failed];
  const other = all.flatMap((r) => r.census.other);
  const services = [...new Set(all.flatMap((r) => r.census.services))];
  const namespaces = [...new Set(all.flatMap((r) => r.census.namespaces))];
  const oddities = [
    ...(services.some((s) => s !== LAMBDA_ENV.POWERTOOLS_SERVICE_NAME)
      ? [
          `ODD: log lines name service ${services.join(', ')}, not ${LAMBDA_ENV.POWERTOOLS_SERVICE_NAME} (was the handler imported before this section set the environment?)`,
        ]
      : []),
    ...(namespaces.some((n) => n !== METRIC_NAMESPACE)
      ? [`ODD: EMF namespace ${namespaces.join(', ')}, not ${METRIC_NAMESPACE}`]
      : []),
    ...(other.length > 0
      ? [
          `ODD: ${int(other.length)} line(s) that are neither EMF nor a check's log line (counted in the bytes); first: ${other.slice(0, 3).join(' | ')}`,
        ]
      : []),
  ];
  const row = (r: SizeRun) => [
    int(r.size),
    `${int(r.wallMs.median)} / ${int(r.wallMs.p95)} ms`,
    `${fixed(r.cpuMs.median, 1)} ms`,
    `${fixed(r.cpuMs.median / r.size, 2)} ms`,
    int(r.bytes / r.checks),
    fixed(r.census.lines / r.checks, 2),
  ];
  return {
    id: 'usage',
    title: '5. Canary invocation time and log bytes (the real handler, in-process)',
    tables: [
      {
        title: `One warm invocation of the canary handler by group size: ${int(runs)} timed per size after a warm-up, server answers after ${SERVER_DELAY_MS} ms (child process)`,
        columns: [
          'group size',
          'wall p50 / p95',
          'CPU p50 / invocation',
          'CPU / check',
          'log bytes / check',
          'lines / check',
        ],
        rows: [
          ...sizes.map(row),
          [`${int(failed.size)} failing (503)`, ...row(failed).slice(1)].map(String),
          [
            `${int(usage.fastSlot.size)} fast, one queued slot (SQS event)`,
            `${int(usage.fastSlot.wallMs.median)} / ${int(usage.fastSlot.wallMs.p95)} ms`,
            `${fixed(usage.fastSlot.cpuMs.median, 1)} ms`,
            `${fixed(usage.fastSlot.cpuMs.median / usage.fastSlot.size, 2)} ms`,
            int(usage.fastSlot.logBytesPerProbe),
            fixed(usage.fastSlot.logLinesPerProbe, 2),
          ],
        ],
        align: ['left', 'right', 'right', 'right', 'right', 'right'],
        notes: [
          `measured: lambdas/canary/handler.ts through middy, called with a Lambda Context and the { monitors } payload JSON round-tripped as Scheduler delivers it, one invocation at a time; wall is performance.now() around the call (Lambda bills about this), CPU is this process's user + system time over it`,
          `all invocations: ${int(usage.logBytesPerCheck)} bytes and ${fixed(usage.logLinesPerCheck, 2)} lines per passing check (EMF line + log line, each with its newline), ${int(usage.logBytesPerFailedCheck)} bytes per failing check (WARN log line with the result's components, to stderr); CloudWatch Logs bills each event's bytes + ${LOG_EVENT_OVERHEAD_BYTES}`,
          `not in these bytes: Lambda's own platform lines (START and REPORT in JSON log format) are not written by the handler (whether Lambda sends them depends on the function's system log level, WARN in lib/constructs/house-function.ts)`,
          `not in these times: the cold start (module load, init), and writing the lines to a real pipe: stdout and stderr are captured in memory here`,
          `the Lambda at ${CANARY_MEMORY_MB} MB has about ${CANARY_MEMORY_MB}/${MB_PER_VCPU} = ${fixed(vcpu, 3)} of a vCPU, so its CPU-bound time is about ${fixed(1 / vcpu, 1)}× longer than here (a factor, not a measurement); the ${SERVER_DELAY_MS} ms of waiting on the server is not`,
          `environment as the Lambda has it: ${Object.entries(LAMBDA_ENV)
            .map(([k, v]) => `${k}=${v}`)
            .join(
              ', ',
            )}, ${TRACE_ENV} per invocation (Sampled=0); unset: ${NOT_IN_LAMBDA.join(', ')}. Bytes grow with the monitor's name and URL (here madef-api-health-NN, ${int(`http://127.0.0.1:NNNNN/health?delay=${SERVER_DELAY_MS}`.length)}-character URL)`,
          `the fast row: an SQS event with one fast-probe message (slot 1, planned for the moment it is sent, so the handler does not sleep) of ${int(usage.fastSlot.size)} fast monitors, through the handler's SQS path; its bytes are per probe`,
          ...oddities,
        ],
      },
      {
        title: `Peak memory of the canary bundle (esbuild, as NodejsFunction builds it) in a fresh Node ${process.version} process, beside the configured ${CANARY_MEMORY_MB} MB`,
        columns: ['invocation', 'invocations', 'RSS after init', 'peak RSS', 'configured'],
        rows: usage.memory.map((m) => [
          m.label,
          int(m.invocations),
          mb(m.rssAfterInitBytes),
          mb(m.maxRssBytes),
          `${CANARY_MEMORY_MB} MB`,
        ]),
        align: ['left', 'right', 'right', 'right', 'right'],
        notes: [
          "bench/workers/canary-rss.mjs: imports the bundle (Lambda's init), calls its handler on the same event one invocation after another, and reads its peak RSS (VmHWM; getrusage's maxRSS survives exec and can report the spawning bench process); the Node runtime's own memory is in it, Lambda's runtime client is not",
          'no target: for choosing the canary memory. Below 1,769 MB a smaller memory is also a smaller share of a vCPU, so the CPU part of each check slows in proportion (the wall time here is mostly waiting on the endpoint)',
          "not measured: the scheduled fast invocation's SendMessageBatch, which loads @aws-sdk/client-sqs (provided by the runtime, outside the bundle)",
        ],
      },
    ],
    targets: [],
    data: usage,
  };
}

if (isMain(import.meta.url)) await runStandalone(benchCanaryUsage);
