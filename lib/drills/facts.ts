/**
 * What the restore script (`lib/drills/scripts/restore-dump.sh`) reports: its last stdout line is
 * `VIGIL_DRILL_FACTS {json}`. The facts are measurements only (times, values, the dump used, the
 * first error); whether they pass is decided in TypeScript by `judgeDrill` (judge.ts), so the Run
 * Command step, the drill Lambda and `vigil drill run --local` judge the same facts the same way.
 */
import * as z from 'zod/mini';

/** The marker that starts the facts line; the JSON follows after one space. */
export const DRILL_FACTS_MARKER = 'VIGIL_DRILL_FACTS';

/**
 * Why the script failed, when it did:
 * - `dump_not_found`: no file at the path, or no name in the directory or S3 prefix matches the pattern;
 * - `download_failed`: `aws s3 cp` (or `aws s3 ls`) failed;
 * - `restore_failed`: decompressing or `psql -v ON_ERROR_STOP=1` failed (truncated gzip, SQL error),
 *   or the scratch database could not be created;
 * - `query_failed`: a verification or freshness query errored or did not return what it should;
 * - `below_minimum`: a verification query returned less than its minimum;
 * - `scratch_name_refused`: the scratch database name lacks the `vigil_drill_` prefix or is the live one;
 * - `bad_input`: the caller's environment variables are missing or malformed;
 * - `timeout`: the script's own deadline (`VIGIL_TIMEOUT_SECONDS`) passed;
 * - `interrupted`: SIGTERM or SIGINT (a Run Command cancel or timeout).
 */
export const DRILL_FAILURE_REASONS = [
  'dump_not_found',
  'download_failed',
  'restore_failed',
  'query_failed',
  'below_minimum',
  'scratch_name_refused',
  'bad_input',
  'timeout',
  'interrupted',
] as const;
export type DrillFailureReason = (typeof DRILL_FAILURE_REASONS)[number];

/** ISO 8601 UTC with milliseconds, as the script prints it (`2026-12-06T03:00:01.234Z`). */
const isoTime = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/));

/** One verification query's result: `value` is null when the query failed or returned no number. */
export const drillQueryFactSchema = z.strictObject({
  name: z.string(),
  value: z.nullable(z.number()),
  min: z.number(),
  ok: z.boolean(),
  /** psql's first error line, or what the query returned instead of a number. */
  error: z.optional(z.string()),
});
export type DrillQueryFact = z.infer<typeof drillQueryFactSchema>;

/** The facts line's JSON. */
export const drillFactsSchema = z.strictObject({
  ok: z.boolean(),
  reason: z.optional(z.enum(DRILL_FAILURE_REASONS)),
  /** The dump restored: a path on the host or an `s3://` URI (absent when none was found). */
  dump: z.optional(z.string()),
  /** The time in the dump's file name (absent when the name carries none the pattern reads). */
  dumpTimestamp: z.optional(isoTime),
  /** The scratch database. */
  database: z.string(),
  startedAt: isoTime,
  /** When `gunzip -c | psql` finished without error. */
  restoredAt: z.optional(isoTime),
  /** When the verification and freshness queries finished (they ran, whatever they returned). */
  verifiedAt: z.optional(isoTime),
  queries: z.array(drillQueryFactSchema),
  /** The freshness query's answer: the newest data in the restore. */
  newestData: z.optional(isoTime),
  /** The first error line (psql's, gzip's, aws's), or what was refused. */
  error: z.optional(z.string()),
  /** Whether the scratch database was dropped (false only when DROP DATABASE itself failed). */
  dropped: z.optional(z.boolean()),
});
export type DrillFacts = z.infer<typeof drillFactsSchema>;

/** Thrown by {@link parseDrillFacts} when the output holds no valid facts line. */
export class DrillFactsError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DrillFactsError';
  }
}

/**
 * Reads the facts from the script's stdout: the LAST line that starts with `VIGIL_DRILL_FACTS `
 * (progress lines and psql's output come before it; Run Command may append a truncation notice
 * after it). Throws {@link DrillFactsError} naming what is wrong when there is none or it is invalid,
 * e.g. when Run Command's 24,000-character output limit cut it off.
 */
export function parseDrillFacts(stdout: string): DrillFacts {
  const lines = stdout.split('\n');
  let line: string | undefined;
  for (let i = lines.length - 1; i >= 0; i -= 1) {
    const candidate = (lines[i] ?? '').replace(/\r$/, '');
    if (candidate.startsWith(`${DRILL_FACTS_MARKER} `)) {
      line = candidate;
      break;
    }
  }
  if (line === undefined) {
    throw new DrillFactsError(
      `no ${DRILL_FACTS_MARKER} line in the restore script's output (${stdout.length} characters): ` +
        'the script was killed before it finished, or the output was truncated',
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(line.slice(DRILL_FACTS_MARKER.length + 1));
  } catch (cause) {
    throw new DrillFactsError(`the ${DRILL_FACTS_MARKER} line is not valid JSON: ${line.slice(0, 200)}`, {
      cause,
    });
  }
  const parsed = drillFactsSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : '(root)';
    throw new DrillFactsError(`the ${DRILL_FACTS_MARKER} line is invalid at ${where}: ${issue?.message}`, {
      cause: parsed.error,
    });
  }
  return parsed.data;
}
