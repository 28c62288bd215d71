/**
 * Judges a drill's facts (what the restore script measured) against the drill's targets: the
 * runbooks' "RTO 1 hour, RPO 24 hours" unless the config says otherwise. Pure: the drill's start
 * time is a parameter, so tests and the drill Lambda get the same answer for the same facts.
 *
 * - RTO = the script's start (before the download) to verified: what a real restore would take
 *   before the application could be pointed at the data again.
 * - RPO = the drill's start minus the newest data in the restore (the freshness query), else minus
 *   the time in the dump's file name. The data wins over the name: a dump job that dumps a stale
 *   replica, or re-uploads yesterday's file under today's name, writes a fresh name over old data.
 */
import type { DrillFacts, DrillFailureReason } from './facts.ts';
import type { Drill } from './model.ts';

/** Why a drill failed: the script's reasons, plus the targets judged here. */
export type DrillFailureCode = DrillFailureReason | 'rto_exceeded' | 'rpo_exceeded' | 'rpo_unknown';

/** One reason a drill failed, with a sentence for the page and the report. */
export interface DrillFailure {
  readonly code: DrillFailureCode;
  readonly message: string;
}

/** A drill's verdict. */
export interface DrillOutcome {
  /** No failures. */
  readonly ok: boolean;
  /** In the order a reader should see them: the restore, each query, RTO, RPO. */
  readonly failures: readonly DrillFailure[];
  /** Restore start to verified; undefined when the drill never got to verify. */
  readonly rtoSeconds: number | undefined;
  /** Drill start minus the newest data (or the dump's timestamp), at least 0; undefined when unknown. */
  readonly rpoSeconds: number | undefined;
  /** What the RPO was measured from: the freshness query's answer, or the dump's file name. */
  readonly rpoFrom: 'data' | 'dump' | undefined;
  readonly rtoOk: boolean;
  readonly rpoOk: boolean;
}

/** Options for {@link judgeDrill}. */
export interface JudgeOptions {
  /** When the drill started (epoch ms): the RPO is measured back from here. */
  readonly drillStartedAt: number;
}

/**
 * A duration for people: `42.0 s`, `12 min 5 s`, `1 h 12 min`; 24 h and more in hours with one
 * decimal (`50.0 h`), like the backup monitor's ages.
 */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  if (seconds < 3600) {
    const s = Math.floor(seconds % 60);
    return `${Math.floor(seconds / 60)} min${s > 0 ? ` ${s} s` : ''}`;
  }
  if (seconds < 24 * 3600) {
    const m = Math.floor((seconds % 3600) / 60);
    return `${Math.floor(seconds / 3600)} h${m > 0 ? ` ${m} min` : ''}`;
  }
  return `${(seconds / 3600).toFixed(1)} h`;
}

/** `60 min` or `1 h` as the config would say it. */
function formatMinutes(minutes: number): string {
  return minutes >= 60 && minutes % 60 === 0 ? `${minutes / 60} h` : `${minutes} min`;
}

function restoreFailure(facts: DrillFacts): DrillFailure | undefined {
  const error = facts.error ?? 'no error text';
  const dump = facts.dump ?? 'the dump';
  switch (facts.reason) {
    case undefined:
    case 'below_minimum':
    case 'query_failed':
      // Each query's own failure says more than the script's summary.
      return undefined;
    case 'dump_not_found':
      return { code: 'dump_not_found', message: `no dump to restore: ${error}` };
    case 'download_failed':
      return { code: 'download_failed', message: `downloading ${dump} failed: ${error}` };
    case 'restore_failed':
      return {
        code: 'restore_failed',
        message: `restoring ${dump} into ${facts.database} failed: ${error}`,
      };
    case 'scratch_name_refused':
      return { code: 'scratch_name_refused', message: `scratch database refused: ${error}` };
    case 'bad_input':
      return { code: 'bad_input', message: `the restore script's input is invalid: ${error}` };
    case 'timeout':
      return { code: 'timeout', message: `the restore script stopped at its deadline: ${error}` };
    case 'interrupted':
      return { code: 'interrupted', message: `the restore script was interrupted: ${error}` };
  }
}

/**
 * Judges `facts` against `drill`'s RTO and RPO. Every failure is listed, not only the first: a
 * table below its minimum and an RPO miss are two things to fix.
 */
export function judgeDrill(facts: DrillFacts, drill: Drill, options: JudgeOptions): DrillOutcome {
  const failures: DrillFailure[] = [];
  const restore = restoreFailure(facts);
  if (restore !== undefined) failures.push(restore);

  for (const q of facts.queries) {
    if (q.value === null) {
      failures.push({ code: 'query_failed', message: `${q.name} failed: ${q.error ?? 'no value'}` });
    } else if (q.value < q.min) {
      failures.push({
        code: 'below_minimum',
        message: `${q.name} is ${q.value}, below the minimum of ${q.min}`,
      });
    }
  }
  if (facts.reason === 'query_failed' && !failures.some((f) => f.code === 'query_failed')) {
    // The freshness query is not in `queries`: its error is the script's.
    failures.push({ code: 'query_failed', message: `freshness query failed: ${facts.error ?? 'no value'}` });
  }

  const started = Date.parse(facts.startedAt);
  const rtoSeconds =
    facts.verifiedAt === undefined ? undefined : (Date.parse(facts.verifiedAt) - started) / 1000;
  const rtoTarget = drill.rtoMinutes * 60;
  const rtoOk = rtoSeconds !== undefined && rtoSeconds <= rtoTarget;
  if (rtoSeconds !== undefined && !rtoOk) {
    failures.push({
      code: 'rto_exceeded',
      message: `restore to verified took ${formatDuration(rtoSeconds)}, over the RTO of ${formatMinutes(drill.rtoMinutes)}`,
    });
  }

  const dumpAt = facts.dumpTimestamp === undefined ? undefined : Date.parse(facts.dumpTimestamp);
  const dataAt = facts.newestData === undefined ? undefined : Date.parse(facts.newestData);
  const newest = dataAt ?? dumpAt;
  const rpoFrom = dataAt !== undefined ? 'data' : dumpAt !== undefined ? 'dump' : undefined;
  // A newest time after the drill's start is clock skew between hosts, not negative data loss.
  const rpoSeconds = newest === undefined ? undefined : Math.max(0, (options.drillStartedAt - newest) / 1000);
  const rpoTarget = drill.rpoHours * 3600;
  const rpoOk = rpoSeconds !== undefined && rpoSeconds <= rpoTarget;
  if (rpoSeconds !== undefined && !rpoOk) {
    const over = `${formatDuration(rpoSeconds)} before the drill started, over the RPO of ${drill.rpoHours} h`;
    if (rpoFrom === 'data') {
      const nameAge = dumpAt === undefined ? undefined : (options.drillStartedAt - dumpAt) / 1000;
      const although =
        nameAge !== undefined && nameAge <= rpoTarget
          ? `, although the dump's name says ${facts.dumpTimestamp} (${formatDuration(Math.max(0, nameAge))} old)`
          : '';
      failures.push({
        code: 'rpo_exceeded',
        message: `the newest data restored is from ${facts.newestData}, ${over}${although}`,
      });
    } else {
      failures.push({
        code: 'rpo_exceeded',
        message: `the dump ${facts.dump ?? ''} is from ${facts.dumpTimestamp}, ${over}`,
      });
    }
  } else if (rpoSeconds === undefined && facts.restoredAt !== undefined) {
    failures.push({
      code: 'rpo_unknown',
      message:
        "the RPO cannot be measured: the dump's name carries no timestamp the pattern reads and the drill has no freshnessSql; " +
        'set freshnessSql (e.g. SELECT max(updated_at) FROM "Avaliacao") or a pattern like madef_{YYYYMMDD}_{HHMMSS}.sql.gz',
    });
  }

  if (!facts.ok && failures.length === 0) {
    failures.push({
      code: facts.reason ?? 'restore_failed',
      message: `the restore script failed: ${facts.error ?? facts.reason ?? 'no reason given'}`,
    });
  }
  return { ok: failures.length === 0, failures, rtoSeconds, rpoSeconds, rpoFrom, rtoOk, rpoOk };
}
