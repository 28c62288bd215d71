/**
 * Check wall time at scale (DESIGN.md: checks run concurrently with per-check timeouts; one slow
 * endpoint never delays the others).
 *
 * 1, 10, 100 and 1,000 HTTP monitors run at once through `vigil check`'s own code path
 * (`checkCommand` from lib/cli/main.ts with the config handed in and `--json` output captured), the
 * way `npx vigil check` runs them: `runCheck` per monitor, all started together, a fresh connection
 * each. The target is a node:http server in a child process (bench/workers/http-server.ts) that
 * answers a madef-like health document after 50 ms; one monitor points at a path that never
 * answers and has a 2,000 ms timeout.
 *
 * Ideal wall time is max(the hanging monitor's timeout, the server's 50 ms): with perfect
 * concurrency nothing else adds to it. The ratio wall / ideal is the figure (target ≤ 1.2 at
 * 1,000). Peak RSS and heap are sampled every 10 ms while the checks run.
 *
 *   npx tsx bench/checks.ts [--quick]
 */
import { readFileSync } from 'node:fs';
import type { CheckResult } from '../lambdas/canary/checks/result.ts';
import { checkCommand } from '../lib/cli/check.ts';
import { parseConfig, type VigilConfig } from '../lib/config/index.ts';
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
  type TargetCheck,
} from './lib/report.ts';
import { startTargetServer } from './lib/server.ts';

/** DESIGN.md-derived target: at 1,000 monitors, wall time within 20% of the ideal. */
export const MAX_RATIO_AT_1000 = 1.2;
/** How long the target server takes to answer a healthy check. */
export const SERVER_DELAY_MS = 50;

/** A config of `count` monitors: the first hangs (`timeoutMs` = `hangTimeoutMs`), the rest are healthy. */
export function scaleConfig(origin: string, count: number, hangTimeoutMs: number): VigilConfig {
  return parseConfig(
    {
      project: 'bench',
      monitors: Array.from({ length: count }, (_, i) =>
        i === 0
          ? { name: 'hanging', kind: 'http', url: `${origin}/hang`, timeoutMs: hangTimeoutMs }
          : {
              name: `healthy-${String(i).padStart(4, '0')}`,
              kind: 'http',
              url: `${origin}/health?delay=${SERVER_DELAY_MS}`,
              timeoutMs: 10_000,
              // The madef monitor's assertions (vigil.config.ts).
              assertions: [
                { path: 'status', equals: 'healthy' },
                { path: 'checks.database.status', equals: 'ok' },
                { path: 'checks.redis.status', oneOf: ['ok', 'not_configured'] },
                { path: 'checks.whatsapp.status', equals: 'ok' },
                { path: 'checks.memory.percentage', lt: 85 },
              ],
            },
      ),
    },
    'bench/checks.ts',
  );
}

/** Sockets in TIME_WAIT on this machine (IPv4 and IPv6), from /proc; undefined where unreadable. */
function timeWaitSockets(): number | undefined {
  let count = 0;
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    try {
      for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
        if (line.trim().split(/\s+/)[3] === '06') count++;
      }
    } catch {
      return undefined;
    }
  }
  return count;
}

function ephemeralPorts(): number | undefined {
  try {
    const [lo, hi] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/)
      .map(Number);
    return lo !== undefined && hi !== undefined ? hi - lo + 1 : undefined;
  } catch {
    return undefined;
  }
}

interface LevelFigures {
  readonly monitors: number;
  readonly exitCode: number;
  readonly wallMs: number;
  readonly idealMs: number;
  readonly ratio: number;
  /** durationMs of the healthy checks. */
  readonly healthyMs: Stats;
  readonly hangMs: number | undefined;
  readonly passed: number;
  /** Failures other than the hanging monitor's expected timeout, by reason. */
  readonly unexpected: Record<string, number>;
  readonly clientCpuMs: number;
  /** Peak RSS and heap while the checks ran, over what they were when the level started. */
  readonly peakRssGrowthBytes: number;
  readonly peakHeapGrowthBytes: number;
  readonly rssBeforeBytes: number;
  readonly heapBeforeBytes: number;
  readonly timeWaitAfter: number | undefined;
}

/** Runs `count` monitors through `vigil check` once. */
async function runLevel(origin: string, count: number, hangTimeoutMs: number): Promise<LevelFigures> {
  const config = scaleConfig(origin, count, hangTimeoutMs);
  const stdout: string[] = [];
  const stderr: string[] = [];
  const io = {
    stdout: { write: (s: string) => stdout.push(s) },
    stderr: { write: (s: string) => stderr.push(s) },
    env: { NO_COLOR: '1' },
  };

  const before = process.memoryUsage();
  let peakRss = before.rss;
  let peakHeap = before.heapUsed;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 10);
  const cpu = process.cpuUsage();
  const started = performance.now();
  let exitCode: number;
  try {
    exitCode = await checkCommand({ config: `bench:${count}-monitors`, only: [], json: true }, io, {
      loadConfig: async () => config,
    });
  } finally {
    clearInterval(sampler);
  }
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const m = process.memoryUsage();
  peakRss = Math.max(peakRss, m.rss);
  peakHeap = Math.max(peakHeap, m.heapUsed);
  if (exitCode > 1) throw new Error(`vigil check exited ${exitCode}: ${stderr.join('')}`);

  const results = stdout
    .join('')
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .map((l) => JSON.parse(l) as CheckResult);
  const hang = results.find((r) => r.monitor === 'hanging');
  const healthy = results.filter((r) => r.monitor !== 'hanging');
  const unexpected: Record<string, number> = {};
  for (const r of results) {
    if (r.ok) continue;
    if (r.monitor === 'hanging' && r.reason === 'timeout') continue;
    unexpected[r.reason] = (unexpected[r.reason] ?? 0) + 1;
  }
  if (hang?.ok) unexpected.hang_answered = 1;
  const idealMs = Math.max(hangTimeoutMs, count > 1 ? SERVER_DELAY_MS : 0);
  return {
    monitors: count,
    exitCode,
    wallMs,
    idealMs,
    ratio: wallMs / idealMs,
    healthyMs: stats(healthy.map((r) => r.durationMs)),
    hangMs: hang?.durationMs,
    passed: results.filter((r) => r.ok).length,
    unexpected,
    clientCpuMs: (used.user + used.system) / 1000,
    peakRssGrowthBytes: peakRss - before.rss,
    peakHeapGrowthBytes: peakHeap - before.heapUsed,
    rssBeforeBytes: before.rss,
    heapBeforeBytes: before.heapUsed,
    timeWaitAfter: timeWaitSockets(),
  };
}

/** The scale benchmark. */
export async function benchChecks(options: BenchOptions): Promise<SectionResult> {
  const levels = options.quick ? [1, 10, 100] : [1, 10, 100, 1000];
  const hangTimeoutMs = options.quick ? 500 : 2000;
  const server = await startTargetServer();
  const figures: LevelFigures[] = [];
  try {
    // Warm-up, not reported: loads the check code (through tsx, a dynamic import) and warms the JIT.
    await runLevel(server.origin, 20, 200);
    for (const count of levels) {
      figures.push(await runLevel(server.origin, count, hangTimeoutMs));
      // Let the last run's sockets finish closing before the next starts.
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    await server.stop();
  }

  const top = figures[figures.length - 1];
  const targets: TargetCheck[] = [
    {
      figure: `wall / ideal at ${int(top?.monitors ?? 0)} monitors`,
      target: options.quick
        ? `≤ ${MAX_RATIO_AT_1000} (at 1,000; --quick stops at 100)`
        : `≤ ${MAX_RATIO_AT_1000}`,
      value: top ? `${fixed(top.ratio, 2)} (${int(top.wallMs)} / ${int(top.idealMs)} ms)` : '—',
      met: options.quick ? undefined : top !== undefined && top.ratio <= MAX_RATIO_AT_1000,
    },
    {
      figure: `unexpected failures at ${int(top?.monitors ?? 0)} monitors`,
      target: '0 (only the hanging monitor fails)',
      value: top ? String(Object.values(top.unexpected).reduce((s, n) => s + n, 0)) : '—',
      met: top !== undefined && Object.keys(top.unexpected).length === 0,
    },
  ];
  return {
    id: 'checks',
    title: '2. Check wall time at scale (vigil check code path, one hanging monitor)',
    tables: [
      {
        title: `Concurrent HTTP checks: server answers after ${SERVER_DELAY_MS} ms (child process), one monitor hangs with timeoutMs ${int(hangTimeoutMs)}`,
        columns: [
          'monitors',
          'wall',
          'ideal',
          'wall/ideal',
          'healthy p50',
          'healthy p95',
          'healthy max',
          'hang',
          'passed',
          'other failures',
          'client CPU',
          'RSS growth',
          'heap growth',
        ],
        rows: figures.map((f) => [
          int(f.monitors),
          `${int(f.wallMs)} ms`,
          `${int(f.idealMs)} ms`,
          fixed(f.ratio, 3),
          f.monitors > 1 ? `${int(f.healthyMs.median)} ms` : '—',
          f.monitors > 1 ? `${int(f.healthyMs.p95)} ms` : '—',
          f.monitors > 1 ? `${int(f.healthyMs.max)} ms` : '—',
          f.hangMs !== undefined ? `${int(f.hangMs)} ms` : '—',
          `${int(f.passed)}/${int(f.monitors - 1)}`,
          Object.entries(f.unexpected)
            .map(([reason, n]) => `${reason} ×${n}`)
            .join(', ') || 'none',
          `${int(f.clientCpuMs)} ms`,
          `+${mb(f.peakRssGrowthBytes)}`,
          `+${mb(f.peakHeapGrowthBytes)}`,
        ]),
        notes: [
          `ideal = max(hanging timeout, ${SERVER_DELAY_MS} ms server delay): what perfect concurrency would take; target wall/ideal ≤ ${MAX_RATIO_AT_1000} at 1,000`,
          '"healthy" columns are the passing checks\' own durationMs: a check that waited behind others shows here',
          `RSS/heap growth: the peak while the checks ran (sampled every 10 ms) over the level's start, in the benchmark process (${mb(figures[0]?.rssBeforeBytes ?? 0)} RSS, ${mb(figures[0]?.heapBeforeBytes ?? 0)} heap before the first level: tsx, the CLI, and aws-cdk-lib if a synth ran first)`,
          `fresh connection per check; ephemeral ports: ${int(ephemeralPorts() ?? Number.NaN)}; sockets in TIME_WAIT after each level: ${figures.map((f) => int(f.timeWaitAfter ?? Number.NaN)).join(', ')}`,
        ],
      },
    ],
    targets,
    data: { levels: figures, hangTimeoutMs, serverDelayMs: SERVER_DELAY_MS },
  };
}

if (isMain(import.meta.url)) await runStandalone(benchChecks);
