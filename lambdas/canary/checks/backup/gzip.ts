/**
 * Is a `.gz` backup complete? Judged from its first {@link GZIP_HEAD_BYTES} and last
 * {@link GZIP_TAIL_BYTES} bytes only, so a multi-GiB dump in S3 costs two ranged GETs, not a download.
 *
 * What the two ends can show (RFC 1952: a member is a 10-byte header, optional fields, a deflate
 * stream, then CRC32 and ISIZE, both little-endian; ISIZE is the uncompressed length mod 2^32):
 *
 * DETECTED
 * - Not gzip at all: wrong magic (`1f 8b`), a method other than deflate (8), or reserved flag bits
 *   set. This catches a plain `.sql` dump named `.gz`, an HTML error page, an encrypted file, and a
 *   file whose first block is zero-filled.
 * - Too short: under 20 bytes (header + the smallest deflate stream + trailer), or shorter than
 *   the FEXTRA field the header announces.
 * - A zero-filled tail (CRC32 and ISIZE both 0): what a crash leaves when the file length reached
 *   the disk but the data did not. Reported as `empty`, because it is byte-for-byte the trailer
 *   of a complete archive of zero bytes (an empty dump), which is no backup either.
 * - Truncation, PROBABILISTICALLY and only for small files. A truncated file ends mid-stream, so its
 *   "trailer" is 8 arbitrary compressed bytes and its "ISIZE" a near-random 32-bit number. Deflate
 *   cannot expand more than 1032:1 (zlib technical notes, https://zlib.net/zlib_tech.html), so a
 *   complete archive of C bytes has ISIZE ≤ 1032·C. While 1032·C < 2^32 (C < ~3.97 MiB) ISIZE is
 *   exact and a random value breaks that bound with probability 1 − 1032·C / 2^32: about 99.9 %
 *   for a 4 KiB file, 75 % at 1 MiB, 0 % from ~3.97 MiB up, where every ISIZE is possible.
 *
 * NOT DETECTED
 * - Truncation of files over ~3.97 MiB (unless the tail is zero-filled): their ISIZE may have
 *   wrapped, so no value is implausible. No lower bound helps either: a multi-member file (`cat
 *   a.gz b.gz`, bgzip) carries only its last member's ISIZE, which may be far below the file size.
 * - Damage in the middle (flipped bits, a lost block): only the CRC32 over the whole decompressed
 *   data shows it, and that needs every byte. Deflate cannot be decoded from the middle (back
 *   references reach 32 KiB back and block boundaries are bit-aligned), so "decompress just the
 *   last N KiB" is not possible either.
 * - A COMPLETE gzip of an INCOMPLETE dump (`pg_dump` died, `gzip` closed its stream cleanly): the
 *   archive is valid; even `gzip -t` passes. The size-drop rule, and the host listing's end-marker
 *   test (`-- PostgreSQL database dump complete`), catch that.
 *
 * For certainty run `gzip -t` where the file lives (the host listing does) or stream the whole
 * object through `zlib.createGunzip()` and pay for the GET.
 */

/** Bytes read from the start: the 10-byte fixed header plus room for an FEXTRA length. */
export const GZIP_HEAD_BYTES = 18;
/** Bytes read from the end: CRC32 and ISIZE. */
export const GZIP_TAIL_BYTES = 8;
/** The smallest complete gzip file: 10-byte header, a 2-byte empty deflate stream, 8-byte trailer. */
export const MIN_GZIP_SIZE = 20;
/** Deflate's maximum compression ratio (zlib technical notes). */
export const DEFLATE_MAX_RATIO = 1032;
/** Below this size ISIZE cannot have wrapped past 2^32, so it is the exact uncompressed size. */
export const GZIP_EXACT_ISIZE_LIMIT = Math.floor(2 ** 32 / DEFLATE_MAX_RATIO);

/** Why the ends do not look like a complete gzip file. */
export type GzipProblem = 'too_short' | 'not_gzip' | 'truncated' | 'empty';

/** The verdict of {@link checkGzipEnds}. */
export type GzipEndsVerdict =
  | {
      readonly ok: true;
      /** One line: "gzip ends ok: 1.2 MiB holding 9.8 MiB (ISIZE)". */
      readonly detail: string;
      /** The trailer's CRC32 of the uncompressed data. */
      readonly crc32: number;
      /** The trailer's ISIZE: uncompressed length mod 2^32. */
      readonly isize: number;
      /** True when the file is small enough that ISIZE cannot have wrapped, so it is the exact length. */
      readonly isizeExact: boolean;
    }
  | {
      readonly ok: false;
      readonly problem: GzipProblem;
      /** One line a person can act on: "not gzip: bad magic 2d 2d (expected 1f 8b)". */
      readonly detail: string;
    };

const FHCRC = 0x02;
const FEXTRA = 0x04;
const RESERVED_FLAGS = 0xe0;

function hex(bytes: Uint8Array, from: number, to: number): string {
  return Array.from(bytes.subarray(from, to), (b) => b.toString(16).padStart(2, '0')).join(' ');
}

function u32le(bytes: Uint8Array, at: number): number {
  return (
    ((bytes[at] ?? 0) |
      ((bytes[at + 1] ?? 0) << 8) |
      ((bytes[at + 2] ?? 0) << 16) |
      ((bytes[at + 3] ?? 0) << 24)) >>>
    0
  );
}

/** Bytes in binary units with one decimal: `512 B`, `1.5 KiB`, `3.2 GiB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes;
  let unit = 'B';
  for (const u of units) {
    if (value < 1024) break;
    value /= 1024;
    unit = u;
  }
  return `${value.toFixed(1)} ${unit}`;
}

/**
 * Judges whether a gzip file of `size` bytes is complete from its first bytes (`head`, at least
 * {@link GZIP_HEAD_BYTES} when the file has them) and its last {@link GZIP_TAIL_BYTES} (`tail`).
 * Pure; see the module comment for exactly what this can and cannot detect.
 */
export function checkGzipEnds(head: Uint8Array, tail: Uint8Array, size: number): GzipEndsVerdict {
  if (size < MIN_GZIP_SIZE) {
    return {
      ok: false,
      problem: 'too_short',
      detail: `truncated: ${size} bytes is less than the smallest complete gzip file (${MIN_GZIP_SIZE} bytes)`,
    };
  }
  if (head.length < 10) {
    return {
      ok: false,
      problem: 'too_short',
      detail: `only ${head.length} header bytes were read (need 10)`,
    };
  }
  if (tail.length < GZIP_TAIL_BYTES) {
    return {
      ok: false,
      problem: 'too_short',
      detail: `only ${tail.length} trailer bytes were read (need 8)`,
    };
  }
  if (head[0] !== 0x1f || head[1] !== 0x8b) {
    return {
      ok: false,
      problem: 'not_gzip',
      detail: `not gzip: bad magic ${hex(head, 0, 2)} (expected 1f 8b)`,
    };
  }
  if (head[2] !== 8) {
    return {
      ok: false,
      problem: 'not_gzip',
      detail: `not gzip: compression method ${head[2]} (only 8, deflate, exists)`,
    };
  }
  const flags = head[3] ?? 0;
  if ((flags & RESERVED_FLAGS) !== 0) {
    return {
      ok: false,
      problem: 'not_gzip',
      detail: `not gzip: reserved header flag bits set (flags 0x${flags.toString(16).padStart(2, '0')})`,
    };
  }
  // The smallest file the header allows: fixed header, FEXTRA (2 + XLEN), FHCRC (2), the
  // smallest deflate stream (2) and the trailer (8). FNAME/FCOMMENT lengths are unknown here.
  let headerBytes = 10;
  if (flags & FEXTRA) {
    if (head.length < 12) {
      return { ok: false, problem: 'too_short', detail: 'only 10 header bytes were read (FEXTRA needs 12)' };
    }
    headerBytes += 2 + ((head[10] ?? 0) | ((head[11] ?? 0) << 8));
  }
  if (flags & FHCRC) headerBytes += 2;
  const smallest = headerBytes + 2 + GZIP_TAIL_BYTES;
  if (size < smallest) {
    return {
      ok: false,
      problem: 'too_short',
      detail: `truncated: ${size} bytes is less than the ${smallest} bytes its header announces`,
    };
  }

  const crc32 = u32le(tail, tail.length - 8);
  const isize = u32le(tail, tail.length - 4);
  if (crc32 === 0 && isize === 0) {
    return {
      ok: false,
      problem: 'empty',
      detail:
        'empty: the trailer records 0 bytes of data (an empty dump, or a zero-filled tail after a crash)',
    };
  }
  const isizeExact = size < GZIP_EXACT_ISIZE_LIMIT;
  if (isizeExact) {
    const limit = DEFLATE_MAX_RATIO * size;
    if (isize > limit) {
      return {
        ok: false,
        problem: 'truncated',
        detail:
          `truncated: trailer ISIZE ${isize} is more than deflate's ${DEFLATE_MAX_RATIO}:1 limit allows ` +
          `for ${formatBytes(size)} (${limit}), so the last 8 bytes are not a trailer`,
      };
    }
    if (isize === 0) {
      // No data has CRC32 0 only when it is empty, and the all-zero trailer was handled above.
      return {
        ok: false,
        problem: 'truncated',
        detail: `truncated: trailer ISIZE 0 with CRC32 ${crc32.toString(16)} (empty data has CRC32 0)`,
      };
    }
  }
  const holding = isizeExact ? formatBytes(isize) : `${formatBytes(isize)} mod 4 GiB`;
  return {
    ok: true,
    crc32,
    isize,
    isizeExact,
    detail: `gzip ends look complete: ${formatBytes(size)} holding ${holding} (header and trailer only, not a full test)`,
  };
}
