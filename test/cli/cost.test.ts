/** `vigil cost` in-process through main(): its output and exit codes. */
import { describe, expect, it } from 'vitest';
import { main, parseCliArgs } from '../../lib/cli/main.ts';
import type { CliIo } from '../../lib/cli/terminal.ts';
import { ConfigError, parseConfig, type VigilConfig } from '../../lib/config/index.ts';

function capture(): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (c: string) => (out += c) },
    stderr: { write: (c: string) => (err += c) },
    env: {},
    out: () => out,
    err: () => err,
  };
}

const config = parseConfig({
  project: 'shop',
  monitors: [
    { kind: 'http', name: 'api', url: 'https://api.example.com/health', schedule: 'rate(1 minute)' },
  ],
});
const load = async (): Promise<VigilConfig> => config;

describe('vigil cost', () => {
  it('prints the bill per service, the total and the per-endpoint comparison; exit 0', async () => {
    const io = capture();
    expect(await main(['cost', '--config', 'x.ts'], io, { loadConfig: load })).toBe(0);
    const out = io.out();
    expect(out).toContain('Expected monthly bill of "shop": 1 enabled monitor');
    // 2 metrics $0.60; 1 + 4 watcher alarms $0.50; 2 dashboards $6.00.
    expect(out).toMatch(/^CloudWatch metrics\s+\$0\.60$/m);
    expect(out).toMatch(/^CloudWatch alarms\s+\$0\.50$/m);
    expect(out).toMatch(/^CloudWatch dashboards\s+\$6\.00$/m);
    expect(out).toMatch(/^TOTAL\s+\$7\.\d\d$/m);
    expect(out).toMatch(/^Vigil full, standard \(1 min, own invocation\)\s+\$0\.82 /m);
    expect(out).toMatch(/^Vigil full, standard \(1 min, invocation shared by 3\)\s+\$0\.76 /m);
    // Fast mode, a month of 43,800 minutes, six one-probe invocations each (262,800 requests;
    // a queued slot is never early, so no Lambda sleeps until it):
    // metrics $0.60 + high-resolution alarm $0.30 + Scheduler 43,800 x $1/1M = $0.0438
    // + Lambda 262,800 x $0.2/1M = $0.0526 and 262,800 x 0.3 s x 0.25 GB = 19,710 GB-s
    //   x $0.0000133334 = $0.2628
    // + SQS (43,800 x (1 send + 5 receives + 5 deletes) + 43,800 x 5 pollers x 3 idle polls)
    //   x $0.4/1M = $0.4555
    // + logs 262,800 x 1,200 B = 0.2937 GiB: x $0.50 + x $0.03 x 30/30.42 = $0.1555
    // = $1.8702. In a group of ten, the per-group items are shared (Lambda at 390 ms an
    // invocation: 300 + 9 x 10): $0.60 + $0.30 + $0.0044 + $0.0394 + $0.0456 + $0.1555 = $1.1449.
    expect(out).toMatch(/^Vigil full, fast \(10 s probes, alone in the fast group\)\s+\$1\.87 /m);
    expect(out).toMatch(/^Vigil full, fast \(10 s probes, fast group of 10\)\s+\$1\.14 /m);
    expect(out).toMatch(/^CloudWatch Synthetics \(1 run\/min\)\s+\$52\.66 /m);
    expect(out).toMatch(/^Route 53 health check \(HTTPS, string match\)\s+\$2\.85 /m);
    expect(io.err()).toBe('');
  });

  it('--json prints one document with the same figures', async () => {
    const io = capture();
    expect(await main(['cost', '--json'], io, { loadConfig: load })).toBe(0);
    const doc = JSON.parse(io.out());
    expect(doc.project).toBe('shop');
    expect(doc.monitors).toBe(1);
    expect(doc.byService.metrics).toBeCloseTo(0.6, 9);
    expect(doc.counts).toMatchObject({ metrics: 2, standardAlarms: 5, compositeAlarms: 0, dashboards: 2 });
    expect(doc.endpoints[0].total.toFixed(2)).toBe('0.82');
  });

  it('exit 2 on a bad config, with its problems on stderr', async () => {
    const io = capture();
    const bad = async (): Promise<VigilConfig> => {
      throw new ConfigError([{ path: 'monitors[0].url', message: 'must be a URL' }], 'x.ts');
    };
    expect(await main(['cost'], io, { loadConfig: bad })).toBe(2);
    expect(io.err()).toContain('monitors[0].url: must be a URL');
    expect(io.out()).toBe('');
  });

  it('usage: --only is check-only; --json is accepted', () => {
    expect(parseCliArgs(['cost', '--only', 'a'])).toEqual({
      kind: 'error',
      message: '--only only applies to "vigil check"',
    });
    expect(parseCliArgs(['validate', '--json'])).toEqual({
      kind: 'error',
      message: '--json only applies to "vigil check" and "vigil cost"',
    });
    expect(parseCliArgs(['cost', '-c', 'a.ts', '--json'])).toMatchObject({
      command: 'cost',
      config: 'a.ts',
      json: true,
    });
  });

  it('is in --help', async () => {
    const io = capture();
    expect(await main(['--help'], io)).toBe(0);
    expect(io.out()).toMatch(/^ {2}cost {16}Estimate the monthly AWS bill/m);
  });
});
