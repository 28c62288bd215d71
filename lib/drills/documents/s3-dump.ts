/** The S3 dump drill document: see ./dump.ts. */
import type { AutomationDocument } from '../../ssm/automation.ts';
import { type DrillDocumentOptions, dumpDrillDocument } from './dump.ts';

/**
 * On the designated drill host: download the newest `<app>_YYYYMMDD_HHMMSS.sql.gz` under the backup
 * monitor's bucket and prefix, restore it into a scratch database, verify, drop it.
 */
export function s3DumpDrillDocument(options: DrillDocumentOptions): AutomationDocument {
  return dumpDrillDocument('s3-dump', options);
}
