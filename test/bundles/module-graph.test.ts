/**
 * What each run-time Lambda's bundle must leave out. The config loader, the fast-probe message
 * schema and the stack code are synth-time modules: a value import of lib/config/index.ts or
 * lib/monitors/alarm-timing.ts from a module a handler reaches pulls them in (the drill function
 * once grew from 111 KB to 314 KB that way, unnoticed until the bundle benchmark ran). The bundles
 * are built as NodejsFunction builds them (bench/lib/esbuild-options.ts), without writing them.
 */
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { lambdaBuildOptions } from '../../bench/lib/esbuild-options.ts';

/** Modules no Lambda bundle may contain. */
const SYNTH_ONLY = [
  'lib/config/load.ts',
  'lib/config/index.ts',
  'lib/monitors/alarm-timing.ts',
  'aws-cdk-lib',
];

async function inputsOf(entry: string): Promise<string[]> {
  const result = await build({ ...lambdaBuildOptions(entry, 'unused/index.mjs'), write: false });
  return Object.keys(result.metafile?.inputs ?? {});
}

describe('Lambda bundles leave synth-time code out', () => {
  const lambdas: [string, string[]][] = [
    ['lambdas/drill/handler.ts', [...SYNTH_ONLY, 'lib/config/fast-probe-message.ts']],
    ['lambdas/pager/handler.ts', [...SYNTH_ONLY, 'lib/config/fast-probe-message.ts']],
    ['lambdas/remediator/handler.ts', [...SYNTH_ONLY, 'lib/config/fast-probe-message.ts']],
    ['lambdas/canary/handler.ts', SYNTH_ONLY],
  ];
  it.each(lambdas)('%s', async (entry, forbidden) => {
    const inputs = await inputsOf(entry);
    expect(inputs.length).toBeGreaterThan(10);
    expect(inputs.filter((i) => forbidden.some((f) => i === f || i.includes(`node_modules/${f}/`)))).toEqual(
      [],
    );
  });
});
