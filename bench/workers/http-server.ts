/**
 * The benchmarks' target: a node:http server on 127.0.0.1, in its own process so its CPU is not the
 * client's. Started by bench/lib/server.ts with an IPC channel; it reports `{ type: 'ready', port }`,
 * answers `{ type: 'stats' }` with its CPU time and request count, and exits when the parent
 * disconnects (or, as a bound, after 15 minutes).
 *
 * Routes:
 *   GET /health             the madef-like health document below, at once
 *   GET /health?delay=50    the same after 50 ms
 *   GET /hang               never answers (the socket is held until the client gives up)
 *   GET /unhealthy          503 with the same document reporting a failed database; `?delay=` too
 */
import { createServer, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** A health document shaped like the runbooks' madef `/api/health`. */
export const HEALTH_DOCUMENT = {
  status: 'healthy',
  timestamp: '2026-11-23T10:00:00.000Z',
  version: '2.14.1',
  uptime: 86_400,
  checks: {
    database: { status: 'ok', latency: 12 },
    redis: { status: 'ok', latency: 3 },
    whatsapp: { status: 'ok', connected: true },
    memory: { status: 'ok', percentage: 41.2, heapUsedMb: 212 },
  },
};

/** The same document when the database is down, as madef answers it with a 503. */
export const UNHEALTHY_DOCUMENT = {
  ...HEALTH_DOCUMENT,
  status: 'unhealthy',
  checks: {
    ...HEALTH_DOCUMENT.checks,
    database: { status: 'error', latency: 5001, error: 'connection timeout' },
  },
};

const BODY = Buffer.from(JSON.stringify(HEALTH_DOCUMENT));
const HEADERS = { 'content-type': 'application/json', 'content-length': String(BODY.length) };
const UNHEALTHY_BODY = Buffer.from(JSON.stringify(UNHEALTHY_DOCUMENT));
const UNHEALTHY_HEADERS = {
  'content-type': 'application/json',
  'content-length': String(UNHEALTHY_BODY.length),
};

let requests = 0;
const held = new Set<ServerResponse>();
const sockets = new Set<Socket>();

const server = createServer((req, res) => {
  requests++;
  const url = req.url ?? '/';
  if (url.startsWith('/hang')) {
    held.add(res);
    res.on('close', () => held.delete(res));
    return;
  }
  if (url.startsWith('/health')) {
    const delay = Number(/[?&]delay=(\d+)/.exec(url)?.[1] ?? 0);
    const answer = () => {
      res.writeHead(200, HEADERS);
      res.end(BODY);
    };
    if (delay > 0) setTimeout(answer, delay);
    else answer();
    return;
  }
  if (url.startsWith('/unhealthy')) {
    const delay = Number(/[?&]delay=(\d+)/.exec(url)?.[1] ?? 0);
    const answer = () => {
      res.writeHead(503, UNHEALTHY_HEADERS);
      res.end(UNHEALTHY_BODY);
    };
    if (delay > 0) setTimeout(answer, delay);
    else answer();
    return;
  }
  res.writeHead(404, { 'content-length': '0' });
  res.end();
});
server.on('connection', (socket) => {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
});
// Every check opens a fresh connection: a deep accept queue keeps 1,000 simultaneous connects from
// being dropped by the server before the kernel's own limit (net.core.somaxconn) applies.
server.listen({ host: '127.0.0.1', port: 0, backlog: 4096 }, () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.send?.({ type: 'ready', port });
});

process.on('message', (message: { type?: string }) => {
  if (message?.type === 'stats') {
    const cpu = process.cpuUsage();
    process.send?.({ type: 'stats', cpuMs: (cpu.user + cpu.system) / 1000, requests, open: sockets.size });
  }
});

function shutdown(): void {
  for (const socket of sockets) socket.destroy();
  server.close();
  process.exit(0);
}
process.on('disconnect', shutdown);
setTimeout(shutdown, 15 * 60 * 1000).unref();
