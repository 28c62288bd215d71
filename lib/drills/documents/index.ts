/**
 * The DR drill documents, one per kind (drills are bindings of a document to a drill's values),
 * and what binds a drill to its document: its Parameter Store environment.
 * The Scheduler schedules (lib/constructs/dr-drills.ts) and `vigil drill run NAME` start a drill
 * with `drillExecutionRequest` (lib/drills/catalog.ts), whose parameters these documents declare.
 */
import type { AutomationDocument } from '../../ssm/automation.ts';
import type { Drill, DrillTarget } from '../model.ts';
import { restoreEnvironment } from '../restore-script.ts';
import type { DrillDocumentOptions } from './dump.ts';
import { hostDumpDrillDocument } from './host-dump.ts';
import { rdsSnapshotDrillDocument } from './rds-snapshot.ts';
import { s3DumpDrillDocument } from './s3-dump.ts';

export { drillEnvironmentParameterName } from './common.ts';
export type { DrillDocumentOptions } from './dump.ts';
export { SCRATCH_INSTANCE_PREFIX } from './rds-snapshot.ts';

/** A drill kind: one Automation document each. */
export type DrillKind = DrillTarget['kind'];
export const DRILL_KINDS: readonly DrillKind[] = ['rds-snapshot', 's3-dump', 'host-dump'];

/** The Automation document of a drill kind. */
export function drillDocument(kind: DrillKind, options: DrillDocumentOptions): AutomationDocument {
  switch (kind) {
    case 'rds-snapshot':
      return rdsSnapshotDrillDocument(options);
    case 's3-dump':
      return s3DumpDrillDocument(options);
    case 'host-dump':
      return hostDumpDrillDocument(options);
  }
}

function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

/**
 * A drill's environment, as its document's host scripts read it: the restore script's
 * (lib/drills/restore-script.ts) for a dump, the verify script's (./rds-verify.sh) for RDS.
 */
export function drillEnvironment(drill: Drill): Record<string, string> {
  const t = drill.target;
  if (t.kind !== 'rds-snapshot') return restoreEnvironment(drill);
  const env: Record<string, string> = {
    VIGIL_PGUSER: t.user,
    VIGIL_PGDATABASE: t.database,
    VIGIL_QUERY_COUNT: String(drill.queries.length),
  };
  if ('ssmParameter' in t.password) env.VIGIL_PASSWORD_SSM = t.password.ssmParameter;
  else {
    env.VIGIL_PASSWORD_SECRET = t.password.secretsManager;
    if (t.password.jsonKey !== undefined) env.VIGIL_PASSWORD_JSON_KEY = t.password.jsonKey;
  }
  drill.queries.forEach((q, i) => {
    env[`VIGIL_QUERY_${i + 1}_NAME_B64`] = base64(q.name);
    env[`VIGIL_QUERY_${i + 1}_SQL_B64`] = base64(q.sql);
    env[`VIGIL_QUERY_${i + 1}_MIN`] = String(q.min);
  });
  if (drill.freshnessSql !== undefined) env.VIGIL_FRESHNESS_SQL_B64 = base64(drill.freshnessSql);
  return env;
}

/**
 * The Parameter Store value of a drill's environment: `NAME=value` lines, base64-encoded (the
 * documents' hosts decode it and export each line; see ./common.ts). Values never hold a newline.
 */
export function drillEnvironmentValue(drill: Drill): string {
  const lines = Object.entries(drillEnvironment(drill)).map(([name, value]) => {
    if (/[\r\n]/.test(value)) throw new Error(`drill ${drill.name}: ${name} holds a line break`);
    return `${name}=${value}`;
  });
  return base64(`${lines.join('\n')}\n`);
}
