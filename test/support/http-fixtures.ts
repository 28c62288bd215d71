/**
 * A real HTTP server on 127.0.0.1 (port 0) that misbehaves on demand, one route per fault, for the
 * HTTP check's tests (and any other test that needs a target). Health payloads are the runbooks' own
 * (`../shared/runbooks/*.md`).
 *
 *   const fx = await startFixtureServer();   // in beforeAll
 *   fx.url('/madef/health')                   // http://127.0.0.1:<port>/madef/health
 *   await fx.close();                         // in afterAll: also cuts hanging connections
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** madef `/api/health` when everything is fine (madef-home-care.md, "Verify all subsystems"). */
export const MADEF_HEALTHY = {
  status: 'healthy',
  timestamp: '2025-01-13T10:30:00.000Z',
  checks: {
    database: { status: 'ok', latency: 4 },
    redis: { status: 'not_configured' },
    whatsapp: { status: 'ok', connected: true },
    memory: { percentage: 62, heapUsed: 180 },
  },
  dbSchemaOk: true,
  missingColumns: [],
};

/** madef with the database failing and memory over the runbook's 85% line. */
export const MADEF_DEGRADED = {
  status: 'unhealthy',
  checks: {
    database: { status: 'error', latency: 5001, error: 'connect ETIMEDOUT 10.0.0.5:5432' },
    redis: { status: 'ok', latencyMs: 2 },
    whatsapp: { status: 'disconnected', connected: false },
    memory: { percentage: 91 },
  },
};

/** whatsapp-ai-assistant `/api/health` (whatsapp-ai-assistant.md, "Health Endpoint"). */
export const WHATSAPP_ASSISTANT_HEALTH = {
  status: 'healthy',
  timestamp: '2025-01-13T10:30:00.000Z',
  services: {
    database: { status: 'up', responseTime: 45 },
    redis: { status: 'up' },
    inngest: { status: 'configured' },
    waha: { status: 'down', responseTime: 120, error: 'ECONNREFUSED' },
  },
};

/** An `application/health+json` document (draft-inadarei-api-health-check). */
export const HEALTH_JSON = {
  status: 'warn',
  version: '1',
  checks: {
    'postgres:responseTime': [
      {
        componentId: 'db-1',
        componentType: 'datastore',
        observedValue: 250,
        observedUnit: 'ms',
        status: 'pass',
      },
    ],
    'memory:utilization': [
      {
        componentId: 'node-1',
        observedValue: 93,
        observedUnit: 'percent',
        status: 'warn',
        output: 'heap near limit',
      },
      { componentId: 'node-2', observedValue: 40, observedUnit: 'percent', status: 'pass' },
    ],
  },
};

/** What the `/huge` route managed to write before the client went away. */
export interface HugeStats {
  bytesWritten: number;
  finished: boolean;
  closedEarly: boolean;
}

export interface FixtureServer {
  readonly port: number;
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** The absolute URL of a route. */
  url(path: string): string;
  /** Every request received, in order (method, path, lower-cased headers, body). */
  readonly requests: RecordedRequest[];
  /** Filled by the `/huge` route. */
  readonly huge: HugeStats;
  /** Stops listening and cuts every open connection (hanging routes included). */
  close(): Promise<void>;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

/** The token the `/auth` route wants, as `authorization: Bearer <token>`. */
export const FIXTURE_TOKEN = 's3cr3t-health-token';

/** Size the `/huge` route streams: 64 MiB, far past any monitor's cap. */
export const HUGE_BYTES = 64 * 1024 * 1024;

function json(res: ServerResponse, status: number, body: unknown, type = 'application/json'): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': `${type}; charset=utf-8`,
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** Starts the fixture server on 127.0.0.1 and an ephemeral port. */
export async function startFixtureServer(): Promise<FixtureServer> {
  const requests: RecordedRequest[] = [];
  const huge: HugeStats = { bytesWritten: 0, finished: false, closedEarly: false };
  // Per-key counters for routes that fail the first time and succeed after.
  const flaky = new Map<string, number>();

  // Routes `return json(...)` to end early; the return value means nothing.
  const route = (req: IncomingMessage, res: ServerResponse, body: string) => {
    const url = new URL(req.url ?? '/', 'http://fixture');
    const p = url.pathname;
    const q = url.searchParams;
    switch (true) {
      case p === '/madef/health':
        return json(res, 200, MADEF_HEALTHY);
      case p === '/madef/health-degraded':
        // madef answers 200 while the database is failing: only assertions catch it.
        return json(res, 200, MADEF_DEGRADED);
      case p === '/madef/health-down':
        return json(res, 503, MADEF_DEGRADED);
      case p === '/whatsapp/health':
        return json(res, 200, WHATSAPP_ASSISTANT_HEALTH);
      case p === '/health+json':
        return json(res, 200, HEALTH_JSON, 'application/health+json');
      case p === '/healthz':
        return json(res, 200, { status: 'ok', service: 'backend-api' });
      case p === '/readyz-down':
        return json(res, 503, { status: 'not_ready', details: { error: 'Database connection failed' } });
      case p.startsWith('/status/'): {
        res.writeHead(Number(p.slice('/status/'.length)), { 'content-type': 'text/plain' });
        res.end('status route');
        return;
      }
      case p === '/slow': {
        // Headers after ?ms= milliseconds.
        const timer = setTimeout(() => json(res, 200, { status: 'ok' }), Number(q.get('ms') ?? 500));
        res.on('close', () => clearTimeout(timer));
        return;
      }
      case p === '/hang':
        // Never answers; close() cuts the connection.
        return;
      case p === '/hang-body':
        // Headers at once, then a body that never finishes.
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"status":');
        return;
      case p === '/reset':
        req.socket.resetAndDestroy();
        return;
      case p === '/flaky-reset': {
        // Resets the first request per ?id=, answers the next ones.
        const key = q.get('id') ?? '';
        const seen = (flaky.get(key) ?? 0) + 1;
        flaky.set(key, seen);
        if (seen === 1) {
          req.socket.resetAndDestroy();
          return;
        }
        return json(res, 200, MADEF_HEALTHY);
      }
      case p === '/truncated':
        // Promises 1000 bytes, sends 10, then cuts the connection.
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': 1000 });
        res.write('{"status":', () => req.socket.resetAndDestroy());
        return;
      case p === '/html':
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end('<!DOCTYPE html>\n<html><head><title>Bad gateway</title></head><body>login</body></html>');
        return;
      case p === '/empty':
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': 0 });
        res.end();
        return;
      case p === '/huge':
        return streamHuge(res, huge);
      case p === '/huge-declared':
        // Declares 64 MiB up front: the check should not read a byte of it.
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': HUGE_BYTES });
        res.write('[');
        return;
      case p === '/loop/a':
        res.writeHead(302, { location: '/loop/b' });
        res.end();
        return;
      case p === '/loop/b':
        res.writeHead(302, { location: '/loop/a' });
        res.end();
        return;
      case p === '/chain': {
        // /chain?n=3 -> /chain?n=2 -> ... -> /madef/health
        const n = Number(q.get('n') ?? 0);
        res.writeHead(301, { location: n > 1 ? `/chain?n=${n - 1}` : '/madef/health' });
        res.end();
        return;
      }
      case p === '/moved':
        // A relative Location, as many frameworks send it.
        res.writeHead(302, { location: 'madef/health' });
        res.end('moved');
        return;
      case p === '/see-other':
        res.writeHead(303, { location: `/echo?from=${req.method}` });
        res.end();
        return;
      case p === '/temporary':
        res.writeHead(307, { location: '/echo' });
        res.end();
        return;
      case p === '/redirect-to':
        // 307 to any absolute ?to= URL (another origin, for the credential-stripping test).
        res.writeHead(307, { location: q.get('to') ?? '/' });
        res.end();
        return;
      case p === '/echo':
        return json(res, 200, { method: req.method, path: req.url, headers: req.headers, body });
      case p === '/auth': {
        if (req.headers.authorization !== `Bearer ${FIXTURE_TOKEN}`) {
          return json(res, 401, { error: 'unauthorized' });
        }
        return json(res, 200, MADEF_HEALTHY);
      }
      default:
        return json(res, 404, { error: `no fixture route ${p}` });
    }
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
      route(req, res, body);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  return {
    port,
    origin,
    url: (path) => `${origin}${path}`,
    requests,
    huge,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

/** Streams {@link HUGE_BYTES} of JSON-ish text, honouring backpressure, and records how far it got. */
function streamHuge(res: ServerResponse, stats: HugeStats): void {
  // One shared chunk: the server's own memory stays flat, so the test measures the client.
  const chunk = Buffer.alloc(64 * 1024, 'x');
  res.writeHead(200, { 'content-type': 'application/json' });
  res.on('close', () => {
    if (!stats.finished) stats.closedEarly = true;
  });
  const pump = (): void => {
    while (stats.bytesWritten < HUGE_BYTES) {
      if (res.destroyed) return;
      stats.bytesWritten += chunk.length;
      if (!res.write(chunk)) {
        res.once('drain', pump);
        return;
      }
    }
    stats.finished = true;
    res.end();
  };
  pump();
}

/** A port nothing listens on: bound, then closed, so a connection to it is refused. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
