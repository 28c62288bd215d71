/**
 * The pager's catalog (every alarm Vigil created, with its monitor, service, severity, target and
 * runbook; see lib/paging/catalog.ts) and the paging rules read from it. The catalog ships in the
 * Lambda package as `vigil-catalog.json` beside the bundle (lib/constructs/pager.ts writes it at
 * synth and copies it in after esbuild), read once at cold start, so a page needs no config at run
 * time and the catalog's size is not capped by esbuild's command line. `VIGIL_CATALOG` (the JSON
 * itself), when set, takes its place: tests and local runs.
 */
import { readFileSync } from 'node:fs';
import * as z from 'zod/mini';
import type { Severity } from '../../lib/config/schema.ts';
import { incidentKey, PAGER_CATALOG_FILE, serviceAlarmName, servicePageAlarmName } from '../../lib/naming.ts';
import type { CatalogAlarm, CatalogMonitor, PagerCatalog } from '../../lib/paging/catalog.ts';

const severity = z.enum(['P1', 'P2', 'P3', 'P4']);

/** The catalog as JSON. Unknown keys are dropped, not refused: the stack may add fields before the pager reads them. */
export const pagerCatalogSchema = z.object({
  project: z.string(),
  services: z.record(
    z.string(),
    z.object({
      name: z.string(),
      description: z.optional(z.string()),
      dependsOn: z.array(z.string()),
      repeatHours: z.number(),
      dashboard: z.optional(z.string()),
      incidentKey: z.string(),
      monitors: z.array(z.string()),
    }),
  ),
  monitors: z.record(
    z.string(),
    z.object({
      name: z.string(),
      service: z.string(),
      // Kinds grow with the config; the pager prints a kind and never branches on it, so any
      // string is accepted rather than failing every page of a newer kind.
      kind: z.string(),
      severity,
      description: z.optional(z.string()),
      target: z.string(),
      threshold: z.string(),
      runbook: z.optional(z.string()),
      repeatHours: z.number(),
      remediation: z.optional(z.string()),
    }),
  ),
  alarms: z.record(
    z.string(),
    z.object({
      type: z.enum(['monitor', 'aspect', 'service', 'heartbeat']),
      service: z.string(),
      severity,
      monitor: z.optional(z.string()),
      aspect: z.optional(z.string()),
      description: z.optional(z.string()),
      grouped: z.optional(z.literal(true)),
    }),
  ),
});

/** The catalog is missing or malformed: a build problem, named with its fix. */
export class CatalogError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CatalogError';
  }
}

/**
 * Parses a catalog JSON string; throws a {@link CatalogError} naming the fix when it is missing or
 * does not match {@link pagerCatalogSchema}.
 */
export function parseCatalog(json: string | undefined): PagerCatalog {
  if (!json) {
    throw new CatalogError(
      `VIGIL_CATALOG is empty: set it to the catalog JSON, or leave it unset and ship ${PAGER_CATALOG_FILE} beside the bundle (lib/constructs/pager.ts does)`,
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (cause) {
    throw new CatalogError('VIGIL_CATALOG is not JSON: write it as JSON.stringify(catalog)', {
      cause,
    });
  }
  const parsed = pagerCatalogSchema.safeParse(data);
  if (!parsed.success) {
    throw new CatalogError(
      `VIGIL_CATALOG does not match the pager catalog:\n${z.prettifyError(parsed.error)}`,
      {
        cause: parsed.error,
      },
    );
  }
  // `kind` is read as any string (see above); nothing in the pager depends on the closed union.
  return parsed.data as PagerCatalog;
}

let cached: PagerCatalog | undefined;

/**
 * The catalog, parsed once: `VIGIL_CATALOG` when set (tests), else `vigil-catalog.json` beside
 * this bundle (`/var/task` in Lambda).
 */
export function loadCatalog(): PagerCatalog {
  cached ??= parseCatalog(process.env.VIGIL_CATALOG ?? readCatalogFile());
  return cached;
}

function readCatalogFile(): string {
  const file = new URL(`./${PAGER_CATALOG_FILE}`, import.meta.url);
  try {
    return readFileSync(file, 'utf8');
  } catch (cause) {
    throw new CatalogError(
      `${PAGER_CATALOG_FILE} is missing beside the pager bundle (${file.pathname}) and VIGIL_CATALOG is not set: deploy the pager through lib/constructs/pager.ts, which ships the catalog`,
      { cause },
    );
  }
}

/** Forgets the parsed catalog (tests that change VIGIL_CATALOG). */
export function resetCatalogCache(): void {
  cached = undefined;
}

// ---------------------------------------------------------------------------------------------
// Paging rules
// ---------------------------------------------------------------------------------------------

/** Urgency order: P1 first. */
export const SEVERITY_ORDER: readonly Severity[] = ['P1', 'P2', 'P3', 'P4'];

/** True when `a` is more urgent than `b` (P1 over P2). */
export function moreUrgent(a: Severity, b: Severity): boolean {
  return SEVERITY_ORDER.indexOf(a) < SEVERITY_ORDER.indexOf(b);
}

/** The service's health composite: it has no actions (dashboard, suppressor), so it never pages. */
export function isHealthComposite(catalog: PagerCatalog, name: string): boolean {
  const alarm = catalog.alarms[name];
  return alarm?.type === 'service' && name === serviceAlarmName(catalog.project, alarm.service);
}

/**
 * The paging composite that carries a monitor or aspect alarm (its service's composite at its
 * severity), when the catalog lists one; undefined for other alarms.
 */
export function pageCompositeOf(catalog: PagerCatalog, name: string): string | undefined {
  const alarm = catalog.alarms[name];
  if (alarm?.type !== 'monitor' && alarm?.type !== 'aspect') return undefined;
  const composite = servicePageAlarmName(catalog.project, alarm.service, alarm.severity);
  return catalog.alarms[composite]?.type === 'service' ? composite : undefined;
}

/**
 * Whether an alarm pages on its own: a service's paging composite does; a monitor or aspect alarm
 * does when no paging composite carries it (else the composite is the one page of the incident).
 * When the project's alarms in ALARM are known (`inAlarm`), a listed composite that is not in ALARM
 * beside its member is taken as not deployed, and the member pages: a reminder is never lost to a
 * catalog that promises more than the stack created. The health composite and the heartbeat are
 * never reminded or held.
 */
export function isPagingAlarm(catalog: PagerCatalog, name: string, inAlarm?: ReadonlySet<string>): boolean {
  const alarm = catalog.alarms[name];
  if (!alarm) return false;
  switch (alarm.type) {
    case 'heartbeat':
      return false;
    case 'service':
      return !isHealthComposite(catalog, name);
    case 'monitor':
    case 'aspect': {
      const composite = pageCompositeOf(catalog, name);
      if (composite === undefined) return true;
      return inAlarm ? !inAlarm.has(composite) : false;
    }
  }
}

/**
 * Hours between reminders of an alarm still in ALARM; 0 for none.
 * - monitor alarm: the monitor's `repeatHours` (P1/P2 default 4, P3/P4 0);
 * - aspect alarm at the monitor's own severity: the monitor's; at another severity (a queue's P3
 *   warning depth): none, since the monitor's own alarm escalates it;
 * - paging composite of severity S: the service's interval, when any of its members at S reminds.
 */
export function reminderHours(catalog: PagerCatalog, name: string): number {
  const alarm = catalog.alarms[name];
  if (!alarm) return 0;
  switch (alarm.type) {
    case 'heartbeat':
      return 0;
    case 'monitor':
    case 'aspect':
      return memberHours(catalog, alarm);
    case 'service': {
      if (isHealthComposite(catalog, name)) return 0;
      // A grouped-tier service's one alarm: the service's interval (its own, else its monitors' shortest).
      if (alarm.grouped) return catalog.services[alarm.service]?.repeatHours ?? 0;
      const members = Object.values(catalog.alarms).filter(
        (a) =>
          (a.type === 'monitor' || a.type === 'aspect') &&
          a.service === alarm.service &&
          a.severity === alarm.severity,
      );
      const reminds = members.some((a) => memberHours(catalog, a) > 0);
      return reminds ? (catalog.services[alarm.service]?.repeatHours ?? 0) : 0;
    }
  }
}

function memberHours(catalog: PagerCatalog, alarm: CatalogAlarm): number {
  const monitor: CatalogMonitor | undefined = alarm.monitor ? catalog.monitors[alarm.monitor] : undefined;
  if (!monitor) return 0;
  if (alarm.type === 'aspect' && alarm.severity !== monitor.severity) return 0;
  return monitor.repeatHours;
}

/**
 * The other alarms of an alarm's service worth reading when it pages: monitor, aspect and paging
 * composite alarms (which monitors fail; whether a less urgent one was already in ALARM).
 */
export function serviceSiblings(catalog: PagerCatalog, name: string): string[] {
  const alarm = catalog.alarms[name];
  if (!alarm) return [];
  return Object.entries(catalog.alarms)
    .filter(
      ([other, a]) =>
        other !== name &&
        a.service === alarm.service &&
        a.type !== 'heartbeat' &&
        !isHealthComposite(catalog, other),
    )
    .map(([other]) => other);
}

/** The incident key of a service: the catalog's, else the naming rule's (the heartbeat's service). */
export function incidentKeyOf(catalog: PagerCatalog, service: string): string {
  return catalog.services[service]?.incidentKey ?? incidentKey(catalog.project, service);
}
