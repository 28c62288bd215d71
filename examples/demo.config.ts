/**
 * The demo config: the runbooks' health endpoints as served by `scripts/demo-app.ts`, healthy and
 * failing. `npm run demo` starts the demo app and runs `vigil check` on this file; by hand:
 *
 *   npx tsx scripts/demo-app.ts &
 *   VIGIL_DEMO_URL=http://127.0.0.1:8787 npx vigil check --config examples/demo.config.ts
 *
 * Half the monitors fail on purpose: each failure is a fault the demo app injects, and
 * {@link expectedOutcomes} says which reason code each one must produce.
 */
import type { ReasonCode } from '../lambdas/canary/checks/result.ts';
import { defineConfig } from '../lib/config/index.ts';

const base = process.env.VIGIL_DEMO_URL ?? 'http://127.0.0.1:8787';

/** What a demo monitor must report, and for a deliberate failure, the fault behind it. */
export interface DemoExpectation {
  readonly result: 'pass' | ReasonCode;
  readonly fault?: string;
}

/**
 * What each demo monitor must report: `pass`, or the reason code of its deliberate failure.
 * `npm run demo` and the CLI tests hold the check run to this.
 */
export const expectedOutcomes: Readonly<Record<string, DemoExpectation>> = {
  'madef-api-health': { result: 'pass' },
  'madef-degraded': {
    result: 'http_status',
    fault: 'the database is down, so /api/health answers 503 "unhealthy"',
  },
  'madef-memory': {
    result: 'assertion_failed',
    fault: 'says "healthy" with memory at 91 %; the runbook wants < 85 %',
  },
  'muhasebi-healthz': { result: 'pass' },
  'muhasebi-readyz': { result: 'pass' },
  'muhasebi-db-down': {
    result: 'http_status',
    fault: '/readyz answers 503 not_ready: database connection failed',
  },
  'nutri-live': { result: 'pass' },
  'whatsapp-ai-health': { result: 'pass' },
  'slow-endpoint': { result: 'slow', fault: 'answers after 1.5 s; the monitor allows 1000 ms' },
  'hanging-endpoint': { result: 'timeout', fault: 'accepts the connection and never answers' },
  'html-error-page': { result: 'bad_json', fault: "a proxy's HTML error page, served with 200" },
};

export default defineConfig({
  project: 'demo',
  defaults: { severity: 'P2', timeoutMs: 3000 },
  monitors: [
    {
      // runbooks/madef-home-care.md, "5. Verify System Health"
      name: 'madef-api-health',
      kind: 'http',
      severity: 'P1',
      url: `${base}/madef/api/health`,
      assertions: [
        { path: 'status', equals: 'healthy' },
        { path: 'checks.database.status', equals: 'ok' },
        { path: 'checks.memory.percentage', lt: 85 },
      ],
      componentMetrics: true,
    },
    {
      // The same endpoint with the database down: 503 "unhealthy", memory at 91 %.
      name: 'madef-degraded',
      kind: 'http',
      severity: 'P1',
      url: `${base}/madef-degraded/api/health`,
      assertions: [
        { path: 'status', equals: 'healthy' },
        { path: 'checks.database.status', equals: 'ok' },
        { path: 'checks.memory.percentage', lt: 85 },
      ],
      componentMetrics: true,
    },
    {
      // Says "healthy" with memory at 91 %; the runbook wants it below 85 %.
      name: 'madef-memory',
      kind: 'http',
      severity: 'P3',
      url: `${base}/madef-high-memory/api/health`,
      assertions: [
        { path: 'status', equals: 'healthy' },
        { path: 'checks.memory.percentage', lt: 85 },
      ],
    },
    {
      // runbooks/ai-muhasebi.md: liveness, no database involved.
      name: 'muhasebi-healthz',
      kind: 'http',
      url: `${base}/muhasebi/healthz`,
      assertions: [{ path: 'status', equals: 'ok' }],
    },
    {
      // ... and readiness, which needs the database.
      name: 'muhasebi-readyz',
      kind: 'http',
      url: `${base}/muhasebi/readyz`,
      assertions: [{ path: 'status', equals: 'ready' }],
    },
    {
      // Readiness while the database is down: 503 {"status":"not_ready",...}.
      name: 'muhasebi-db-down',
      kind: 'http',
      url: `${base}/muhasebi-down/readyz`,
      assertions: [{ path: 'status', equals: 'ready' }],
    },
    {
      // runbooks/nutri.md, "Quick latency check": expected < 500 ms.
      name: 'nutri-live',
      kind: 'http',
      url: `${base}/nutri/health/live`,
      maxLatencyMs: 500,
    },
    {
      // runbooks/whatsapp-ai-assistant.md: "Verify all services show "up" status".
      name: 'whatsapp-ai-health',
      kind: 'http',
      url: `${base}/whatsapp/api/health`,
      assertions: [
        { path: 'status', equals: 'healthy' },
        { path: 'services.database.status', equals: 'up' },
        { path: 'services.waha.status', equals: 'up' },
      ],
    },
    {
      // Answers after 1.5 s: up, but too slow to count as healthy.
      name: 'slow-endpoint',
      kind: 'http',
      url: `${base}/slow`,
      maxLatencyMs: 1000,
    },
    {
      // Accepts the connection and never answers.
      name: 'hanging-endpoint',
      kind: 'http',
      url: `${base}/hang`,
      timeoutMs: 2000,
    },
    {
      // A proxy's HTML error page served with 200: only an assertion on the JSON catches it.
      name: 'html-error-page',
      kind: 'http',
      url: `${base}/html`,
      assertions: [{ path: 'status', equals: 'ok' }],
    },
  ],
});
