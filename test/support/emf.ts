/**
 * The EMF line `recordResult` prints for one check, parsed: what CloudWatch would turn into metrics.
 * For the record tests, which assert on metric names, units, dimensions and metadata.
 */
import { Metrics } from '@aws-lambda-powertools/metrics';
import { vi } from 'vitest';
import type { CheckResult } from '../../lambdas/canary/checks/result.ts';
import { recordResult } from '../../lambdas/canary/record.ts';
import type { Monitor } from '../../lib/config/index.ts';

/** One parsed EMF line. */
export type EmfLine = Record<string, unknown> & {
  _aws: { CloudWatchMetrics: { Metrics: { Name: string; Unit: string }[]; Dimensions: string[][] }[] };
};

/** Records `result` of `monitor` as the canary does and returns the EMF line it printed. */
export function recordedEmf(monitor: Monitor, result: CheckResult): EmfLine {
  const lines: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    const metrics = new Metrics({ namespace: 'Vigil' });
    metrics.clearDefaultDimensions();
    recordResult(metrics, monitor, result);
    metrics.publishStoredMetrics();
  } finally {
    vi.restoreAllMocks();
  }
  const line = lines
    .join('')
    .split('\n')
    .find((l) => l.includes('"_aws"'));
  if (!line) throw new Error('no EMF printed');
  return JSON.parse(line) as EmfLine;
}

/**
 * Captures every JSON line written to stdout and stderr (EMF and Powertools log lines) until
 * `stop()`, which restores the streams and returns them parsed.
 */
export function captureJsonLines(): { stop(): Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const capture = (chunk: string | Uint8Array) => {
    for (const line of String(chunk).split('\n'))
      if (line.trim().startsWith('{')) lines.push(JSON.parse(line));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  return {
    stop() {
      vi.restoreAllMocks();
      return lines;
    },
  };
}
