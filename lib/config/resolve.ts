/**
 * Turns a validated config into its resolved form: every default applied, so the constructs, the
 * canary and the CLI never repeat the defaulting rules. One monitor is resolved by
 * ./resolve-monitor.ts (re-exported here), which is all the canary imports.
 */
import type * as z from 'zod/mini';
import type { Drill } from '../drills/model.ts';
import type { Remediation } from '../remediation/model.ts';
import { resolveDrills } from './drill-schema.ts';
import { resolveRemediations } from './remediation-schema.ts';
import { type Monitor, resolveMonitor } from './resolve-monitor.ts';
import { configInputSchema, minutesOfDay, type Severity, type Subscribers, type WEEKDAYS } from './schema.ts';

export * from './resolve-monitor.ts';

/** A service: the monitors that page as one incident. */
export interface Service {
  readonly name: string;
  readonly description?: string;
  /** Services whose outage holds this one's pages. */
  readonly dependsOn: readonly string[];
  /** Hours between reminders; undefined: each monitor's own. */
  readonly repeatHours?: number;
  readonly dashboard?: string;
  /** Names of its monitors (enabled or not), in config order. */
  readonly monitors: readonly string[];
}

/** A recurring maintenance window, resolved. */
export interface MaintenanceWindow {
  readonly name: string;
  /** Services held during the window (every service when the config named none). */
  readonly services: readonly string[];
  readonly days: readonly (typeof WEEKDAYS)[number][];
  readonly start: string;
  readonly end: string;
  readonly timeZone: string;
  /** Length of the window in minutes. */
  readonly durationMinutes: number;
}

export interface VigilConfig {
  readonly project: string;
  readonly paging: Readonly<Record<Severity, Subscribers>>;
  readonly logRetentionDays: number;
  readonly monitors: readonly Monitor[];
  /** Every service: those the config declares and those its monitors name. */
  readonly services: readonly Service[];
  readonly maintenance: readonly MaintenanceWindow[];
  readonly heartbeat?: { readonly schedule: string; readonly severity: Severity };
  /** One per alarm that starts a remediation (lib/remediation/model.ts); empty when none does. */
  readonly remediations: readonly Remediation[];
  /** DR drills, resolved (lib/drills/model.ts); empty when the config has none. */
  readonly drills: readonly Drill[];
}

/** A config problem: where it is and what to do about it. */
export interface ConfigIssue {
  /** e.g. "monitors[2].schedule" */
  readonly path: string;
  readonly message: string;
}

/** Thrown for an invalid config; its message lists every issue, one per line, path first. */
export class ConfigError extends Error {
  constructor(
    readonly issues: readonly ConfigIssue[],
    readonly source?: string,
    options?: ErrorOptions,
  ) {
    super(
      `${source ? `${source}: ` : ''}invalid Vigil config (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${issues
        .map((i) => `  - ${i.path ? `${i.path}: ` : ''}${i.message}`)
        .join('\n')}`,
      options,
    );
    this.name = 'ConfigError';
  }
}

/** `["monitors", 2, "headers", "x-api-key"]` -> `monitors[2].headers["x-api-key"]` */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key)) out += out ? `.${key}` : key;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

/** Levenshtein distance, for "did you mean" hints on unknown fields. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j] ?? 0;
      row[j] = Math.min((row[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length] ?? 0;
}

function suggest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const k of known) {
    const d = distance(key.toLowerCase(), k.toLowerCase());
    if (d < bestScore) {
      best = k;
      bestScore = d;
    }
  }
  return best !== undefined && bestScore <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

/**
 * Known keys of the object at `path`, found by walking the schema alongside the input (so a
 * monitor's keys come from its own kind), for "did you mean" hints.
 */
function knownKeysAt(input: unknown, path: readonly PropertyKey[]): string[] {
  let schema: z.ZodMiniType | undefined = configInputSchema;
  let node: unknown = input;
  const step = (s: z.ZodMiniType | undefined, value: unknown): z.ZodMiniType | undefined => {
    // Peel wrappers: optional, refinements (zod 4 keeps them on the same schema), unions by best fit.
    let cur: unknown = s;
    for (let guard = 0; guard < 10 && cur; guard++) {
      const def = (cur as { def?: { type?: string } }).def;
      if (def?.type === 'optional' || def?.type === 'nullable' || def?.type === 'default') {
        cur = (def as unknown as { innerType: z.ZodMiniType }).innerType;
      } else if (def?.type === 'union') {
        const options = (def as unknown as { options: z.ZodMiniType[] }).options;
        // Monitors are told apart by `kind`, remediation steps by `action`.
        const key = (def as { discriminator?: string }).discriminator ?? 'kind';
        const kind = (value as Record<string, unknown> | undefined)?.[key];
        cur =
          options.find((o) => {
            const shape = (o as unknown as { shape?: Record<string, z.ZodMiniType> }).shape;
            const lit = shape?.[key] as unknown as { def?: { values?: unknown[] } } | undefined;
            return lit?.def?.values?.includes(kind);
          }) ??
          options.find((o) => {
            const shape = (o as unknown as { shape?: Record<string, unknown> }).shape;
            return shape && value && typeof value === 'object' && Object.keys(value).some((k) => k in shape);
          }) ??
          options[0];
      } else break;
    }
    return cur as z.ZodMiniType | undefined;
  };
  for (const key of path) {
    schema = step(schema, node);
    const def = (schema as unknown as { def?: { type?: string } } | undefined)?.def;
    if (def?.type === 'object')
      schema = (schema as unknown as { shape: Record<string, z.ZodMiniType> }).shape[key as string];
    else if (def?.type === 'array') schema = (def as unknown as { element: z.ZodMiniType }).element;
    else if (def?.type === 'record') schema = (def as unknown as { valueType: z.ZodMiniType }).valueType;
    else return [];
    node =
      node && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[key as string] : undefined;
  }
  schema = step(schema, node);
  const shape = (schema as unknown as { shape?: Record<string, unknown> } | undefined)?.shape;
  return shape ? Object.keys(shape) : [];
}

/** Converts zod issues into {@link ConfigIssue}s with a fix in every message. */
export function toConfigIssues(error: z.core.$ZodError, input: unknown): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeysAt(input, issue.path);
      for (const key of issue.keys) {
        const hint = suggest(key, known);
        out.push({
          path: formatPath([...issue.path, key]),
          message: `unknown field${hint ? `; did you mean "${hint}"?` : known.length ? `; known fields: ${known.join(', ')}` : '; remove it'}`,
        });
      }
      continue;
    }
    if (issue.code === 'invalid_type') {
      const received = describe(valueAt(input, issue.path));
      const message =
        received === 'undefined'
          ? `is required (expected ${issue.expected})`
          : `expected ${issue.expected}, got ${received}${issue.expected === 'number' && typeof valueAt(input, issue.path) === 'string' ? '; write the number without quotes' : ''}`;
      out.push({ path: formatPath(issue.path), message });
      continue;
    }
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      // A secret or header value: report the branch that got furthest (fewest issues).
      const best = [...issue.errors].sort((a, b) => a.length - b.length)[0] ?? [];
      const bestIssues = best.map((i) => ({ ...i, path: [...issue.path, ...i.path] }));
      const nested = toConfigIssues({ issues: bestIssues } as unknown as z.core.$ZodError, input);
      if (
        nested.length > 0 &&
        !bestIssues.every((i) => i.code === 'invalid_type' || i.code === 'unrecognized_keys')
      ) {
        out.push(...nested);
        continue;
      }
    }
    out.push({ path: formatPath(issue.path), message: issue.message });
  }
  return out;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let node: unknown = input;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[key as string];
  }
  return node;
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

/**
 * Validates and resolves a config. Throws {@link ConfigError} naming every problem's path and fix;
 * never returns a partly valid config.
 */
export function parseConfig(input: unknown, source?: string): VigilConfig {
  const parsed = configInputSchema.safeParse(input);
  if (!parsed.success)
    throw new ConfigError(toConfigIssues(parsed.error, input), source, { cause: parsed.error });
  const c = parsed.data;
  const defaults = c.defaults ?? {};
  const declared = c.services ?? {};
  const monitors = c.monitors.map((m) => resolveMonitor(m, defaults, declared[m.service ?? m.name]));
  const names = [...new Set([...Object.keys(declared), ...monitors.map((m) => m.service)])];
  const services: Service[] = names.map((name) => {
    const s = declared[name];
    return {
      name,
      ...(s?.description !== undefined && { description: s.description }),
      dependsOn: s?.dependsOn ?? [],
      ...(s?.repeatHours !== undefined && { repeatHours: s.repeatHours }),
      ...(s?.dashboard !== undefined && { dashboard: s.dashboard }),
      monitors: monitors.filter((m) => m.service === name).map((m) => m.name),
    };
  });
  const maintenance: MaintenanceWindow[] = (c.maintenance ?? []).map((w) => ({
    name: w.name,
    services: w.services ?? names,
    days: w.days,
    start: w.start,
    end: w.end,
    timeZone: w.timeZone ?? 'UTC',
    durationMinutes: minutesOfDay(w.end) - minutesOfDay(w.start),
  }));
  return {
    project: c.project,
    paging: {
      P1: c.paging?.P1 ?? {},
      P2: c.paging?.P2 ?? {},
      P3: c.paging?.P3 ?? {},
      P4: c.paging?.P4 ?? {},
    },
    logRetentionDays: c.logRetentionDays ?? 30,
    monitors,
    services,
    maintenance,
    ...(c.heartbeat && {
      heartbeat: { schedule: c.heartbeat.schedule, severity: c.heartbeat.severity ?? 'P4' },
    }),
    remediations: resolveRemediations(c.project, c, monitors),
    drills: resolveDrills(c.drills ?? [], monitors),
  };
}
