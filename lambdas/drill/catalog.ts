/**
 * The drill catalog (lib/drills/catalog.ts), shipped beside the bundle as `vigil-drills.json` and
 * read once at cold start; `VIGIL_DRILLS` (the JSON itself), when set, takes its place: tests and
 * local runs.
 */
import { readFileSync } from 'node:fs';
import {
  DRILL_CATALOG_FILE,
  type DrillCatalog,
  DrillCatalogError,
  parseDrillCatalog,
} from '../../lib/drills/catalog.ts';

let cached: DrillCatalog | undefined;

/** The catalog, parsed once: `VIGIL_DRILLS` when set, else `vigil-drills.json` beside this bundle. */
export function loadDrillCatalog(): DrillCatalog {
  if (!cached) {
    const env = process.env.VIGIL_DRILLS;
    cached =
      env !== undefined ? parseDrillCatalog(env) : parseDrillCatalog(readCatalogFile(), DRILL_CATALOG_FILE);
  }
  return cached;
}

function readCatalogFile(): string {
  const file = new URL(`./${DRILL_CATALOG_FILE}`, import.meta.url);
  try {
    return readFileSync(file, 'utf8');
  } catch (cause) {
    throw new DrillCatalogError(
      `${DRILL_CATALOG_FILE} is missing beside the drill bundle (${file.pathname}) and VIGIL_DRILLS is not set: deploy the drill function through lib/constructs/dr-drills.ts, which ships the catalog`,
      { cause },
    );
  }
}

/** Forgets the parsed catalog (tests that change VIGIL_DRILLS). */
export function resetDrillCatalogCache(): void {
  cached = undefined;
}
