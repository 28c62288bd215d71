/**
 * A fake Docker host for running the remediation scripts for real: `docker`, `docker-compose` and
 * `git` written as small bash programs into a temp dir that goes first on PATH. Each call is
 * appended to a log (working directory and argv); a call can be told to fail; `docker inspect`
 * answers container states scripted per container, one per call, the last one repeating.
 *
 *   const host = fakeHost();
 *   host.states('cid-app', ['running starting', 'running healthy']);
 *   spawnSync('sh', ['-c', script], { env: host.env({ FAKE_FAIL: 'docker compose restart app' }) });
 *   host.calls();   // [{ cwd, command: 'docker compose restart app' }, ...]
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One recorded call. */
export interface FakeCall {
  readonly cwd: string;
  /** Program and arguments joined by single spaces, e.g. `docker compose restart app`. */
  readonly command: string;
}

export interface FakeHost {
  /** The temp dir holding bin/, the log and the scripted states; also a place for test files. */
  readonly root: string;
  /** The dir to put first on PATH. */
  readonly binDir: string;
  /** Every call so far, in order. */
  calls(): FakeCall[];
  /** Only the commands of {@link calls}. */
  commands(): string[];
  /** What `docker inspect` reports for a container's state, one entry per call (`running healthy`, `exited `). */
  states(container: string, states: readonly string[]): void;
  /** What `docker inspect` reports as a container's image (`repo:tag`); none means "No such object". */
  image(container: string, image: string): void;
  /** The container ids `docker compose ps -q <service>` prints (default `cid-<service>`; empty: none). */
  ids(service: string, ids: readonly string[]): void;
  /**
   * An environment for the script: PATH with the fakes first, short polls, plus `extra`.
   * FAKE_FAIL: `;`-separated commands that fail (exact match, program included);
   * FAKE_GIT_HEAD / FAKE_GIT_PREV_TAG / FAKE_GIT_PARENT: what git answers (unset: no such thing).
   */
  env(extra?: Record<string, string>): NodeJS.ProcessEnv;
  cleanup(): void;
}

/** The part of every fake that logs the call and fails it when FAKE_FAIL names it. */
const PRELUDE = `#!/bin/bash
prog=$(basename "$0")
line="$prog $*"
printf '%s\\t%s\\n' "$PWD" "$line" >>"$FAKE_ROOT/calls.log"
IFS=';' read -r -a failing <<<"\${FAKE_FAIL:-}"
for f in "\${failing[@]}"; do
  if [ "$f" = "$line" ]; then
    echo "fake failure: $line" >&2
    exit 1
  fi
done
`;

const DOCKER = `${PRELUDE}
# Pop the first scripted line of a file; the last one stays.
pop() {
  local file=$1 first
  first=$(head -n 1 "$file")
  if [ "$(wc -l <"$file")" -gt 1 ]; then sed -i 1d "$file"; fi
  printf '%s\\n' "$first"
}
args=("$@")
if [ "$prog" = docker ] && [ "\${1:-}" = compose ]; then args=("\${@:2}"); fi
if [ "$prog" = docker-compose ] || [ "\${1:-}" = compose ]; then
  if [ "\${args[0]}" = ps ] && [ "\${args[1]}" = -q ]; then
    svc=\${args[2]}
    if [ -f "$FAKE_ROOT/ids/$svc" ]; then cat "$FAKE_ROOT/ids/$svc"; else echo "cid-$svc"; fi
  fi
  exit 0
fi
case \${1:-} in
  inspect)
    format=$3
    id=$4
    if [[ $format == *Config.Image* ]]; then
      if [ -f "$FAKE_ROOT/image/$id" ]; then cat "$FAKE_ROOT/image/$id"; exit 0; fi
      echo "Error: No such object: $id" >&2
      exit 1
    fi
    if [ -f "$FAKE_ROOT/state/$id" ]; then pop "$FAKE_ROOT/state/$id"; else echo "running healthy"; fi
    ;;
  rm | restart) echo "\${!#}" ;;
  run) echo "0123456789abcdef" ;;
esac
exit 0
`;

const GIT = `${PRELUDE}
# Skip "-c name=value" options, as git does.
while [ "\${1:-}" = -c ]; do shift 2; done
case "$*" in
  'describe --tags --always HEAD') echo "\${FAKE_GIT_HEAD:-0000000}" ;;
  'describe --tags --abbrev=0 HEAD^')
    if [ -n "\${FAKE_GIT_PREV_TAG:-}" ]; then echo "$FAKE_GIT_PREV_TAG"; else
      echo "fatal: No names found, cannot describe anything." >&2
      exit 128
    fi
    ;;
  'rev-parse --verify --quiet HEAD~1')
    if [ -n "\${FAKE_GIT_PARENT:-}" ]; then echo "$FAKE_GIT_PARENT"; else exit 1; fi
    ;;
  checkout*) ;;
  *) echo "fake git: unexpected $*" >&2; exit 2 ;;
esac
`;

/** Creates a fake host in a new temp dir. */
export function fakeHost(): FakeHost {
  const root = mkdtempSync(join(tmpdir(), 'vigil-fake-host-'));
  const binDir = join(root, 'bin');
  for (const dir of [binDir, join(root, 'state'), join(root, 'image'), join(root, 'ids')]) mkdirSync(dir);
  for (const [name, text] of [
    ['docker', DOCKER],
    ['docker-compose', DOCKER],
    ['git', GIT],
  ] as const) {
    writeFileSync(join(binDir, name), text);
    chmodSync(join(binDir, name), 0o755);
  }
  writeFileSync(join(root, 'calls.log'), '');
  const calls = (): FakeCall[] =>
    readFileSync(join(root, 'calls.log'), 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => {
        const tab = l.indexOf('\t');
        return { cwd: l.slice(0, tab), command: l.slice(tab + 1) };
      });
  return {
    root,
    binDir,
    calls,
    commands: () => calls().map((c) => c.command),
    states: (container, states) => writeFileSync(join(root, 'state', container), `${states.join('\n')}\n`),
    image: (container, image) => writeFileSync(join(root, 'image', container), `${image}\n`),
    ids: (service, ids) => writeFileSync(join(root, 'ids', service), ids.length ? `${ids.join('\n')}\n` : ''),
    env: (extra = {}) => ({
      PATH: `${binDir}:${process.env.PATH ?? '/usr/bin:/bin'}`,
      HOME: root,
      FAKE_ROOT: root,
      VIGIL_POLL_SECONDS: '0.05',
      ...extra,
    }),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}
