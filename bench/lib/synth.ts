/**
 * Synthesizes the stack for a config file in-process, the way `bin/app.ts` does (no account or
 * region, real esbuild bundling of every Lambda), into a temporary cloud assembly. Memoized, so the
 * bundle cross-check and the failure-to-page simulation share one synth when run together.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { cdkJsonContext } from '../../lib/cdk-context.ts';
import { loadConfig, type VigilConfig } from '../../lib/config/index.ts';
import { stackNameFor, VigilStack } from '../../lib/vigil-stack.ts';

/** A CloudFormation template, loosely typed: the benchmarks read a few properties of a few types. */
export interface CfnTemplate {
  readonly Resources: Record<
    string,
    { readonly Type: string; readonly Properties?: Record<string, unknown> }
  >;
}

export interface Synthesized {
  readonly configFile: string;
  readonly config: VigilConfig;
  readonly template: CfnTemplate;
  /** The cloud assembly directory (removed when the process exits). */
  readonly assemblyDir: string;
  /** Wall time of load + synth, ms. */
  readonly synthMs: number;
}

const cache = new Map<string, Promise<Synthesized>>();

/** Loads `configFile` and synthesizes its stack once per process. */
export function synthesize(configFile = 'vigil.config.ts'): Promise<Synthesized> {
  let entry = cache.get(configFile);
  if (!entry) {
    entry = doSynth(configFile);
    cache.set(configFile, entry);
  }
  return entry;
}

/**
 * Synthesizes `configFile` with `change` applied to its loaded config (not memoized), for a figure
 * the file itself does not exercise, e.g. a fast-mode variant of one of its monitors.
 */
export function synthesizeVariant(
  configFile: string,
  change: (config: VigilConfig) => VigilConfig,
): Promise<Synthesized> {
  return doSynth(configFile, change);
}

/** Assembly directories to remove when the process exits (one exit listener for them all). */
const assemblies = new Set<string>();

function removeOnExit(dir: string): void {
  if (assemblies.size === 0) {
    process.once('exit', () => {
      for (const d of assemblies) rmSync(d, { recursive: true, force: true });
    });
  }
  assemblies.add(dir);
}

async function doSynth(
  configFile: string,
  change: (config: VigilConfig) => VigilConfig = (c) => c,
): Promise<Synthesized> {
  const started = performance.now();
  const config = change(await loadConfig(configFile));
  const outdir = mkdtempSync(join(tmpdir(), 'vigil-bench-synth-'));
  removeOnExit(outdir);
  const app = new App({ outdir, context: cdkJsonContext() });
  const stack = new VigilStack(app, stackNameFor(config.project), { config, configSource: configFile });
  const assembly = app.synth();
  const template = assembly.getStackArtifact(stack.artifactId).template as CfnTemplate;
  return { configFile, config, template, assemblyDir: outdir, synthMs: performance.now() - started };
}
