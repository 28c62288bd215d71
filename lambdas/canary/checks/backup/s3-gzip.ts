/**
 * The gzip ends check (see `gzip.ts` for what it can and cannot prove) for an object in S3: two
 * ranged GETs of {@link GZIP_HEAD_BYTES} and {@link GZIP_TAIL_BYTES} bytes, whatever the size.
 */

import type { BackupIntegrity } from './evaluate.ts';
import { checkGzipEnds, GZIP_HEAD_BYTES, GZIP_TAIL_BYTES, type GzipEndsVerdict } from './gzip.ts';
import type { S3Sdk } from './s3-sdk.ts';
import { classifyS3Error, type S3Failure } from './s3-source.ts';

/** The two ends of an object. */
export interface GzipEnds {
  readonly ok: true;
  readonly head: Uint8Array;
  readonly tail: Uint8Array;
  /** The object's size as the first GET reported it (it can differ from the listing's). */
  readonly size: number;
}

/** Options for {@link readGzipEnds}. */
export interface ReadGzipEndsOptions {
  readonly abortSignal?: AbortSignal;
}

/** The total size in a `Content-Range: bytes 0-17/12345` header, when there is one. */
function totalFromContentRange(contentRange: string | undefined): number | undefined {
  const total = contentRange?.match(/\/(\d+)$/)?.[1];
  return total === undefined ? undefined : Number(total);
}

/**
 * Reads the first {@link GZIP_HEAD_BYTES} and the last {@link GZIP_TAIL_BYTES} bytes of
 * `s3://bucket/key` with exactly two GetObject calls (`Range: bytes=0-17`, then
 * `Range: bytes=<size-8>-<size-1>`). The second is made `IfMatch` the first's ETag, so the two ends
 * come from the same version of the object even when a new upload lands in between. `size` is the
 * listed size; the first response's Content-Range overrides it. An empty object is not read.
 */
export async function readGzipEnds(
  s3: S3Sdk,
  bucket: string,
  key: string,
  size: number,
  options: ReadGzipEndsOptions = {},
): Promise<GzipEnds | S3Failure> {
  if (size === 0) return { ok: true, head: new Uint8Array(), tail: new Uint8Array(), size: 0 };
  const what = `s3://${bucket}/${key}`;
  try {
    const first = await s3.client.send(
      new s3.sdk.GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=0-${GZIP_HEAD_BYTES - 1}` }),
      { abortSignal: options.abortSignal },
    );
    const head = await first.Body?.transformToByteArray();
    const actualSize = totalFromContentRange(first.ContentRange) ?? size;
    if (head === undefined)
      return { ok: false, reason: 'aws_error', detail: `reading ${what}: empty response body` };
    if (actualSize <= head.length) {
      // The head already holds the whole object; no second read is needed or possible.
      return {
        ok: true,
        head,
        tail: head.subarray(Math.max(0, head.length - GZIP_TAIL_BYTES)),
        size: actualSize,
      };
    }
    const tailStart = Math.max(0, actualSize - GZIP_TAIL_BYTES);
    const second = await s3.client.send(
      new s3.sdk.GetObjectCommand({
        Bucket: bucket,
        Key: key,
        Range: `bytes=${tailStart}-${actualSize - 1}`,
        IfMatch: first.ETag,
      }),
      { abortSignal: options.abortSignal },
    );
    const tail = await second.Body?.transformToByteArray();
    if (tail === undefined)
      return { ok: false, reason: 'aws_error', detail: `reading ${what}: empty response body` };
    return { ok: true, head, tail, size: actualSize };
  } catch (error) {
    const name = (error as { name?: unknown } | undefined)?.name;
    if (name === 'PreconditionFailed') {
      return { ok: false, reason: 'aws_error', detail: `${what} changed between the two reads; check again` };
    }
    return classifyS3Error(error, what);
  }
}

/**
 * Reads the ends of an S3 object and judges them: the integrity verdict to attach to its
 * `BackupObject`, or the S3 failure that prevented a verdict (report that, do not guess).
 */
export async function checkS3GzipEnds(
  s3: S3Sdk,
  bucket: string,
  key: string,
  size: number,
  options: ReadGzipEndsOptions = {},
): Promise<
  { readonly ok: true; readonly integrity: BackupIntegrity; readonly verdict: GzipEndsVerdict } | S3Failure
> {
  const ends = await readGzipEnds(s3, bucket, key, size, options);
  if (!ends.ok) return ends;
  const verdict = checkGzipEnds(ends.head, ends.tail, ends.size);
  const integrity: BackupIntegrity = verdict.ok
    ? { ok: true, detail: verdict.detail }
    : { ok: false, detail: verdict.detail };
  return { ok: true, integrity, verdict };
}
