// Cold init of one Lambda bundle, in a fresh Node process (spawned by bench/bundle.ts): the time
// `await import(bundle)` takes, which is what Lambda's init phase spends on our code. Plain
// JavaScript on purpose: no TypeScript loader may be registered in the process being measured.
//
//   node bench/workers/cold-init.mjs <bundle.mjs> [time|trace]
//
// `trace` registers a synchronous resolve hook first and lists every module resolved during the
// import (the hook costs time, so traced runs are not timed); `resolved` is null where Node has no
// module.registerHooks (before 22.15). Prints one JSON line.
import * as nodeModule from 'node:module';
import { pathToFileURL } from 'node:url';

const [bundle, mode = 'time'] = process.argv.slice(2);
if (!bundle) {
  process.stderr.write('usage: cold-init.mjs <bundle.mjs> [time|trace]\n');
  process.exit(2);
}

const resolved = [];
// module.registerHooks: Node 22.15+ and 23.5+. Without it the trace is reported as unavailable.
const traced = mode === 'trace' && typeof nodeModule.registerHooks === 'function';
if (traced) {
  nodeModule.registerHooks({
    resolve(specifier, context, nextResolve) {
      const result = nextResolve(specifier, context);
      resolved.push(result.url);
      return result;
    },
  });
}

const started = performance.now();
const mod = await import(pathToFileURL(bundle).href);
const importMs = performance.now() - started;

process.stdout.write(
  `${JSON.stringify({
    importMs,
    // performance.now() counts from the process's time origin: Node's own startup plus the import.
    sinceProcessStartMs: performance.now(),
    handler: typeof mod.handler,
    resolved: traced ? resolved : null,
  })}\n`,
);
