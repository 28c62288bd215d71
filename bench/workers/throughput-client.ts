/**
 * One throughput measurement, in a fresh process so its CPU time is the client's alone (forked by
 * bench/throughput.ts under tsx). Runs HTTP checks against the target server with `concurrency`
 * loops until `maxChecks` are done or `maxMs` has passed, after an unmeasured warm-up, and sends
 * `{ checks, failures, cpuMs, wallMs }` back over IPC.
 *
 *   mode "vigil": `runCheck` with one JSON assertion (`status` equals "healthy"), as the canary runs it
 *   mode "plain": `http.get` + `JSON.parse` + one path check: the floor any Node client pays
 *
 * Both open a fresh connection per check (an agent with keep-alive off, like the check engine's).
 */
import { Agent, get } from 'node:http';
import { runCheck } from '../../lambdas/canary/checks/index.ts';
import { aws } from '../../lambdas/shared/aws.ts';
import { parseConfig } from '../../lib/config/index.ts';

export interface ClientJob {
  readonly mode: 'vigil' | 'plain';
  readonly url: string;
  readonly concurrency: number;
  readonly maxChecks: number;
  readonly maxMs: number;
  readonly warmupChecks: number;
}

export interface ClientReport {
  readonly type: 'done';
  readonly checks: number;
  readonly failures: number;
  readonly firstFailure?: string;
  readonly cpuMs: number;
  readonly userMs: number;
  readonly systemMs: number;
  readonly wallMs: number;
}

type OneCheck = () => Promise<string | undefined>;

function vigilCheck(url: string): OneCheck {
  const [monitor] = parseConfig({
    project: 'bench',
    monitors: [
      {
        name: 'throughput',
        kind: 'http',
        url,
        timeoutMs: 5000,
        assertions: [{ path: 'status', equals: 'healthy' }],
      },
    ],
  }).monitors;
  if (!monitor) throw new Error('no monitor');
  const deps = { resolveSecret: () => Promise.reject(new Error('no secrets here')), aws };
  return async () => {
    const result = await runCheck(monitor, deps);
    return result.ok ? undefined : `${result.reason}: ${result.detail}`;
  };
}

function plainCheck(url: string): OneCheck {
  const agent = new Agent({ keepAlive: false });
  return () =>
    new Promise((resolve) => {
      const req = get(url, { agent, timeout: 5000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          try {
            const doc = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { status?: unknown };
            resolve(res.statusCode === 200 && doc.status === 'healthy' ? undefined : 'assertion failed');
          } catch (error) {
            resolve(`bad json: ${(error as Error).message}`);
          }
        });
        res.on('error', (error) => resolve(error.message));
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (error) => resolve(error.message));
    });
}

async function run(job: ClientJob): Promise<ClientReport> {
  const check = job.mode === 'vigil' ? vigilCheck(job.url) : plainCheck(job.url);
  const loops = async (limit: number, deadline: number) => {
    let started = 0;
    let failures = 0;
    let firstFailure: string | undefined;
    await Promise.all(
      Array.from({ length: job.concurrency }, async () => {
        while (started < limit && performance.now() < deadline) {
          started++;
          const failure = await check();
          if (failure !== undefined) {
            failures++;
            firstFailure ??= failure;
          }
        }
      }),
    );
    return { checks: started, failures, firstFailure };
  };
  await loops(job.warmupChecks, performance.now() + 10_000);
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  const measured = await loops(job.maxChecks, t0 + job.maxMs);
  const wallMs = performance.now() - t0;
  const used = process.cpuUsage(cpu);
  return {
    type: 'done',
    checks: measured.checks,
    failures: measured.failures,
    ...(measured.firstFailure !== undefined && { firstFailure: measured.firstFailure }),
    cpuMs: (used.user + used.system) / 1000,
    userMs: used.user / 1000,
    systemMs: used.system / 1000,
    wallMs,
  };
}

process.once('message', (job: ClientJob) => {
  run(job).then(
    (report) => process.send?.(report, () => process.exit(0)),
    (error: unknown) => {
      process.stderr.write(`throughput client failed: ${(error as Error).stack ?? String(error)}\n`);
      process.exit(1);
    },
  );
});
