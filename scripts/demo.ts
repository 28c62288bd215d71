/**
 * `npm run demo`: what Vigil does, on a fresh clone, with no AWS account.
 *
 *  1. Validates `vigil.config.ts` and synthesizes the CDK app (`cdk synth`) into a temporary
 *     directory: the CloudFormation a deploy would create, and how big it is.
 *  2. Starts `scripts/demo-app.ts` (the runbooks' health endpoints, healthy and with injected
 *     faults, madef's WhatsApp outbox and a database provider's backups API),
 *     `scripts/demo-aws.ts` (fauxqs, an in-process SQS/S3 emulator on 127.0.0.1, seeded with queues
 *     and nightly dumps) and `scripts/demo-ssm.ts` (the fake host: a local SSM Run Command stand-in
 *     that runs the host monitors' scripts with sh in a sandbox), then runs `vigil check --config
 *     examples/demo.config.ts` against them as a child process, exactly as a user would, streaming
 *     its table. The child finds the emulators through the AWS SDK's own `AWS_ENDPOINT_URL` and
 *     `AWS_ENDPOINT_URL_SSM`, with dummy credentials and no other AWS configuration, so the demo can
 *     never reach a real account.
 *
 * Exits 0 when synth worked and every demo monitor produced its expected outcome
 * (`expectedOutcomes` in the demo config): the demo's failures are deliberate, so `vigil check`
 * exiting 1 is the success case here; exiting 2 or 3, crashing or hanging is not.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expectedOutcomes, hostOutcomes, tlsOutcomes } from '../examples/demo.config.ts';
import { createStyle, shouldColor } from '../lib/cli/terminal.ts';
import { validateCommand } from '../lib/cli/validate.ts';
import { DEFAULT_CONFIG_FILE } from '../lib/config/index.ts';
import { type DemoApp, startDemoApp } from './demo-app.ts';
import { type DemoAws, demoAwsEnv, startDemoAws } from './demo-aws.ts';
import { DEMO_INSTANCES, type DemoSsm, demoSsmEnv, startDemoSsm } from './demo-ssm.ts';
import { type DemoTls, startDemoTls } from './demo-tls.ts';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const DEMO_CONFIG = 'examples/demo.config.ts';
const SYNTH_TIMEOUT_MS = 5 * 60_000;
const CHECK_TIMEOUT_MS = 60_000;
/** How long stopping the demo app and the emulator may take before the demo moves on. */
const CLOSE_TIMEOUT_MS = 5_000;

const color = shouldColor(process.stdout, process.env);
const style = createStyle(color);
const say = (line = '') => process.stdout.write(`${line}\n`);
const heading = (text: string) => say(`\n${style.bold(text)}`);

/** Child processes still running, so a Ctrl-C or a timeout never leaves one behind. */
const children = new Set<ChildProcess>();

function stop(child: ChildProcess): void {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  try {
    // POSIX: the child leads its own process group (detached), so this also stops what it spawned
    // (cdk synth runs `npx tsx bin/app.ts`).
    if (process.platform === 'win32') child.kill();
    else process.kill(-child.pid, 'SIGTERM');
  } catch {
    // Already gone.
  }
}

interface Finished {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
}

/** Runs a child to completion with a deadline; `onStdout` / `onStderr` receive its output. */
function run(
  command: string,
  args: readonly string[],
  options: {
    env: NodeJS.ProcessEnv;
    timeoutMs: number;
    onStdout: (chunk: string) => void;
    onStderr: (chunk: string) => void;
  },
): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: ROOT,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: process.platform !== 'win32',
    });
    children.add(child);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      stop(child);
    }, options.timeoutMs);
    child.stdout?.setEncoding('utf8').on('data', options.onStdout);
    child.stderr?.setEncoding('utf8').on('data', options.onStderr);
    child.once('error', (error) => {
      clearTimeout(timer);
      children.delete(child);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({ code, signal, timedOut });
    });
  });
}

function describeExit(f: Finished, timeoutMs: number): string {
  if (f.timedOut) return `did not finish within ${timeoutMs / 1000} s and was stopped`;
  if (f.signal) return `was killed by ${f.signal}`;
  return `exited with code ${f.code}`;
}

interface StackSummary {
  readonly name: string;
  readonly resources: number;
}

/** Stacks and their resource counts from a cloud assembly (nested stage assemblies included). */
async function readAssembly(dir: string): Promise<StackSummary[]> {
  const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as {
    artifacts?: Record<
      string,
      {
        type: string;
        displayName?: string;
        properties?: { templateFile?: string; stackName?: string; directoryName?: string };
      }
    >;
  };
  const stacks: StackSummary[] = [];
  for (const [id, artifact] of Object.entries(manifest.artifacts ?? {})) {
    if (artifact.type === 'aws:cloudformation:stack' && artifact.properties?.templateFile) {
      const template = JSON.parse(await readFile(join(dir, artifact.properties.templateFile), 'utf8')) as {
        Resources?: Record<string, unknown>;
      };
      stacks.push({
        name: artifact.properties.stackName ?? artifact.displayName ?? id,
        resources: Object.keys(template.Resources ?? {}).length,
      });
    } else if (artifact.type === 'cdk:cloud-assembly' && artifact.properties?.directoryName) {
      stacks.push(...(await readAssembly(join(dir, artifact.properties.directoryName))));
    }
  }
  return stacks;
}

/** Step 1: validate the root config and synthesize the app. Returns false (after saying why) on failure. */
async function validateAndSynth(env: NodeJS.ProcessEnv): Promise<boolean> {
  heading(`1. Validate ${DEFAULT_CONFIG_FILE} and synthesize the CDK app`);
  const io = { stdout: process.stdout, stderr: process.stderr, env: process.env };
  if ((await validateCommand(DEFAULT_CONFIG_FILE, io)) !== 0) return false;

  const outDir = await mkdtemp(join(tmpdir(), 'vigil-demo-synth-'));
  try {
    const started = performance.now();
    let output = '';
    const collect = (chunk: string) => {
      output += chunk;
    };
    // The CDK CLI's own entry point, run by this Node: no npx, no shell, works the same on Windows.
    const cdk = join(ROOT, 'node_modules', 'aws-cdk', 'bin', 'cdk');
    const finished = await run(
      process.execPath,
      [cdk, 'synth', '--quiet', '--no-notices', '--output', outDir],
      {
        env,
        timeoutMs: SYNTH_TIMEOUT_MS,
        onStdout: collect,
        onStderr: collect,
      },
    );
    if (finished.code !== 0) {
      process.stderr.write(
        `${style.red('✗')} cdk synth ${describeExit(finished, SYNTH_TIMEOUT_MS)}:\n\n${output.trimEnd()}\n`,
      );
      return false;
    }
    const stacks = await readAssembly(outDir);
    const total = stacks.reduce((sum, s) => sum + s.resources, 0);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    say(
      `${style.green('✓')} cdk synth: ${stacks.length} stack${stacks.length === 1 ? '' : 's'}, ${total} resources in ${seconds} s`,
    );
    for (const s of stacks) say(`    ${s.name}: ${s.resources} resources`);
    return true;
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

/** `madef-degraded  FAIL  12 ms  http_status ...` → ["madef-degraded", "http_status"]. */
function parseTable(table: string): Map<string, string> {
  const outcomes = new Map<string, string>();
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping ANSI colour is the point.
  for (const line of table.replace(/\u001b\[[0-9;]*m/g, '').split('\n')) {
    const m = /^(\S+)\s+(PASS|FAIL)\s+(?:\d+ ms|—)(?:\s+(\S+))?/.exec(line);
    if (m?.[1]) outcomes.set(m[1], m[2] === 'PASS' ? 'pass' : (m[3] ?? '?'));
  }
  return outcomes;
}

/** Stops the local servers, each at most {@link CLOSE_TIMEOUT_MS}; never throws, never hangs. */
async function closeAll(servers: readonly ({ close(): Promise<void> } | undefined)[]): Promise<void> {
  await Promise.all(
    servers.map(async (server) => {
      if (!server) return;
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), CLOSE_TIMEOUT_MS);
      });
      try {
        // Both live in this process: if one will not stop, process.exit at the end still ends it.
        await Promise.race([server.close(), deadline]);
      } catch {
        // Stopping failed: nothing the demo can do, and its verdict does not depend on it.
      } finally {
        clearTimeout(timer);
      }
    }),
  );
}

/** Step 2: run `vigil check` on the demo config against the demo app and the SQS/S3 emulator. */
async function checkDemoApp(env: NodeJS.ProcessEnv): Promise<boolean> {
  heading(`2. vigil check --config ${DEMO_CONFIG}  (against the local demo app, fauxqs and a fake host)`);
  let app: DemoApp | undefined;
  let aws: DemoAws | undefined;
  let tls: DemoTls | undefined;
  let ssm: DemoSsm | undefined;
  let table = '';
  let finished: Finished;
  try {
    const [appStarted, awsStarted] = await Promise.allSettled([startDemoApp({ port: 0 }), startDemoAws()]);
    if (appStarted.status === 'fulfilled') app = appStarted.value;
    if (awsStarted.status === 'fulfilled') aws = awsStarted.value;
    if (!app || !aws) {
      const failed = [appStarted, awsStarted].find((s) => s.status === 'rejected');
      const error = failed?.status === 'rejected' ? failed.reason : undefined;
      process.stderr.write(
        `${style.red('✗')} could not start the demo's servers: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      return false;
    }
    const { queues, dumps } = aws.contents;
    say(style.dim(`demo app on ${app.url}`));
    say(
      style.dim(
        `fauxqs (SQS, S3) on ${aws.url}: queues ${Object.entries(queues)
          .map(([name, n]) => `${name} (${n.toLocaleString('en-US')})`)
          .join(', ')}; bucket acme-db-backups: ${Object.entries(dumps)
          .map(([prefix, keys]) => `${keys.length} dumps under ${prefix}`)
          .join(', ')}`,
      ),
    );
    say();
    // Only the emulator as AWS: the endpoint, the Region, dummy keys, none of this shell's AWS_* settings.
    const childEnv = demoAwsEnv({ ...env, VIGIL_DEMO_URL: app.url }, aws.url);
    // HTTPS with a 5-day self-signed certificate, trusted by the check process as a user would
    // trust an internal CA. Without openssl the demo goes on without it.
    tls = await startDemoTls().catch((error: Error) => {
      say(style.dim(`(no HTTPS endpoint: ${error.message})`));
      return undefined;
    });
    if (tls) {
      say(style.dim(`HTTPS (self-signed, expires in 5 days) on ${tls.url}`));
      childEnv.VIGIL_DEMO_TLS_URL = tls.url;
      childEnv.NODE_EXTRA_CA_CERTS = tls.caFile;
    }
    // The fake host: SSM Run Command on 127.0.0.1, running the host monitors' scripts with sh in a
    // sandbox. It needs a POSIX shell; without one the demo goes on without the host monitors.
    ssm =
      process.platform === 'win32'
        ? undefined
        : await startDemoSsm().catch((error: Error) => {
            say(style.dim(`(no SSM stand-in: ${error.message})`));
            return undefined;
          });
    if (ssm) {
      say(
        style.dim(
          `SSM Run Command stand-in on ${ssm.url}: instances ${Object.values(DEMO_INSTANCES).join(', ')}, sandbox ${ssm.contents.root} (${ssm.contents.dumps.length} dumps)`,
        ),
      );
      Object.assign(childEnv, demoSsmEnv(ssm));
    }
    // The table is piped through this process (to verify it), so pass our terminal's colour on.
    if (color) childEnv.FORCE_COLOR = '1';
    else delete childEnv.FORCE_COLOR;
    finished = await run(
      process.execPath,
      [join(ROOT, 'bin', 'vigil.mjs'), 'check', '--config', DEMO_CONFIG],
      {
        env: childEnv,
        timeoutMs: CHECK_TIMEOUT_MS,
        onStdout: (chunk) => {
          table += chunk;
          process.stdout.write(chunk);
        },
        onStderr: (chunk) => process.stderr.write(chunk),
      },
    );
  } finally {
    await closeAll([app, aws, tls, ssm]);
  }
  // 1 is the expected exit code: the demo's failures are deliberate. 0 would mean a fault went unseen.
  if (finished.code !== 1) {
    process.stderr.write(
      `\n${style.red('✗')} vigil check ${describeExit(finished, CHECK_TIMEOUT_MS)}; expected 1 (some monitors fail on purpose)\n`,
    );
    return false;
  }
  const seen = parseTable(table);
  const outcomes = { ...expectedOutcomes, ...(tls && tlsOutcomes), ...(ssm && hostOutcomes) };
  const expectations = Object.entries(outcomes);
  const wrong = expectations.filter(([name, e]) => seen.get(name) !== e.result);
  if (wrong.length > 0 || seen.size !== expectations.length) {
    const unexpected = [...seen.keys()].filter((name) => !(name in outcomes));
    process.stderr.write(
      `\n${style.red('✗')} the check run did not produce the demo's expected outcomes:\n${[
        ...wrong.map(([name, e]) => `  - ${name}: expected ${e.result}, got ${seen.get(name) ?? 'no row'}`),
        ...unexpected.map((name) => `  - ${name}: not in expectedOutcomes`),
      ].join('\n')}\n`,
    );
    return false;
  }
  const failures = expectations.filter(([, e]) => e.result !== 'pass');
  const width = (i: 0 | 1) => Math.max(...failures.map((f) => (i === 0 ? f[0] : f[1].result).length));
  say(
    `\n${style.green('✓')} As expected: ${expectations.length - failures.length} passed, and the ${failures.length} failures are faults the demo injects on purpose:`,
  );
  for (const [name, e] of failures) {
    say(`    ${name.padEnd(width(0))}  ${e.result.padEnd(width(1))}  ${style.dim(e.fault ?? '')}`);
  }
  say('  Each came back with the reason code its page would carry.');
  return true;
}

/** The failing monitor whose remediation step 3 shows. */
const REMEDIATED_MONITOR = 'madef-degraded';
/** `vigil remediate` reads three things from AWS at most; offline it answers at once. */
const REMEDIATE_TIMEOUT_MS = 60_000;

/**
 * Step 3: what the failing monitor's alarm would do, `vigil remediate <monitor> --dry-run`. With no
 * AWS credentials (they are removed from its environment, so a real account is never read) it says
 * which guardrails it could not read and which rung it would start.
 */
async function remediateDemo(env: NodeJS.ProcessEnv): Promise<boolean> {
  heading(`3. vigil remediate ${REMEDIATED_MONITOR} --dry-run --config ${DEMO_CONFIG}  (no AWS account)`);
  const {
    AWS_PROFILE: _profile,
    AWS_ACCESS_KEY_ID: _key,
    AWS_SECRET_ACCESS_KEY: _secret,
    AWS_SESSION_TOKEN: _token,
    ...rest
  } = env;
  const offline = {
    ...rest,
    AWS_SHARED_CREDENTIALS_FILE: join(ROOT, 'node_modules', '.vigil-demo-no-credentials'),
    AWS_CONFIG_FILE: join(ROOT, 'node_modules', '.vigil-demo-no-config'),
  };
  let out = '';
  const finished = await run(
    process.execPath,
    [join(ROOT, 'bin', 'vigil.mjs'), 'remediate', REMEDIATED_MONITOR, '--dry-run', '--config', DEMO_CONFIG],
    {
      env: offline,
      timeoutMs: REMEDIATE_TIMEOUT_MS,
      onStdout: (chunk) => {
        out += chunk;
        process.stdout.write(chunk);
      },
      onStderr: (chunk) => process.stderr.write(chunk),
    },
  );
  if (finished.code !== 0 || !out.includes('it would start rung 1 of 2')) {
    process.stderr.write(
      `\n${style.red('✗')} vigil remediate ${describeExit(finished, REMEDIATE_TIMEOUT_MS)}; expected 0 and the rung it would start\n`,
    );
    return false;
  }
  say(
    `\n${style.green('✓')} Deployed, its alarm starts that rung within the guardrails, verifies with the canary, and pages what it did.`,
  );
  return true;
}

async function demo(): Promise<number> {
  process.chdir(ROOT);
  if (!existsSync(join(ROOT, 'node_modules', 'aws-cdk'))) {
    process.stderr.write('node_modules is missing: run `npm ci` first\n');
    return 1;
  }
  // A fresh clone has no AWS configuration. Nothing in the demo calls AWS (its queues and backups
  // are in a local emulator), but the CDK CLI wants a Region to exist.
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    AWS_REGION: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
    CDK_DISABLE_CLI_TELEMETRY: process.env.CDK_DISABLE_CLI_TELEMETRY ?? 'true',
  };
  process.env.AWS_REGION = env.AWS_REGION;

  if (!(await validateAndSynth(env))) return 1;
  if (!(await checkDemoApp(env))) return 1;
  if (!(await remediateDemo(env))) return 1;

  heading('Next');
  say('  Put your own endpoints in vigil.config.ts, try them with `npx vigil check`,');
  say('  then `npx cdk deploy` to run them every minute with alarms and paging.');
  return 0;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    for (const child of children) stop(child);
    process.exit(130);
  });
}

const code = await demo().catch((error: unknown) => {
  process.stderr.write(
    `demo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  return 1;
});
for (const child of children) stop(child);
// Flush before exiting: writes to a pipe are asynchronous on some platforms.
await Promise.all(
  [process.stdout, process.stderr].map((s) => new Promise((resolve) => s.write('', resolve))),
);
process.exit(code);
