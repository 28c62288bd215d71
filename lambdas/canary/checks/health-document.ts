/**
 * Reads the per-component health out of a health document so a page can say
 * "database: error, latency 5001 ms" instead of only "HTTP 503".
 *
 * Two shapes are recognised:
 * - the runbooks' maps: `checks.<name>` (madef `/api/health`) and `services.<name>`
 *   (whatsapp-ai-assistant) whose values are objects with a `status`;
 * - the IETF draft `application/health+json` (draft-inadarei-api-health-check): top-level `status`
 *   pass/warn/fail and a `checks` map of `"component:measurement"` to arrays of check objects.
 *
 * A bare `{ "status": "ok" }` (ai-muhasebi `/healthz`, `/readyz`) is a health document with no
 * components, as long as its status is a word this module knows.
 */
import type { ComponentState, ComponentStatus } from './result.ts';

/** What {@link extractComponents} found: the document's own status and its components. */
export interface HealthDocument {
  /** The top-level `status` as the document gave it ("healthy", "pass", "not_ready"...). */
  readonly overallStatus?: string;
  readonly components: ComponentStatus[];
}

const STATES: ReadonlyMap<string, ComponentState> = new Map<string, ComponentState>([
  ...['ok', 'up', 'pass', 'healthy', 'ready', 'configured', 'not_configured', 'connected', 'true'].map(
    (s) => [s, 'healthy'] as const,
  ),
  ...['warn', 'warning', 'degraded'].map((s) => [s, 'degraded'] as const),
  ...['error', 'down', 'fail', 'failed', 'unhealthy', 'not_ready', 'disconnected', 'false'].map(
    (s) => [s, 'unhealthy'] as const,
  ),
]);

/**
 * Maps a status word to a state. `not_configured` is healthy on purpose: the madef runbook lists it
 * as an expected value for an optional Redis. Case and surrounding spaces are ignored.
 */
export function componentState(status: string): ComponentState {
  return STATES.get(status.trim().toLowerCase()) ?? 'unknown';
}

// Fields that carry a component's latency, in ms, across the runbooks' documents.
const LATENCY_FIELDS = ['latencyMs', 'latency', 'responseTime', 'responseTimeMs', 'durationMs'] as const;

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function statusText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return String(value);
  return undefined;
}

function finite(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

const MAX_DETAIL_CHARS = 120;

function clip(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > MAX_DETAIL_CHARS ? `${oneLine.slice(0, MAX_DETAIL_CHARS - 1)}…` : oneLine;
}

/** The most useful words in a runbook-style component object: its error, message, or `connected: false`. */
function detailOf(entry: JsonObject): string | undefined {
  for (const field of ['error', 'message', 'reason', 'output']) {
    const v = entry[field];
    if (typeof v === 'string' && v.trim()) return clip(v);
    if (isObject(v) && typeof v.message === 'string' && v.message.trim()) return clip(v.message);
  }
  if (entry.connected === false) return 'connected: false';
  const details = entry.details;
  if (typeof details === 'string' && details.trim()) return clip(details);
  if (isObject(details)) {
    const inner = detailOf(details);
    if (inner) return inner;
  }
  return undefined;
}

function runbookComponent(name: string, entry: JsonObject): ComponentStatus | undefined {
  const status = statusText(entry.status);
  if (status === undefined) return undefined;
  let latencyMs: number | undefined;
  for (const field of LATENCY_FIELDS) {
    latencyMs = finite(entry[field]);
    if (latencyMs !== undefined) break;
  }
  const detail = detailOf(entry);
  return {
    name,
    state: componentState(status),
    status,
    ...(latencyMs !== undefined && { latencyMs }),
    ...(detail !== undefined && { detail }),
  };
}

// observedUnit values that mean time, and their factor to ms.
const TIME_UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, us: 0.001, ns: 0.000001 };

// Measurement names (the part after the last ":" of a health+json key) whose time observation is a
// latency. The draft's other time-valued measurement, `uptime`, is how long the process has run: an
// uptime of 120.9 s is not a 120,900 ms response.
const LATENCY_MEASUREMENTS: ReadonlySet<string> = new Set(['responsetime', 'latency']);

function isLatencyMeasurement(key: string): boolean {
  const colon = key.lastIndexOf(':');
  return colon >= 0 && LATENCY_MEASUREMENTS.has(key.slice(colon + 1).toLowerCase());
}

function healthJsonComponent(
  name: string,
  entry: JsonObject,
  latencyKey: boolean,
): ComponentStatus | undefined {
  const status = statusText(entry.status);
  if (status === undefined) return undefined;
  const observed = finite(entry.observedValue);
  const unit = typeof entry.observedUnit === 'string' ? entry.observedUnit : undefined;
  const factor = unit === undefined || !latencyKey ? undefined : TIME_UNITS[unit];
  const latencyMs = observed !== undefined && factor !== undefined ? observed * factor : undefined;
  let detail: string | undefined;
  if (typeof entry.output === 'string' && entry.output.trim()) detail = clip(entry.output);
  else if (entry.observedValue !== undefined && latencyMs === undefined) {
    detail = clip(`observed ${JSON.stringify(entry.observedValue)}${unit ? ` ${unit}` : ''}`);
  }
  return {
    name,
    state: componentState(status),
    status,
    ...(latencyMs !== undefined && { latencyMs }),
    ...(detail !== undefined && { detail }),
  };
}

function collect(map: unknown, into: ComponentStatus[]): void {
  if (!isObject(map)) return;
  for (const [key, value] of Object.entries(map)) {
    if (Array.isArray(value)) {
      // application/health+json: one array per "component:measurement", one object per instance.
      const single = value.length === 1;
      const latencyKey = isLatencyMeasurement(key);
      value.forEach((item, i) => {
        if (!isObject(item)) return;
        const id = typeof item.componentId === 'string' && item.componentId ? item.componentId : String(i);
        const component = healthJsonComponent(single ? key : `${key}/${id}`, item, latencyKey);
        if (component) into.push(component);
      });
    } else if (isObject(value)) {
      const component = runbookComponent(key, value);
      if (component) into.push(component);
    }
  }
}

/**
 * Extracts components and the overall status from a parsed JSON body, or returns undefined when the
 * body is not a health document (no component with a status, and no recognised top-level status).
 * Components keep the document's order; `checks` come before `services`.
 */
export function extractComponents(body: unknown): HealthDocument | undefined {
  if (!isObject(body)) return undefined;
  const components: ComponentStatus[] = [];
  collect(body.checks, components);
  collect(body.services, components);
  const overall = statusText(body.status);
  if (components.length === 0 && (overall === undefined || componentState(overall) === 'unknown')) {
    return undefined;
  }
  return { ...(overall !== undefined && { overallStatus: overall }), components };
}

/** What a health document says about itself, judged by {@link healthVerdict}. */
export type HealthVerdict =
  | {
      readonly ok: true;
      /** What stands out without failing: a `warn` status, or components down under a healthy status. */
      readonly note?: string;
    }
  | {
      readonly ok: false;
      /** One line naming the status and the failing components, for the page. */
      readonly detail: string;
    };

function describeComponent(c: ComponentStatus): string {
  return c.detail === undefined ? `${c.name} ${c.status}` : `${c.name} ${c.status} (${c.detail})`;
}

function listComponents(components: readonly ComponentStatus[]): string {
  const shown = components.slice(0, 5).map(describeComponent).join(', ');
  return components.length > 5 ? `${shown} and ${components.length - 5} more` : shown;
}

/**
 * The document's own verdict on a 2xx answer. Many services answer 200 and put the truth in the body,
 * so a top-level `status` that means down (`fail`, `down`, `error` in any case, the
 * application/health+json draft's word and its aliases, or the runbooks' `unhealthy`, `not_ready`)
 * fails, naming the components that are down. `warn` (or `degraded`) passes with a note.
 *
 * The top-level status is the service's own judgement of which components it needs, so a component
 * down under a healthy top-level status passes with a note (an optional Redis may be down). A
 * document with components and no top-level status leaves the judgement to its components: any of
 * them down fails.
 */
export function healthVerdict(doc: HealthDocument): HealthVerdict {
  const down = doc.components.filter((c) => c.state === 'unhealthy');
  const degraded = doc.components.filter((c) => c.state === 'degraded');
  const overall = doc.overallStatus;
  const state = overall === undefined ? undefined : componentState(overall);
  if (state === 'unhealthy' || (overall === undefined && down.length > 0)) {
    if (overall === undefined)
      return {
        ok: false,
        detail: `health document (no overall status) reports down: ${listComponents(down)}`,
      };
    const says = `health document says ${JSON.stringify(overall)}`;
    return {
      ok: false,
      detail: down.length > 0 ? `${says}: ${listComponents(down)}` : `${says}, naming no failing component`,
    };
  }
  const notes: string[] = [];
  if (state === 'degraded') {
    const which = degraded.length > 0 ? `: ${listComponents(degraded)}` : '';
    notes.push(`health document says ${JSON.stringify(overall)}${which}`);
  }
  if (down.length > 0) {
    notes.push(`health document says ${JSON.stringify(overall)} but lists down: ${listComponents(down)}`);
  }
  return notes.length > 0 ? { ok: true, note: notes.join('; ') } : { ok: true };
}
