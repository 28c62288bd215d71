/**
 * The demo's fake host: a minimal local stand-in for SSM Run Command, so `npm run demo` shows the
 * checks that reach a host (command monitors, their disk aspect, backups with a `host` source)
 * with no AWS account and no instance.
 *
 * An HTTP server on 127.0.0.1 speaking the AWS JSON 1.1 protocol of the SDK's SSMClient, for the
 * three calls `lambdas/canary/checks/run-command.ts` makes: `SendCommand`, `ListCommandInvocations`
 * and `GetCommandInvocation`. It runs `AWS-RunShellScript` for real with `sh`, as SSM Agent does
 * (the `commands` joined by newlines, in `workingDirectory`, killed after `executionTimeout`), in a
 * sandbox directory, and only for {@link DEMO_INSTANCES}: any other instance id is refused with
 * `InvalidInstanceId`, as SSM refuses an instance it does not manage. Answers use SSM's field names
 * and statuses (Status, StatusDetails, ResponseCode, StandardOutputContent, StandardErrorContent),
 * with SSM's output limits, so the checks classify them exactly as they would a real host's.
 *
 * The sandbox (see {@link startDemoSsm}) holds what the demo's host monitors read: madef's backup
 * directory with seven real gzipped nightly dumps, the newest a few hours old, and ai-muhasebi's
 * worker health script, which fails on purpose. It is removed on close.
 *
 * The SDK finds the stand-in through `AWS_ENDPOINT_URL_SSM` ({@link demoSsmEnv}); it exists only
 * while the demo runs. It is not an SSM emulator: no documents but `AWS-RunShellScript`, no tags,
 * no history beyond this process.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoDump, dumpName, nightlyDumpTimes } from './demo-aws.ts';

/** The managed instances the stand-in answers for: madef's host and one ai-muhasebi worker. */
export const DEMO_INSTANCES = {
  madef: 'i-0123456789abcdef0',
  worker: 'i-0fedcba9876543210',
} as const;

/** SSM's limits on what `GetCommandInvocation` returns (see run-command.ts). */
const STDOUT_LIMIT = 24_000;
const STDERR_LIMIT = 8_000;
/** `AWS-RunShellScript`'s default executionTimeout. */
const DEFAULT_EXECUTION_TIMEOUT_SECONDS = 3_600;

/** What the sandbox holds, for the demo's banner. */
export interface DemoSsmContents {
  /** The sandbox root: the instances' filesystem as far as the demo is concerned. */
  readonly root: string;
  /** madef's backup directory, under {@link root}. */
  readonly backups: string;
  /** The dump file names in it, newest first. */
  readonly dumps: readonly string[];
  /** The worker's directory (its health script), under {@link root}. */
  readonly worker: string;
}

/** A running stand-in. */
export interface DemoSsm {
  /** `http://127.0.0.1:<port>`, for `AWS_ENDPOINT_URL_SSM`. */
  readonly url: string;
  readonly contents: DemoSsmContents;
  /** Stops the server, kills scripts still running and removes the sandbox. */
  close(): Promise<void>;
}

/** Options for {@link startDemoSsm}. */
export interface DemoSsmOptions {
  /** The clock the dumps are named by, ms. @default Date.now() */
  readonly now?: number;
  /** How old the newest dump is, hours. @default 3 */
  readonly newestDumpAgeHours?: number;
}

/** One instance's run of one command, as `GetCommandInvocation` reports it. */
interface Invocation {
  status: 'InProgress' | 'Success' | 'Failed' | 'TimedOut';
  statusDetails: 'InProgress' | 'Success' | 'Failed' | 'ExecutionTimedOut';
  responseCode: number;
  stdout: string;
  stderr: string;
}

/** An AWS JSON 1.1 error the SDK turns into an exception named `type`. */
class SsmError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The environment a `vigil check` child needs to reach the stand-in: the SDK's per-service endpoint
 * variable (SSM only; every other service keeps `AWS_ENDPOINT_URL`) and where the sandbox is, for
 * the demo config's paths.
 */
export function demoSsmEnv(ssm: DemoSsm): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_SSM: ssm.url,
    VIGIL_DEMO_SSM_ROOT: ssm.contents.root,
  };
}

/**
 * ai-muhasebi's `pnpm -C apps/worker-jobs health-check` on a worker whose Redis is gone: it prints
 * what it found and exits 1, as the runbook's script does when the queue backend is unreachable.
 */
const WORKER_HEALTH_SCRIPT = `#!/bin/sh
echo "worker-jobs health-check"
echo "  postgres: ok (3 ms)"
echo "  redis: connect ECONNREFUSED 127.0.0.1:6379" >&2
echo "  jobs: cannot read the queue without redis"
exit 1
`;

async function makeSandbox(now: number, newestAgeHours: number): Promise<DemoSsmContents> {
  const root = await mkdtemp(join(tmpdir(), 'vigil-demo-host-'));
  const backups = join(root, 'opt', 'madef', 'backups');
  const worker = join(root, 'opt', 'ai-muhasebi');
  await mkdir(backups, { recursive: true });
  await mkdir(worker, { recursive: true });
  const times = nightlyDumpTimes(now, newestAgeHours);
  const dumps = times.map((at) => dumpName(at));
  await Promise.all(times.map((at, day) => writeFile(join(backups, dumpName(at)), demoDump(at, day))));
  await writeFile(join(worker, 'health-check.sh'), WORKER_HEALTH_SCRIPT, { mode: 0o755 });
  return { root, backups, dumps, worker };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

function answer(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() });
  res.end(JSON.stringify(body));
}

/** SSM Agent's truncation: the first `limit` characters and its marker. */
function truncate(text: string, limit: number, marker: string): string {
  return text.length > limit ? `${text.slice(0, limit)}\n${marker}` : text;
}

/** Starts the stand-in on 127.0.0.1 (a free port) with a fresh sandbox. */
export async function startDemoSsm(options: DemoSsmOptions = {}): Promise<DemoSsm> {
  const contents = await makeSandbox(options.now ?? Date.now(), options.newestDumpAgeHours ?? 3);
  const known = new Set<string>(Object.values(DEMO_INSTANCES));
  /** CommandId → instance id → its run. */
  const commands = new Map<string, Map<string, Invocation>>();
  const running = new Set<ReturnType<typeof spawn>>();

  /** Runs the script for one instance with `sh`, recording its progress in `inv`. */
  const execute = (script: string, cwd: string, timeoutSeconds: number, inv: Invocation): void => {
    const child = spawn('sh', ['-c', script], {
      cwd,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: contents.root, LANG: 'C' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(child);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutSeconds * 1000);
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      inv.stdout += c;
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      inv.stderr += c;
    });
    const finish = (code: number) => {
      clearTimeout(timer);
      running.delete(child);
      if (timedOut) {
        Object.assign(inv, { status: 'TimedOut', statusDetails: 'ExecutionTimedOut', responseCode: -1 });
      } else if (code === 0) {
        Object.assign(inv, { status: 'Success', statusDetails: 'Success', responseCode: 0 });
      } else {
        Object.assign(inv, { status: 'Failed', statusDetails: 'Failed', responseCode: code });
      }
    };
    child.once('error', (error) => {
      inv.stderr += `${error.message}\n`;
      finish(127);
    });
    child.once('close', (code) => finish(code ?? 1));
  };

  const actions: Record<string, (input: Record<string, unknown>) => unknown> = {
    SendCommand(input) {
      if (input.DocumentName !== 'AWS-RunShellScript') {
        throw new SsmError(
          'InvalidDocument',
          `the demo host runs only AWS-RunShellScript, not ${String(input.DocumentName)}`,
        );
      }
      const ids = Array.isArray(input.InstanceIds) ? (input.InstanceIds as string[]) : [];
      if (ids.length === 0) {
        throw new SsmError('InvalidParameters', 'the demo host takes InstanceIds only (no tag targets)');
      }
      const unknown = ids.filter((id) => !known.has(id));
      if (unknown.length > 0) {
        throw new SsmError(
          'InvalidInstanceId',
          `Instances [[${unknown.join(', ')}]] not in a valid state for account`,
        );
      }
      const params = (input.Parameters ?? {}) as Record<string, string[] | undefined>;
      // SSM Agent writes the commands, one a line, into a script and runs it with sh.
      const script = (params.commands ?? []).join('\n');
      const cwd = params.workingDirectory?.[0] || contents.root;
      const timeout = Number(params.executionTimeout?.[0] ?? DEFAULT_EXECUTION_TIMEOUT_SECONDS);
      const commandId = randomUUID();
      const runs = new Map<string, Invocation>();
      for (const id of ids) {
        const inv: Invocation = {
          status: 'InProgress',
          statusDetails: 'InProgress',
          responseCode: -1,
          stdout: '',
          stderr: '',
        };
        runs.set(id, inv);
        execute(script, cwd, timeout, inv);
      }
      commands.set(commandId, runs);
      return {
        Command: {
          CommandId: commandId,
          DocumentName: 'AWS-RunShellScript',
          InstanceIds: ids,
          Status: 'Pending',
          Comment: input.Comment,
        },
      };
    },
    ListCommandInvocations(input) {
      const runs = commands.get(String(input.CommandId));
      return {
        CommandInvocations: [...(runs?.entries() ?? [])].map(([id, inv]) => ({
          CommandId: input.CommandId,
          InstanceId: id,
          Status: inv.status,
          StatusDetails: inv.statusDetails,
        })),
      };
    },
    GetCommandInvocation(input) {
      const inv = commands.get(String(input.CommandId))?.get(String(input.InstanceId));
      if (!inv) throw new SsmError('InvocationDoesNotExist', 'An error occurred (InvocationDoesNotExist)');
      return {
        CommandId: input.CommandId,
        InstanceId: input.InstanceId,
        DocumentName: 'AWS-RunShellScript',
        PluginName: 'aws:runShellScript',
        Status: inv.status,
        StatusDetails: inv.statusDetails,
        ResponseCode: inv.responseCode,
        StandardOutputContent: truncate(inv.stdout, STDOUT_LIMIT, '---Output truncated---'),
        StandardErrorContent: truncate(inv.stderr, STDERR_LIMIT, '---Error truncated----'),
      };
    },
  };

  const server = createServer((req, res) => {
    void (async () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const action = actions[target.replace(/^AmazonSSM\./, '')];
      try {
        const body = await readBody(req);
        if (req.method !== 'POST' || !target.startsWith('AmazonSSM.') || !action) {
          throw new SsmError(
            'UnknownOperationException',
            `the demo host does not answer ${target || 'this request'}`,
          );
        }
        answer(res, 200, action(body ? (JSON.parse(body) as Record<string, unknown>) : {}));
      } catch (error) {
        const type = error instanceof SsmError ? error.type : 'InternalServerError';
        answer(res, error instanceof SsmError ? 400 : 500, {
          __type: type,
          message: error instanceof Error ? error.message : String(error),
        });
      }
    })();
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
  } catch (error) {
    await rm(contents.root, { recursive: true, force: true });
    throw error;
  }
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : Number.NaN;
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      for (const child of running) child.kill('SIGKILL');
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(contents.root, { recursive: true, force: true });
    })();
    return closing;
  };
  return { url: `http://127.0.0.1:${port}`, contents, close };
}
