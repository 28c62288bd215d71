/**
 * Which monitors share a canary invocation (docs/adr/0008-shared-invocations.md). Pure, so the
 * stacks, `vigil cost` and the benchmarks group the same way.
 *
 * A `shared` monitor (the default) is checked in one invocation with the other shared monitors of
 * its service that run on the same schedule in the same mode, in config order, at most
 * {@link MAX_MONITORS_PER_INVOCATION} to an invocation. Shared fast monitors are the exception:
 * those of every service share one app-wide group (`scope: 'app'`), whose schedules the main stack
 * makes, since each of its invocations is one probe and a send (docs/adr/0006-fast-mode.md). An
 * `own` monitor keeps a schedule of its own, named after it, with the one-monitor payload.
 */
import { createHash } from 'node:crypto';
import { FAST_PROBE_MESSAGE_EXTRA_BYTES, SQS_MAX_MESSAGE_BYTES } from '../config/fast-probe-message.ts';
import { MAX_MONITORS_PER_INVOCATION, type Monitor, toMonitorInput } from '../config/index.ts';
import { SCHEDULER_MAX_INPUT_BYTES } from './alarm-timing.ts';
import { isFast } from './monitor-traits.ts';

/** What every group has: one schedule and the monitors its invocations run. */
interface GroupBase {
  /** The schedule's name, unique in the project's schedule group (at most 64 characters). */
  readonly scheduleName: string;
  /** The members' schedule expression. */
  readonly schedule: string;
  readonly fast: boolean;
  readonly monitors: readonly Monitor[];
}

/**
 * One schedule and the monitors its invocations run. `own`: one monitor, `{ monitor }` payload, its
 * schedule under its HealthMonitor; `shared`: `{ monitors }`, even with one member, its schedule
 * made with `constructId` (stable while the group's service, schedule, mode and position stay) in
 * its service's stack (`scope: 'service'`) or, for the app-wide fast group, in the main stack
 * (`scope: 'app'`, members of any service).
 */
export type InvocationGroup =
  | (GroupBase & { readonly invocation: 'own'; readonly scope: 'service'; readonly service: string })
  | (GroupBase & {
      readonly invocation: 'shared';
      readonly scope: 'service';
      readonly service: string;
      readonly constructId: string;
    })
  | (GroupBase & { readonly invocation: 'shared'; readonly scope: 'app'; readonly constructId: string });

/** The first part of the app-wide fast group's schedule names and construct ids. */
export const APP_FAST_GROUP = 'fast';

/** Scheduler's limit on a schedule name. */
const MAX_SCHEDULE_NAME = 64;

/** Options of {@link invocationGroups}. */
export interface GroupingOptions {
  /**
   * The part of a split service these monitors are (lib/stack-plan.ts): each part groups its own
   * monitors, and parts after the first name their schedules with it.
   * @default 1
   */
  readonly part?: number;
  /** @default MAX_MONITORS_PER_INVOCATION */
  readonly maxPerInvocation?: number;
  /**
   * Most bytes of one `{ monitors }` payload; a fast group's also fit each of its SQS messages.
   * @default SCHEDULER_MAX_INPUT_BYTES
   */
  readonly maxPayloadBytes?: number;
}

/**
 * Groups `monitors` (enabled ones; the caller filters) into invocations. Shared groups come in the
 * order their first member appears; chunks of one key are numbered from 1, so adding a monitor at
 * the end of a service changes at most the last chunk's payload and never renames a schedule.
 */
export function invocationGroups(
  monitors: readonly Monitor[],
  options: GroupingOptions = {},
): InvocationGroup[] {
  const {
    part = 1,
    maxPerInvocation = MAX_MONITORS_PER_INVOCATION,
    maxPayloadBytes = SCHEDULER_MAX_INPUT_BYTES,
  } = options;
  const groups: InvocationGroup[] = [];
  const shared = new Map<string, Monitor[]>();
  const order: (string | Monitor)[] = [];
  for (const m of monitors) {
    if (m.invocation === 'own') {
      order.push(m);
      continue;
    }
    const key = groupKey(m);
    const members = shared.get(key);
    if (members) members.push(m);
    else {
      shared.set(key, [m]);
      order.push(key);
    }
  }
  for (const item of order) {
    if (typeof item !== 'string') {
      groups.push({
        scheduleName: item.name,
        scope: 'service',
        service: item.service,
        schedule: item.schedule,
        fast: isFast(item),
        invocation: 'own',
        monitors: [item],
      });
      continue;
    }
    const members = shared.get(item) ?? [];
    const first = members[0];
    if (!first) continue;
    const fast = isFast(first);
    const tag = groupTag(first);
    // A fast group's monitors ride every SQS message of its minute, inside a few bytes of framing.
    const maxBytes = fast
      ? Math.min(maxPayloadBytes, SQS_MAX_MESSAGE_BYTES - FAST_PROBE_MESSAGE_EXTRA_BYTES)
      : maxPayloadBytes;
    chunks(members, maxPerInvocation, maxBytes).forEach((chunk, i) => {
      const base = { schedule: first.schedule, fast, invocation: 'shared' as const, monitors: chunk };
      if (fast) {
        // App-wide: the plan's parts do not apply (the main stack makes these schedules).
        const n = String(i + 1);
        groups.push({
          ...base,
          scheduleName: sharedScheduleName(APP_FAST_GROUP, tag, n),
          constructId: `Checks-${APP_FAST_GROUP}-${tag}-${n}`,
          scope: 'app',
        });
        return;
      }
      const n = part === 1 ? String(i + 1) : `p${part}-${i + 1}`;
      groups.push({
        ...base,
        scheduleName: sharedScheduleName(first.service, tag, n),
        constructId: `Checks-${first.service}-${tag}-${n}`,
        scope: 'service',
        service: first.service,
      });
    });
  }
  return groups;
}

/** The app-wide fast groups among `monitors` (enabled ones): their schedules live in the main stack. */
export function appGroups(monitors: readonly Monitor[]): (InvocationGroup & { readonly scope: 'app' })[] {
  return invocationGroups(monitors).filter((g): g is InvocationGroup & { scope: 'app' } => g.scope === 'app');
}

/** `{"monitors":[` and `]}`, and a comma per member after the first. */
const PAYLOAD_FRAME_BYTES = '{"monitors":[]}'.length;

/** Consecutive runs of `members`, each within `maxCount` monitors and `maxBytes` of payload. */
function chunks(members: readonly Monitor[], maxCount: number, maxBytes: number): Monitor[][] {
  const out: Monitor[][] = [];
  let current: Monitor[] = [];
  let bytes = PAYLOAD_FRAME_BYTES;
  for (const m of members) {
    const size = Buffer.byteLength(JSON.stringify(toMonitorInput(m)), 'utf8') + 1;
    if (current.length > 0 && (current.length >= maxCount || bytes + size > maxBytes)) {
      out.push(current);
      current = [];
      bytes = PAYLOAD_FRAME_BYTES;
    }
    current.push(m);
    bytes += size;
  }
  if (current.length > 0) out.push(current);
  return out;
}

/** A shared fast monitor's group is the app's (no service in the key); any other's, its service's. */
function groupKey(m: Monitor): string {
  return isFast(m)
    ? JSON.stringify([null, m.schedule, true])
    : JSON.stringify([m.service, m.schedule, false]);
}

/**
 * Six hex characters of the service (none for the app-wide fast group), schedule and mode: tells
 * apart a service's groups on different schedules (and services whose long names are cut to the
 * same prefix), and stays the same while they do.
 */
function groupTag(m: Monitor): string {
  const key = isFast(m) ? `*|${m.schedule}|fast` : `${m.service}|${m.schedule}|standard`;
  return createHash('sha256').update(key).digest('hex').slice(0, 6);
}

/**
 * `<service>.<tag>.<n>`: the dots keep it apart from every `own` schedule (monitor names have
 * none). A long service name is cut to fit Scheduler's 64 characters.
 */
function sharedScheduleName(service: string, tag: string, n: string): string {
  const suffix = `.${tag}.${n}`;
  return `${service.slice(0, MAX_SCHEDULE_NAME - suffix.length)}${suffix}`;
}
