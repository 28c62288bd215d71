/**
 * Which CloudFormation stack each monitor lands in (docs/adr/0005-splitting-stacks.md). Pure: the
 * same config always gives the same plan, and adding a monitor moves no other monitor unless its
 * own service's part of the plan overflows.
 *
 * - A config that fits one stack deploys as one stack, `vigil-<project>`, as it always has.
 * - A larger one keeps the shared resources (topics, key, canary, pager, watchers) in
 *   `vigil-<project>` and gives each service its own stack, `vigil-<project>-<service>`, with its
 *   monitors, composites, mute rules and dashboard: a composite and its members deploy together.
 * - A service too big for one stack is split by a stable hash of the monitor name into 2, 4, 8...
 *   parts: `vigil-<project>-<service>` (part 1: the composites, dashboard and its share of
 *   monitors), then `-PART2`, `-PART3`... Doubling the parts moves only the monitors whose hash
 *   now points at a new part; the others stay where they were.
 */
import { createHash } from 'node:crypto';
import type { Monitor, VigilConfig } from './config/index.ts';
import { MUTE_RULE_MAX_ALARMS } from './constructs/maintenance-mute-rules.ts';
import { appGroups, invocationGroups } from './monitors/invocation-groups.ts';
import { isFast } from './monitors/monitor-traits.ts';
import { queueAspects } from './paging/catalog.ts';
import { compositeChunks, IncidentPlan } from './paging/incident-plan.ts';

/** CloudFormation's limit: "Resources ... 500 per stack". */
export const CLOUDFORMATION_MAX_RESOURCES = 500;

/**
 * Resources one stack is planned to hold at most: 50 under CloudFormation's 500, for what the
 * estimate does not count (CDK metadata, a policy CDK adds) and so that a few monitors can be
 * added before a service has to split again.
 */
export const STACK_RESOURCE_BUDGET = 450;

/**
 * Resources the shared part of `vigil-<project>` holds with a heartbeat (topics and subscriptions,
 * key, queue, canary, schedule groups and roles, pager, watchers, the Vigil dashboard), rounded up;
 * a subscriber adds one more each, counted separately.
 */
export const SHARED_RESOURCES = 60;

/**
 * Resources the main stack holds for self-healing (lib/constructs/remediation.ts): the remediator
 * (function, role, policy, log group, invoke config, one permission for every alarm) and its
 * status-change rule with its permission, the webhook function when a ladder uses one, and per
 * action kind in use a document, its role and the role's policy. Alarm actions add none.
 */
export function remediationResources(config: VigilConfig): number {
  if (config.remediations.length === 0) return 0;
  const kinds = new Set(config.remediations.flatMap((r) => r.steps.map((s) => s.action)));
  return 8 + (kinds.has('webhook') ? 5 : 0) + 3 * kinds.size;
}

/**
 * Resources the main stack holds for DR drills (lib/constructs/dr-drills.ts): the drill function
 * (5), the schedule group with its role and policy, the sweep schedule, the status-change rule and
 * its permission; per drill kind a document, its role and policy; per drill its environment
 * parameter, schedule and sweep alarm, and a game-day schedule where it has one.
 */
export function drillResources(config: VigilConfig): number {
  if (config.drills.length === 0) return 0;
  const kinds = new Set(config.drills.map((d) => d.target.kind));
  return 11 + 3 * kinds.size + config.drills.reduce((n, d) => n + 3 + (d.gameDay ? 1 : 0), 0);
}

/**
 * Resources the main stack holds for fast mode (lib/constructs/fast-probe-queue.ts): the queue, its
 * TLS-only policy, the event source mapping and the canary role's policy the send grant may add,
 * and one schedule per app-wide fast group (their members' alarms stay in their services' stacks).
 */
export function fastProbeResources(config: VigilConfig): number {
  const enabled = config.monitors.filter((m) => m.enabled);
  if (!enabled.some(isFast)) return 0;
  return 4 + appGroups(enabled).length;
}

/** One stack of monitors: a service, or one part of a service. */
export interface MonitorStackPlan {
  /** The stack's name (and construct id): `vigil-<project>-<service>[-PART<n>]`. */
  readonly stackName: string;
  /** The service. */
  readonly service: string;
  /** 1-based part; part 1 also holds the service's composites, mute rules and dashboard. */
  readonly part: number;
  /** How many parts the service has. */
  readonly parts: number;
  /** Its enabled monitors, in config order. */
  readonly monitors: readonly Monitor[];
  /** Resources it is estimated to hold. */
  readonly estimatedResources: number;
}

/** Where every monitor deploys. */
export interface StackPlan {
  /** `single`: everything in `vigil-<project>`; `split`: shared there, monitors in {@link stacks}. */
  readonly mode: 'single' | 'split';
  /** The main stack's name, `vigil-<project>`. */
  readonly mainStackName: string;
  /** The monitor stacks (none in `single` mode), each service's parts after its dependencies', part 1 last. */
  readonly stacks: readonly MonitorStackPlan[];
  /** Resources the whole config is estimated to need beside the shared ones. */
  readonly estimatedResources: number;
}

/** The stack name for a project: `vigil-<project>`. */
export function stackNameFor(project: string): string {
  return `vigil-${project}`;
}

/** The stack of one part of a service: `vigil-<project>-<service>`, then `-PART2`... (upper case: no config name can collide). */
export function monitorStackName(project: string, service: string, part = 1): string {
  const base = `${stackNameFor(project)}-${service}`;
  return part === 1 ? base : `${base}-PART${part}`;
}

/** 0 to `parts - 1`, from the monitor's name only: never from its position or its neighbours. */
export function partIndex(monitorName: string, parts: number): number {
  const digest = createHash('sha256').update(monitorName).digest();
  return digest.readUInt32BE(0) % parts;
}

/**
 * Alarms a monitor makes: its own (none when grouped-tier) and one per queue aspect. Its schedule is
 * its invocation group's, counted per part.
 */
export function monitorResources(monitor: Monitor): number {
  return (monitor.tier === 'grouped' ? 0 : 1) + queueAspects(monitor).length;
}

/**
 * Service-level alarms the service's part 1 holds: its composites (none when the service is not
 * grouped), or the one `FailedChecks` alarm of a grouped-tier service.
 */
function compositeCount(plan: IncidentPlan, service: string): number {
  if (plan.isGroupedTier(service)) return 1;
  if (!plan.isGrouped(service)) return 0;
  const members = plan.members(service);
  const composite = (names: string[]) => {
    const chunks = compositeChunks(names).length;
    return chunks === 1 ? 1 : chunks + 1;
  };
  let count = composite(members.map((m) => m.alarmName));
  for (const severity of plan.severities(service)) {
    count += composite(members.filter((m) => m.severity === severity).map((m) => m.alarmName));
  }
  return count + (plan.dependencies(service).length > 1 ? 1 : 0);
}

/**
 * Resources of one part: its monitors' schedules and alarms, its mute rules (each part mutes its
 * own alarms, 100 to a rule) and, for part 1, the composites and the dashboard.
 */
function partResources(
  monitors: readonly Monitor[],
  composites: number,
  windows: number,
  first: boolean,
): number {
  const alarms =
    monitors.reduce((n, m) => n + (m.tier === 'grouped' ? 0 : 1) + queueAspects(m).length, 0) +
    (first ? composites : 0);
  const own = monitors.reduce((n, m) => n + monitorResources(m), 0);
  // One schedule per invocation group of the service (the part only changes their names); the
  // app-wide fast groups' are in the main stack (fastProbeResources).
  const schedules = invocationGroups(monitors).filter((g) => g.scope === 'service').length;
  return own + schedules + windows * Math.ceil(alarms / MUTE_RULE_MAX_ALARMS) + (first ? composites + 1 : 0);
}

/** Plans the stacks of `config` (see the module comment). */
export function planStacks(config: VigilConfig, budget = STACK_RESOURCE_BUDGET): StackPlan {
  const plan = IncidentPlan.of(config);
  const enabled = config.monitors.filter((m) => m.enabled);
  const subscribers = Object.values(config.paging).reduce(
    (n, p) => n + (p?.email?.length ?? 0) + (p?.sms?.length ?? 0) + (p?.https?.length ?? 0),
    0,
  );
  const mainStackName = stackNameFor(config.project);

  const perService = plan.services.map((service) => {
    const monitors = enabled.filter((m) => m.service === service);
    const composites = compositeCount(plan, service);
    const windows = config.maintenance.filter((w) => w.services.includes(service)).length;
    return { service, monitors, composites, windows };
  });
  const total = perService.reduce((n, s) => n + partResources(s.monitors, s.composites, s.windows, true), 0);
  const shared =
    SHARED_RESOURCES +
    subscribers +
    remediationResources(config) +
    drillResources(config) +
    fastProbeResources(config);
  if (shared + total <= budget) {
    return { mode: 'single', mainStackName, stacks: [], estimatedResources: total };
  }

  const stacks: MonitorStackPlan[] = [];
  for (const { service, monitors, composites, windows } of perService) {
    for (let parts = 1; ; parts *= 2) {
      const groups = Array.from({ length: parts }, () => [] as Monitor[]);
      for (const m of monitors) groups[partIndex(m.name, parts)]?.push(m);
      const sizes = groups.map((g, i) => partResources(g, composites, windows, i === 0));
      if (Math.max(...sizes) <= budget || parts >= monitors.length) {
        const planned = groups.map((g, i) => ({
          stackName: monitorStackName(config.project, service, i + 1),
          service,
          part: i + 1,
          parts,
          monitors: g,
          estimatedResources: sizes[i] ?? 0,
        }));
        // Part 1 last: its composites name the alarms of the other parts. An empty part deploys
        // nothing until a monitor hashes to it.
        stacks.push(...planned.slice(1).filter((p) => p.monitors.length > 0), ...planned.slice(0, 1));
        break;
      }
    }
  }
  return { mode: 'split', mainStackName, stacks, estimatedResources: total };
}
