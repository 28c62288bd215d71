/**
 * A local stand-in for the services in `../shared/runbooks/`: it serves their health documents as
 * the runbooks describe them, healthy and failing, plus the network faults a canary must turn into a
 * reason code (slow, hanging, HTML instead of JSON, reset, redirect loop, oversized body). It also
 * serves the JSON endpoints queue and backup monitors read when the queue is not SQS (madef's
 * WhatsApp outbox) or the backups are a managed database provider's: fresh and stale, with times
 * relative to the app's clock.
 *
 * Used by `npm run demo`, the CLI tests, and by hand (run directly, it also starts the demo's
 * SQS/S3 emulator, see `demo-aws.ts`, and prints the command that checks against both):
 *   npx tsx scripts/demo-app.ts            # listens on http://127.0.0.1:8787 (PORT to change)
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';

/** Options of {@link startDemoApp}. */
export interface DemoAppOptions {
  /** Port on 127.0.0.1; 0 picks a free one. @default 0 */
  readonly port?: number;
  /** How long `/slow` takes to answer, ms. @default 1500 */
  readonly slowMs?: number;
  /** The app's clock, epoch ms: queue and backup times are relative to it. @default Date.now */
  readonly now?: () => number;
}

/** A running demo app. */
export interface DemoApp {
  /** Base URL without a trailing slash, e.g. "http://127.0.0.1:8787". */
  readonly url: string;
  /** Stops listening, drops every open connection (including `/hang`) and cancels pending answers. */
  close(): Promise<void>;
}

type Route = (req: IncomingMessage, res: ServerResponse, app: RouteContext) => void;

interface RouteContext {
  readonly slowMs: number;
  /** The app's clock, epoch ms. */
  readonly now: () => number;
  /** Schedules work that {@link DemoApp.close} cancels. */
  later(ms: number, fn: () => void): void;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const now = () => new Date().toISOString();

/** madef `/api/health`, healthy: runbook "5. Verify System Health". */
const madefHealthy = () => ({
  status: 'healthy',
  version: '1.4.2',
  timestamp: now(),
  dbSchemaOk: true,
  missingColumns: [],
  checks: {
    database: { status: 'ok', latency: 12 },
    redis: { status: 'ok', latencyMs: 3 },
    whatsapp: { status: 'ok', connected: true },
    memory: { status: 'ok', percentage: 62 },
  },
});

/** madef `/api/health` when the database is down and memory is high: HTTP 503 "unhealthy". */
const madefDegraded = () => ({
  status: 'unhealthy',
  version: '1.4.2',
  timestamp: now(),
  dbSchemaOk: false,
  missingColumns: [],
  checks: {
    database: { status: 'error', error: 'Connection refused (postgres:5432)' },
    redis: { status: 'ok', latencyMs: 4 },
    whatsapp: { status: 'ok', connected: true },
    memory: { status: 'warning', percentage: 91 },
  },
});

/**
 * madef `/api/health` reporting "healthy" with memory at 91 %: the runbook's success criterion is
 * "below 85 %", which only an assertion on `checks.memory.percentage` catches.
 */
const madefHighMemory = () => {
  const doc = madefHealthy();
  return { ...doc, checks: { ...doc.checks, memory: { status: 'ok', percentage: 91 } } };
};

/** whatsapp-ai-assistant `/api/health`: every service "up" or "configured". */
const whatsappHealthy = () => ({
  status: 'healthy',
  timestamp: now(),
  services: {
    database: { status: 'up', responseTime: 45 },
    redis: { status: 'up' },
    inngest: { status: 'configured' },
    sentry: { status: 'configured' },
    email: { status: 'configured' },
    waha: { status: 'up', responseTime: 120 },
  },
});

/** Nutri's ML service `/health` (runbooks/nutri.md, "Morning Health Check": expected "healthy"). */
const nutriMlHealthy = () => ({
  status: 'healthy',
  timestamp: now(),
  checks: { model: { status: 'ok', latencyMs: 38 }, redis: { status: 'ok', latencyMs: 2 } },
});

/**
 * The same service with its model not loaded: it still answers HTTP 200, and only the body says
 * "unhealthy". The check fails on the document's own verdict (health_status), with no assertion.
 */
const nutriMlDown = () => ({
  status: 'unhealthy',
  timestamp: now(),
  checks: {
    model: { status: 'error', error: 'model file not found: /models/nutri-v3.onnx' },
    redis: { status: 'ok', latencyMs: 2 },
  },
});

/** Nutri's web app: an HTML page a text assertion reads (no JSON anywhere). */
const NUTRI_WEB_PAGE = `<!DOCTYPE html>
<html><head><title>Nutri</title></head>
<body><h1>Nutri</h1><p>Plan your meals.</p><a href="/login">Sign in</a></body></html>
`;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** An ISO 8601 time `ms` before the app's clock. */
const ago = (app: RouteContext, ms: number) => new Date(app.now() - ms).toISOString();

/**
 * madef `/api/whatsapp/queue`: the outbox of WhatsApp messages not yet accepted by the provider
 * (runbook madef-home-care §7.1, "outbox messages piling up").
 */
const madefOutbox = (app: RouteContext, pending: number, oldestAgeMs: number) => ({
  pending,
  failed: 0,
  oldestQueuedAt: ago(app, oldestAgeMs),
  provider: 'waha',
});

/** A managed database provider's backups API: the newest completed backup. */
const providerBackups = (app: RouteContext, ageMs: number) => ({
  database: 'madef-prod',
  latest: {
    id: `bkp-${new Date(app.now() - ageMs).toISOString().slice(0, 10).replaceAll('-', '')}`,
    status: 'completed',
    completedAt: ago(app, ageMs),
    sizeBytes: 48_213_504,
  },
});

const HTML_ERROR_PAGE = `<!DOCTYPE html>
<html><head><title>502 Bad Gateway</title></head>
<body><h1>Bad Gateway</h1><p>The upstream server is not responding. Please try again later.</p></body></html>
`;

/** Every route, by exact path. Each fault is one a real deployment produces. */
const ROUTES: Record<string, Route> = {
  '/': (_req, res) => json(res, 200, { routes: Object.keys(ROUTES) }),
  // MAdef home care (runbooks/madef-home-care.md)
  '/madef/api/health': (_req, res) => json(res, 200, madefHealthy()),
  '/madef-degraded/api/health': (_req, res) => json(res, 503, madefDegraded()),
  '/madef-high-memory/api/health': (_req, res) => json(res, 200, madefHighMemory()),
  // madef's WhatsApp outbox (§7.1): draining normally, and backed up behind a stuck provider.
  '/madef/api/whatsapp/queue': (_req, res, app) => json(res, 200, madefOutbox(app, 12, 2 * MINUTE)),
  '/madef-backlog/api/whatsapp/queue': (_req, res, app) =>
    json(res, 200, madefOutbox(app, 1500, 40 * MINUTE)),
  // A managed database provider's backups API: last night's backup, and one from the day before.
  '/provider/backups/latest': (_req, res, app) => json(res, 200, providerBackups(app, 3 * HOUR)),
  '/provider-stale/backups/latest': (_req, res, app) => json(res, 200, providerBackups(app, 30 * HOUR)),
  // AI Muhasebi (runbooks/ai-muhasebi.md): liveness without the DB, readiness with it.
  '/muhasebi/healthz': (_req, res) => json(res, 200, { status: 'ok', service: 'backend-api' }),
  '/muhasebi/readyz': (_req, res) => json(res, 200, { status: 'ready' }),
  '/muhasebi-down/healthz': (_req, res) => json(res, 200, { status: 'ok', service: 'backend-api' }),
  '/muhasebi-down/readyz': (_req, res) =>
    json(res, 503, { status: 'not_ready', details: { error: 'Database connection failed' } }),
  // Nutri (runbooks/nutri.md)
  '/nutri/health': (_req, res) => json(res, 200, { status: 'healthy', version: '1.0.0', timestamp: now() }),
  '/nutri/health/live': (_req, res) => json(res, 200, { status: 'ok' }),
  '/nutri/web': (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(NUTRI_WEB_PAGE);
  },
  '/nutri-ml/health': (_req, res) => json(res, 200, nutriMlHealthy()),
  // 200 with "unhealthy" in the body: many services put the truth there.
  '/nutri-ml-down/health': (_req, res) => json(res, 200, nutriMlDown()),
  // WhatsApp AI assistant (runbooks/whatsapp-ai-assistant.md)
  '/whatsapp/api/health': (_req, res) => json(res, 200, whatsappHealthy()),
  // Faults
  '/slow': (_req, res, app) => app.later(app.slowMs, () => json(res, 200, { status: 'ok' })),
  '/hang': () => {
    // Never answers: the connection stays open until the client gives up or the app closes.
  },
  '/html': (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(HTML_ERROR_PAGE);
  },
  '/reset': (req) => {
    req.socket.destroy();
  },
  '/redirect-loop': (_req, res) => {
    res.writeHead(302, { location: '/redirect-loop' });
    res.end();
  },
  '/big': (_req, res) => {
    // 2 MiB of JSON, above the default 1 MiB maxBodyBytes.
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'ok', padding: 'x'.repeat(2 * 1024 * 1024) }));
  },
};

/** Paths the demo app serves, for tests and the index page. */
export const DEMO_ROUTES: readonly string[] = Object.keys(ROUTES);

/** Starts the demo app on 127.0.0.1. Resolves once it is listening. */
export async function startDemoApp(options: DemoAppOptions = {}): Promise<DemoApp> {
  const timers = new Set<NodeJS.Timeout>();
  const context: RouteContext = {
    slowMs: options.slowMs ?? 1500,
    now: options.now ?? Date.now,
    later(ms, fn) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        fn();
      }, ms);
      timers.add(timer);
    },
  };
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://demo').pathname;
    const route = ROUTES[path];
    if (route) route(req, res, context);
    else json(res, 404, { error: `no route ${path}; try GET / for the list` });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close((error) => (error ? reject(error) : resolve()));
        // close() waits for open connections; /hang and keep-alive sockets would hold it forever.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

// Run directly: `npx tsx scripts/demo-app.ts`, with the SQS/S3 emulator the demo config also needs.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { startDemoAws } = await import('./demo-aws.ts');
  const app = await startDemoApp({ port: Number(process.env.PORT ?? 8787) });
  const aws = await startDemoAws({ port: Number(process.env.FAUXQS_PORT ?? 4566) }).catch(async (error) => {
    await app.close();
    throw error;
  });
  process.stdout.write(
    `demo app listening on ${app.url}, fauxqs (SQS, S3) on ${aws.url} (Ctrl-C to stop)\n\n` +
      `VIGIL_DEMO_URL=${app.url} AWS_ENDPOINT_URL=${aws.url} AWS_REGION=us-east-1 ` +
      'AWS_ACCESS_KEY_ID=demo AWS_SECRET_ACCESS_KEY=demo npx vigil check --config examples/demo.config.ts\n',
  );
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void Promise.allSettled([app.close(), aws.close()]).then(() => process.exit(0));
    });
  }
}
