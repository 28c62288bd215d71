/**
 * A check that throws (none should: checks return failures) costs only its own result: the other
 * monitors of the shared invocation still report, and the crash is logged with the monitor's name.
 */
import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseConfig, toGroupEvent } from '../../lib/config/index.ts';
import { captureJsonLines } from '../support/emf.ts';

vi.mock('../../lambdas/canary/checks/index.ts', () => ({
  runCheck: async (monitor: { name: string; kind: string }) => {
    if (monitor.name === 'broken') throw new Error('bug in a check');
    return {
      monitor: monitor.name,
      kind: monitor.kind,
      checkedAt: new Date().toISOString(),
      durationMs: 1,
      attempts: 1,
      ok: true,
    };
  },
}));

const { handler } = await import('../../lambdas/canary/handler.ts');

const context = {
  functionName: 'vigil-canary',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;

afterEach(() => vi.restoreAllMocks());

describe('canary handler, a check that throws', () => {
  it('reports the other monitors of the invocation and logs the crash under the monitor', async () => {
    const config = parseConfig({
      project: 'p',
      monitors: ['fine', 'broken', 'also-fine'].map((name) => ({
        kind: 'http' as const,
        name,
        url: `https://example.com/${name}`,
      })),
    });
    const capture = captureJsonLines();
    const result = await handler(JSON.parse(JSON.stringify(toGroupEvent(config.monitors))), context);
    const lines = capture.stop();

    expect((result as { results: unknown[] }).results).toEqual([
      expect.objectContaining({ monitor: 'fine', ok: true }),
      { monitor: 'broken', ok: false, crashed: 'Error: bug in a check' },
      expect.objectContaining({ monitor: 'also-fine', ok: true }),
    ]);
    // EMF for the two that reported, none for the crashed one (its alarm sees missing data).
    expect(lines.filter((l) => '_aws' in l).map((l) => l.Monitor)).toEqual(['fine', 'also-fine']);
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 'ERROR', message: 'check crashed', monitor: 'broken' }),
    );
  });
});
