/**
 * Lists backups kept in S3. Returns a typed outcome and never throws: a missing bucket or a denied
 * ListBucket is itself the signal a canary reports.
 */

import type { BackupObject } from './evaluate.ts';
import type { S3Sdk } from './s3-sdk.ts';

/** Why S3 could not be read. */
export type S3FailureReason = 'not_found' | 'access_denied' | 'timeout' | 'aws_error';

/** A failed S3 call, with one line naming what was being read. */
export interface S3Failure {
  readonly ok: false;
  readonly reason: S3FailureReason;
  readonly detail: string;
}

/** The outcome of {@link listBackupObjects}. */
export type BackupListing =
  | {
      readonly ok: true;
      /** Every object under the prefix, in S3 key order ("folder" markers left out). */
      readonly objects: BackupObject[];
      /** ListObjectsV2 calls made. */
      readonly pages: number;
    }
  | S3Failure;

/** Options for {@link listBackupObjects}. */
export interface ListBackupOptions {
  /** Aborts the listing (the canary's per-check timeout). */
  readonly abortSignal?: AbortSignal;
  /** Keys per page. @default 1000 (the S3 maximum) */
  readonly pageSize?: number;
}

const ACCESS_DENIED = new Set([
  'AccessDenied',
  'AllAccessDisabled',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
]);
const NOT_FOUND = new Set(['NoSuchBucket', 'NoSuchKey', 'NotFound']);

/**
 * Maps an SDK (or network) error to a typed failure. `what` names the resource for the detail,
 * e.g. `s3://backups/madef/`.
 */
export function classifyS3Error(error: unknown, what: string): S3Failure {
  const e = error as
    | { name?: unknown; message?: unknown; $metadata?: { httpStatusCode?: number } }
    | undefined;
  const name = typeof e?.name === 'string' ? e.name : 'Error';
  const message = typeof e?.message === 'string' && e.message !== '' ? e.message : String(error);
  const status = e?.$metadata?.httpStatusCode;
  if (name === 'NoSuchBucket') {
    const bucket = what.replace(/^s3:\/\//, '').split('/')[0] ?? what;
    return {
      ok: false,
      reason: 'not_found',
      detail: `bucket ${bucket} does not exist (NoSuchBucket, reading ${what})`,
    };
  }
  if (NOT_FOUND.has(name) || status === 404) {
    return { ok: false, reason: 'not_found', detail: `${what} not found (${name})` };
  }
  if (ACCESS_DENIED.has(name) || status === 403) {
    return {
      ok: false,
      reason: 'access_denied',
      detail: `access denied reading ${what} (${name}: ${message})`,
    };
  }
  if (name === 'AbortError' || name === 'TimeoutError') {
    return { ok: false, reason: 'timeout', detail: `reading ${what} timed out (${name})` };
  }
  return { ok: false, reason: 'aws_error', detail: `reading ${what} failed: ${name}: ${message}` };
}

/**
 * Lists every object under `prefix` in `bucket`, following ContinuationToken to the last page.
 * Keys ending in `/` (console "folders") are left out.
 */
export async function listBackupObjects(
  s3: S3Sdk,
  bucket: string,
  prefix: string,
  options: ListBackupOptions = {},
): Promise<BackupListing> {
  const objects: BackupObject[] = [];
  let token: string | undefined;
  let pages = 0;
  try {
    do {
      const page = await s3.client.send(
        new s3.sdk.ListObjectsV2Command({
          Bucket: bucket,
          Prefix: prefix === '' ? undefined : prefix,
          ContinuationToken: token,
          MaxKeys: options.pageSize,
        }),
        { abortSignal: options.abortSignal },
      );
      pages += 1;
      for (const o of page.Contents ?? []) {
        if (o.Key === undefined || o.Key.endsWith('/')) continue;
        objects.push({ key: o.Key, size: o.Size ?? 0, lastModified: o.LastModified?.getTime() ?? 0 });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
  } catch (error) {
    return classifyS3Error(error, `s3://${bucket}/${prefix}`);
  }
  return { ok: true, objects, pages };
}
