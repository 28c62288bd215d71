import { readFileSync } from 'node:fs';

/** The line a drill script stands `verify-lib.sh` in for. */
const INCLUDE = '# @include verify-lib.sh\n';

/**
 * A drill script's text as it runs on a host: read at synth (and by the CLI), with the shared
 * functions of verify-lib.sh (queries, freshness, JSON strings) spliced in where it says
 * `# @include verify-lib.sh`, so the restore script and the RDS verify script judge queries alike.
 */
export function readDrillScript(url: URL): string {
  const text = readFileSync(url, 'utf8');
  if (!text.includes(INCLUDE)) throw new Error(`${url.pathname} has no "${INCLUDE.trim()}" line`);
  const lib = readFileSync(new URL('./verify-lib.sh', import.meta.url), 'utf8');
  // A function, not a string: the library's `$'\n'` would be a replacement pattern.
  return text.replace(INCLUDE, () => lib);
}
