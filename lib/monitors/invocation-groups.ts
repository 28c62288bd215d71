/**
 * Which monitors share a canary invocation (docs/adr/0008-shared-invocations.md). Pure, so the
 * stacks, `vigil cost` and the benchmarks group the same way.
 *
 * A `shared` monitor (the default) is checked in one invocation with the other shared monitors of
 * its service that run on the same schedule in the same mode (fast or not), in config order, at most
 * {@link MAX_MONITORS_PER_INVOCATION} to an invocation. An `own` monitor keeps a schedule of its own,
 * named after it, with the one-monitor payload.
 */
import { createHash } from 'node:crypto';
import { MAX_MONITORS_PER_INVOCATION, type Monitor, toMonitorInput } from '../config/index.ts';
import { SCHEDULER_MAX_INPUT_BYTES } from './alarm-timing.ts';
import { isFast } from './monitor-traits.ts';

/** What every group has: one schedule and the monitors its invocations run. */
interface GroupBase {
  /** The schedule's name, unique in the project's schedule group (at most 64 characters). */
  readonly scheduleName: string;
  readonly service: string;
  /** The members' schedule expression. */
  readonly schedule: string;
  readonly fast: boolean;
  readonly monitors: readonly Monitor[];
}

/**
 * One schedule and the monitors its invocations run. `own`: one monitor, `{ monitor }` payload, its
 * schedule under its HealthMonitor; `shared`: `{ monitors }`, even with one member, its schedule
 * made with `constructId` in its stack (stable while the group's service, schedule, mode and
 * position stay).
 */
export type InvocationGroup =
  | (GroupBase & { readonly invocation: 'own' })
  | (GroupBase & { readonly invocation: 'shared'; readonly constructId: string });

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
  /** Most bytes of one `{ monitors }` payload. @default SCHEDULER_MAX_INPUT_BYTES */
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
    const tag = groupTag(first);
    chunks(members, maxPerInvocation, maxPayloadBytes).forEach((chunk, i) => {
      const n = part === 1 ? String(i + 1) : `p${part}-${i + 1}`;
      groups.push({
        scheduleName: sharedScheduleName(first.service, tag, n),
        constructId: `Checks-${first.service}-${tag}-${n}`,
        service: first.service,
        schedule: first.schedule,
        fast: isFast(first),
        invocation: 'shared',
        monitors: chunk,
      });
    });
  }
  return groups;
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

function groupKey(m: Monitor): string {
  return JSON.stringify([m.service, m.schedule, isFast(m)]);
}

/**
 * Six hex characters of the service, schedule and mode: tells apart a service's groups on different
 * schedules (and services whose long names are cut to the same prefix), and stays the same while
 * they do.
 */
function groupTag(m: Monitor): string {
  return createHash('sha256')
    .update(`${m.service}|${m.schedule}|${isFast(m) ? 'fast' : 'standard'}`)
    .digest('hex')
    .slice(0, 6);
}

/**
 * `<service>.<tag>.<n>`: the dots keep it apart from every `own` schedule (monitor names have
 * none). A long service name is cut to fit Scheduler's 64 characters.
 */
function sharedScheduleName(service: string, tag: string, n: string): string {
  const suffix = `.${tag}.${n}`;
  return `${service.slice(0, MAX_SCHEDULE_NAME - suffix.length)}${suffix}`;
}
