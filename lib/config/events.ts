/**
 * The canary's event: what each EventBridge Scheduler schedule sends. CDK builds it with
 * {@link toCanaryEvent}; the handler parses it with {@link canaryEventSchema}, the same schema that
 * validated the config, so the two ends cannot drift apart.
 */
import * as z from 'zod/mini';
import { type Monitor, resolveMonitor } from './resolve.ts';
import { monitorInputSchema } from './schema.ts';

export const canaryEventSchema = z.strictObject({ monitor: monitorInputSchema });
export type CanaryEvent = z.input<typeof canaryEventSchema>;

/** The schedule payload for a resolved monitor (defaults already applied, empty lists dropped). */
export function toCanaryEvent(monitor: Monitor): CanaryEvent {
  const { expectStatus, ...rest } = monitor;
  return {
    monitor: {
      ...rest,
      headers: { ...rest.headers },
      assertions: [...rest.assertions],
      componentMetrics:
        typeof rest.componentMetrics === 'boolean' ? rest.componentMetrics : [...rest.componentMetrics],
      ...(expectStatus.length > 0 && { expectStatus: [...expectStatus] }),
    },
  };
}

/** Parses and resolves a canary event; throws a zod error naming the bad field. */
export function parseCanaryEvent(event: unknown): Monitor {
  return resolveMonitor(canaryEventSchema.parse(event).monitor);
}
