/**
 * The S3 backup check end to end: list the prefix, test the newest backups' gzip ends, judge.
 * Pure apart from the injected client and clock, so the canary and `vigil check` share it.
 */

import {
  type BackupEvaluation,
  type BackupObject,
  type BackupRules,
  evaluateBackups,
  rankBackupCandidates,
} from './evaluate.ts';
import { checkS3GzipEnds } from './s3-gzip.ts';
import type { S3Sdk } from './s3-sdk.ts';
import { listBackupObjects, type S3Failure } from './s3-source.ts';

/** Where the backups are and what makes them good. */
export interface S3BackupSpec {
  readonly bucket: string;
  /** Key prefix, e.g. `madef/`; `''` for the whole bucket. */
  readonly prefix: string;
  readonly rules: BackupRules;
  /**
   * Test the gzip header and trailer of the newest `.gz` backups (two ranged GETs each).
   * @default true
   */
  readonly verifyGzip?: boolean;
  /**
   * At most this many files are tested, newest first, stopping at the first that passes: when the
   * newest fails, the one before it is the backup that counts, and it is tested too. @default 2
   */
  readonly maxGzipChecks?: number;
  readonly abortSignal?: AbortSignal;
}

/** The verdict, or the S3 failure that prevented one. */
export type S3BackupCheck = BackupEvaluation | S3Failure;

/**
 * Lists `s3://bucket/prefix`, gzip-tests the newest candidates that are otherwise valid, and judges
 * them with `evaluateBackups` at time `now` (epoch ms). Never throws.
 */
export async function checkS3Backups(s3: S3Sdk, spec: S3BackupSpec, now: number): Promise<S3BackupCheck> {
  const listing = await listBackupObjects(s3, spec.bucket, spec.prefix, { abortSignal: spec.abortSignal });
  if (!listing.ok) return listing;
  let objects: BackupObject[] = listing.objects;
  if (spec.verifyGzip ?? true) {
    const { candidates } = rankBackupCandidates(objects, spec.rules, now);
    const toTest = candidates.filter((c) => c.problem === undefined && /\.gz$/i.test(c.object.key));
    const tested = new Map<BackupObject, BackupObject>();
    for (const candidate of toTest.slice(0, spec.maxGzipChecks ?? 2)) {
      const { key, size } = candidate.object;
      const check = await checkS3GzipEnds(s3, spec.bucket, key, size, { abortSignal: spec.abortSignal });
      if (!check.ok) return check;
      tested.set(candidate.object, { ...candidate.object, integrity: check.integrity });
      if (check.integrity.ok) break;
    }
    objects = objects.map((o) => tested.get(o) ?? o);
  }
  const verdict = evaluateBackups(objects, spec.rules, now);
  return { ...verdict, detail: `s3://${spec.bucket}/${spec.prefix}: ${verdict.detail}` };
}
