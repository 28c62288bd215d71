/**
 * The remediation catalog (lib/remediation/catalog.ts), shipped as `vigil-remediations.json` beside
 * the remediator's bundle and read once at cold start, like the pager's catalog.
 * `VIGIL_REMEDIATIONS` (the JSON itself), when set, takes its place: tests and local runs.
 */
import { readFileSync } from 'node:fs';
import {
  parseRemediationCatalog,
  REMEDIATION_CATALOG_FILE,
  type RemediationCatalog,
  RemediationCatalogError,
} from '../../lib/remediation/catalog.ts';

let cached: RemediationCatalog | undefined;

/** The catalog, parsed once: `VIGIL_REMEDIATIONS` when set, else the file beside this bundle. */
export function loadRemediationCatalog(): RemediationCatalog {
  cached ??= parseRemediationCatalog(process.env.VIGIL_REMEDIATIONS ?? readCatalogFile());
  return cached;
}

/** Forgets the parsed catalog (tests that change VIGIL_REMEDIATIONS). */
export function resetRemediationCatalogCache(): void {
  cached = undefined;
}

function readCatalogFile(): string {
  const file = new URL(`./${REMEDIATION_CATALOG_FILE}`, import.meta.url);
  try {
    return readFileSync(file, 'utf8');
  } catch (cause) {
    throw new RemediationCatalogError(
      `${REMEDIATION_CATALOG_FILE} is missing beside the remediator bundle (${file.pathname}) and VIGIL_REMEDIATIONS is not set: deploy the remediator through its construct, which ships the catalog`,
      { cause },
    );
  }
}
