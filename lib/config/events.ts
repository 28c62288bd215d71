/**
 * The canary's event: what each EventBridge Scheduler schedule sends. CDK builds it with
 * {@link toCanaryEvent}; the handler parses it with {@link canaryEventSchema}, the same schema that
 * validated the config, so the two ends cannot drift apart.
 */
import * as z from 'zod/mini';
import { type Monitor, resolveMonitor } from './resolve.ts';
import { type MonitorInput, monitorInputSchema } from './schema.ts';

export const canaryEventSchema = z.strictObject({ monitor: monitorInputSchema });
export type CanaryEvent = z.input<typeof canaryEventSchema>;

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
  // `tier: 'full'` is left out so full monitors' payloads stay as they were.
  if (input.tier === 'full') delete input.tier;
  return input;
}

function kindInput(m: DeepMutable<Monitor>): MonitorInput {
  switch (m.kind) {
    case 'http': {
      // `fast: false` is left out so standard monitors' payloads stay as they were.
      const { expectStatus, fast, ...rest } = m;
      return { ...rest, ...(expectStatus.length > 0 && { expectStatus }), ...(fast && { fast }) };
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

/** Parses and resolves a canary event; throws a zod error naming the bad field. */
export function parseCanaryEvent(event: unknown): Monitor {
  return resolveMonitor(canaryEventSchema.parse(event).monitor);
}
