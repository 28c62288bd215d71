/** The host dump drill document: see ./dump.ts. */
import type { AutomationDocument } from '../../ssm/automation.ts';
import { type DrillDocumentOptions, dumpDrillDocument } from './dump.ts';

/**
 * On the host that keeps the dumps (MAdef's /opt/madef/backups): restore the newest one into a
 * scratch database of the host's own PostgreSQL (`docker compose exec -T postgres psql`, as
 * madef-home-care.md §3 restores), verify, drop it. The scratch name starts with `vigil_drill_`,
 * so it can never be the live database.
 */
export function hostDumpDrillDocument(options: DrillDocumentOptions): AutomationDocument {
  return dumpDrillDocument('host-dump', options);
}
