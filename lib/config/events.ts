/**
 * The canary's event: what each EventBridge Scheduler schedule sends. CDK builds it with
 * {@link toCanaryEvent} (one monitor: `{ monitor }`) or {@link toGroupEvent} (monitors sharing an
 * invocation: `{ monitors }`); the handler parses either with {@link canaryRequestSchema}, the same
 * schema that validated the config, so the two ends cannot drift apart. A remediation's verify
 * steps (lib/ssm/verify-steps.ts) send `{ verify: "<monitor name>" }`: the canary looks the monitor
 * up in {@link CANARY_MONITORS_FILE}, shipped beside its bundle, so a document needs only the name.
 */
import * as z from 'zod/mini';
import { MAX_MONITORS_PER_INVOCATION, type MonitorInput, monitorInputSchema } from './monitor-schema.ts';
import { type Monitor, resolveMonitor } from './resolve-monitor.ts';

/** One monitor: a monitor with `invocation: 'own'`. */
export const canaryEventSchema = z.strictObject({ monitor: monitorInputSchema });
export type CanaryEvent = z.input<typeof canaryEventSchema>;

/** Monitors that share one invocation (`invocation: 'shared'`, the default). */
export const groupEventSchema = z.strictObject({
  monitors: z.array(monitorInputSchema).check(z.minLength(1), z.maxLength(MAX_MONITORS_PER_INVOCATION)),
});
export type GroupEvent = z.input<typeof groupEventSchema>;

/** Verify mode: check this monitor once, by name, and answer `{ monitor, ok, reason?, detail? }`. */
export const verifyEventSchema = z.strictObject({ verify: z.string().check(z.minLength(1)) });
export type VerifyEvent = z.input<typeof verifyEventSchema>;

/** Either schedule payload. (A `{ verify }` payload is parsed first, on its own: {@link parseVerifyEvent}.) */
export const canaryRequestSchema = z.union([canaryEventSchema, groupEventSchema]);

/** The monitor name of a `{ verify }` payload, or `undefined` for any other payload. */
export function parseVerifyEvent(event: unknown): string | undefined {
  const parsed = verifyEventSchema.safeParse(event);
  return parsed.success ? parsed.data.verify : undefined;
}

/**
 * The monitors verify mode may run, as a JSON file beside the canary's bundle
 * (`/var/task/vigil-monitors.json`): written at synth by lib/constructs/canary-function.ts, read
 * only by a `{ verify }` invocation, so a scheduled check's cold start does not pay for it.
 */
export const CANARY_MONITORS_FILE = 'vigil-monitors.json';

/** The file's content: the monitors as config inputs, validated on read by the config's own schema. */
export const verifyMonitorsSchema = z.array(monitorInputSchema);

/** The file's content for these monitors (enabled ones only: a disabled monitor is never verified). */
export function toVerifyMonitors(monitors: readonly Monitor[]): MonitorInput[] {
  return monitors.filter((m) => m.enabled).map(toMonitorInput);
}

/** Parses the file's JSON into resolved monitors by name; throws a zod error naming the bad field. */
export function parseVerifyMonitors(json: string): Map<string, Monitor> {
  const monitors = verifyMonitorsSchema.parse(JSON.parse(json)).map((m) => resolveMonitor(m));
  return new Map(monitors.map((m) => [m.name, m]));
}

/** A JSON copy with readonly dropped: the payload is plain data. */
function plain<T>(value: T): DeepMutable<T> {
  return JSON.parse(JSON.stringify(value));
}
type DeepMutable<T> = T extends readonly (infer U)[]
  ? DeepMutable<U>[]
  : T extends object
    ? { -readonly [K in keyof T]: DeepMutable<T[K]> }
    : T;

/**
 * The config input that resolves to `monitor`: the inverse of {@link resolveMonitor}, so the payload
 * is validated by the same schema as the config file (defaults already applied, empty lists dropped).
 */
export function toMonitorInput(monitor: Monitor): MonitorInput {
  const input = kindInput(plain(monitor));
  // `tier: 'full'` and `invocation: 'shared'` (the defaults) are left out to keep payloads short.
  if (input.tier === 'full') delete input.tier;
  if (input.invocation === 'shared') delete input.invocation;
  return input;
}

function kindInput(m: DeepMutable<Monitor>): MonitorInput {
  switch (m.kind) {
    case 'http': {
      // `fast: false` is left out so standard monitors' payloads stay as they were; a fast monitor's
      // `confirm` (always false) too, as the config refuses `confirm` beside `fast`.
      const { expectStatus, fast, confirm, ...rest } = m;
      return {
        ...rest,
        ...(expectStatus.length > 0 && { expectStatus }),
        ...(fast ? { fast } : { confirm }),
      };
    }
    case 'queue': {
      const { source, ...rest } = m;
      if (source.kind === 'sqs') {
        const { kind: _, ...sqs } = source;
        return { ...rest, sqs };
      }
      const { kind: _, ...endpoint } = source;
      return { ...rest, endpoint };
    }
    case 'backup': {
      const { source, ...rest } = m;
      const { kind, ...spec } = source;
      return { ...rest, [kind]: spec } as MonitorInput;
    }
    case 'command': {
      const { targets, ...rest } = m;
      return { ...rest, ...targets };
    }
  }
}

/** The schedule payload for a resolved monitor. */
export function toCanaryEvent(monitor: Monitor): CanaryEvent {
  return { monitor: toMonitorInput(monitor) };
}

/** The schedule payload for monitors that share one invocation, in the order given. */
export function toGroupEvent(monitors: readonly Monitor[]): GroupEvent {
  return { monitors: monitors.map(toMonitorInput) };
}

/** Parses and resolves a one-monitor canary event; throws a zod error naming the bad field. */
export function parseCanaryEvent(event: unknown): Monitor {
  return resolveMonitor(canaryEventSchema.parse(event).monitor);
}

/** What a canary invocation was asked to run. */
export type CanaryRequest =
  | { readonly shape: 'monitor'; readonly monitor: Monitor }
  | { readonly shape: 'monitors'; readonly monitors: readonly Monitor[] };

/** Parses and resolves either payload; throws a zod error naming the bad field. */
export function parseCanaryRequest(event: unknown): CanaryRequest {
  const parsed = canaryRequestSchema.parse(event);
  return 'monitor' in parsed
    ? { shape: 'monitor', monitor: resolveMonitor(parsed.monitor) }
    : { shape: 'monitors', monitors: parsed.monitors.map((m) => resolveMonitor(m)) };
}
