/**
 * The esbuild options Vigil's Lambdas are bundled with (HouseFunction in
 * lib/constructs/house-function.ts, which CanaryFunction and the pager extend), in one place for the
 * benchmarks.
 *
 * They are mirrored, not imported: the construct passes its `bundling` props inline to
 * NodejsFunction, and aws-cdk-lib turns them into esbuild CLI flags (aws-lambda-nodejs/lib/bundling.js):
 *
 *   esbuild --bundle <entry> --target=node22 --platform=node --format=esm --outfile=<dir>/index.mjs
 *     --minify --external:@aws-sdk/* --banner:js=<banner> --main-fields=module,main
 *
 * (run with the project root as the working directory; `sourceMap: false` adds no flag), plus any
 * `define` a subclass passes (the pager's catalog), which depends on the config and is not mirrored.
 * A mirror can drift, so bench/bundle.ts measures the assets a real synth produced and compares the
 * mirror with them byte for byte.
 */
import { fileURLToPath } from 'node:url';
import type { BuildOptions } from 'esbuild';

/** The repository root: NodejsFunction runs esbuild from the project root (where the lock file is). */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** `bundling.banner` in lib/constructs/house-function.ts. */
export const CANARY_BANNER =
  "import{createRequire}from'module';const require=createRequire(import.meta.url);";

/** `bundling.externalModules` in lib/constructs/house-function.ts: the runtime ships AWS SDK v3. */
export const CANARY_EXTERNALS: readonly string[] = ['@aws-sdk/*'];

/** The build options for one Lambda entry, written to `outfile` (NodejsFunction names it index.mjs). */
export function lambdaBuildOptions(entry: string, outfile: string): BuildOptions {
  return {
    absWorkingDir: PROJECT_ROOT,
    entryPoints: [entry],
    bundle: true,
    target: 'node22',
    platform: 'node',
    format: 'esm',
    outfile,
    minify: true,
    sourcemap: false,
    external: [...CANARY_EXTERNALS],
    banner: { js: CANARY_BANNER },
    mainFields: ['module', 'main'],
    // Not a NodejsFunction flag: asks esbuild for the per-input byte counts, leaves the output alone.
    metafile: true,
    logLevel: 'silent',
  };
}
