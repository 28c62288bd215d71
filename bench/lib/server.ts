/**
 * Starts bench/workers/http-server.ts in a child process and talks to it over IPC.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SERVER = fileURLToPath(new URL('../workers/http-server.ts', import.meta.url));
/** `--import` this to run a TypeScript worker under tsx. */
export const TSX_LOADER = import.meta.resolve('tsx');

/** The server's CPU time and counters, as it reports them. */
export interface ServerStats {
  readonly cpuMs: number;
  readonly requests: number;
  readonly open: number;
}

/** A running target server. */
export interface TargetServer {
  readonly port: number;
  readonly origin: string;
  stats(): Promise<ServerStats>;
  /** Ends the server process (it exits when its IPC channel closes). */
  stop(): Promise<void>;
}

function once<T>(child: ChildProcess, type: string, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`the target server sent no "${type}" within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (message: { type?: string }) => {
      if (message?.type !== type) return;
      cleanup();
      resolve(message as T);
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`the target server exited (${code}) before sending "${type}"`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

/** Starts the target server and waits until it listens. */
export async function startTargetServer(): Promise<TargetServer> {
  const child = fork(SERVER, [], {
    execArgv: ['--import', TSX_LOADER],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const { port } = await once<{ port: number }>(child, 'ready', 30_000);
  return {
    port,
    origin: `http://127.0.0.1:${port}`,
    async stats() {
      const reply = once<ServerStats>(child, 'stats', 10_000);
      child.send({ type: 'stats' });
      return reply;
    },
    async stop() {
      if (child.connected) child.disconnect();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
