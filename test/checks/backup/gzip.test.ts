import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  checkGzipEnds,
  formatBytes,
  GZIP_EXACT_ISIZE_LIMIT,
  GZIP_HEAD_BYTES,
  GZIP_TAIL_BYTES,
} from '../../../lambdas/canary/checks/backup/gzip.ts';

/** Deterministic pseudo-random numbers (mulberry32), so the fixtures are the same on every run. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A plain-SQL dump shaped like pg_dump's, `rows` rows long. */
function sqlDump(rows: number, seed = 1): Buffer {
  const random = prng(seed);
  const lines = [
    '--\n-- PostgreSQL database dump\n--\n',
    'COPY public."Paciente" (id, nome, cidade) FROM stdin;\n',
  ];
  for (let i = 0; i < rows; i++) {
    lines.push(
      `${i}\tpaciente-${Math.floor(random() * 1e9).toString(36)}\tcidade-${Math.floor(random() * 5000)}\n`,
    );
  }
  lines.push('\\.\n\n--\n-- PostgreSQL database dump complete\n--\n');
  return Buffer.from(lines.join(''));
}

/** What the two ranged reads would return for a file held in memory. */
function ends(file: Uint8Array): [Uint8Array, Uint8Array, number] {
  return [
    file.subarray(0, GZIP_HEAD_BYTES),
    file.subarray(Math.max(0, file.length - GZIP_TAIL_BYTES)),
    file.length,
  ];
}

describe('checkGzipEnds', () => {
  const dump = sqlDump(2000);
  const gz = gzipSync(dump);

  it('accepts a complete gzip made by zlib and reads the uncompressed size from the trailer', () => {
    const verdict = checkGzipEnds(...ends(gz));
    expect(verdict).toMatchObject({ ok: true, isize: dump.length, isizeExact: true });
    expect(verdict.detail).toMatch(/^gzip ends look complete: .* holding .*KiB \(header and trailer only/);
  });

  it('flags a gzip cut short: its last 8 bytes are compressed data, not a trailer', () => {
    const truncated = gz.subarray(0, Math.floor(gz.length / 2));
    const verdict = checkGzipEnds(...ends(truncated));
    expect(verdict).toMatchObject({ ok: false, problem: 'truncated' });
    expect(verdict.detail).toMatch(
      /^truncated: trailer ISIZE \d+ is more than deflate's 1032:1 limit allows/,
    );
  });

  it('detects nearly every truncation point of a small file (the ISIZE bound is probabilistic)', () => {
    let detected = 0;
    const cuts = 200;
    for (let i = 1; i <= cuts; i++) {
      const cut = 20 + Math.floor(((gz.length - 21) * i) / (cuts + 1));
      if (!checkGzipEnds(...ends(gz.subarray(0, cut))).ok) detected += 1;
    }
    // Theory: a random 32-bit ISIZE passes ISIZE ≤ 1032·C with probability 1032·C / 2^32 (< 1 % here).
    expect(detected).toBeGreaterThanOrEqual(195);
  });

  it('cannot tell a truncated large file from a complete one (ISIZE may wrap past 4 GiB)', () => {
    const random = prng(7);
    const noise = Buffer.alloc(GZIP_EXACT_ISIZE_LIMIT + 200_000);
    for (let i = 0; i < noise.length; i++) noise[i] = Math.floor(random() * 256);
    const big = gzipSync(noise, { level: 1 });
    const cut = big.subarray(0, big.length - 100_000);
    expect(cut.length).toBeGreaterThan(GZIP_EXACT_ISIZE_LIMIT);
    expect(checkGzipEnds(...ends(cut))).toMatchObject({ ok: true, isizeExact: false });
  });

  it('says "not gzip" for a plain SQL dump named .gz and for a zip', () => {
    expect(checkGzipEnds(...ends(dump))).toEqual({
      ok: false,
      problem: 'not_gzip',
      detail: 'not gzip: bad magic 2d 2d (expected 1f 8b)',
    });
    const zip = Buffer.from('504b0304140000000800', 'hex');
    expect(checkGzipEnds(...ends(Buffer.concat([zip, Buffer.alloc(40)])))).toMatchObject({
      problem: 'not_gzip',
      detail: 'not gzip: bad magic 50 4b (expected 1f 8b)',
    });
  });

  it('rejects a header with another compression method or reserved flags', () => {
    const method = Buffer.from(gz);
    method[2] = 7;
    expect(checkGzipEnds(...ends(method))).toMatchObject({
      problem: 'not_gzip',
      detail: expect.stringMatching(/method 7/),
    });
    const flags = Buffer.from(gz);
    flags[3] = 0x20;
    expect(checkGzipEnds(...ends(flags))).toMatchObject({
      problem: 'not_gzip',
      detail: expect.stringMatching(/reserved/),
    });
  });

  it('rejects files too short to hold a gzip stream, or shorter than their FEXTRA field', () => {
    expect(checkGzipEnds(...ends(gz.subarray(0, 10)))).toMatchObject({
      problem: 'too_short',
      detail: 'truncated: 10 bytes is less than the smallest complete gzip file (20 bytes)',
    });
    expect(checkGzipEnds(new Uint8Array(), new Uint8Array(), 0)).toMatchObject({ problem: 'too_short' });
    const extra = Buffer.from(gz);
    extra[3] = 0x04; // FEXTRA, XLEN 0xffff
    extra[10] = 0xff;
    extra[11] = 0xff;
    expect(checkGzipEnds(...ends(extra))).toMatchObject({
      problem: 'too_short',
      detail: expect.stringMatching(/less than the 65557 bytes its header announces/),
    });
  });

  it('calls a complete archive of nothing, and a zero-filled tail, empty', () => {
    const empty = gzipSync(Buffer.alloc(0));
    expect(empty.length).toBe(20);
    expect(checkGzipEnds(...ends(empty))).toMatchObject({ ok: false, problem: 'empty' });
    // A crash after the size reached the disk but before the data did: the tail reads back as zeros.
    const zeroTail = Buffer.concat([gz.subarray(0, gz.length - 4096), Buffer.alloc(4096)]);
    expect(checkGzipEnds(...ends(zeroTail))).toMatchObject({ ok: false, problem: 'empty' });
  });
});

describe('formatBytes', () => {
  it('uses binary units with one decimal', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1024)).toBe('1.0 KiB');
    expect(formatBytes(5 * 1024 * 1024)).toBe('5.0 MiB');
    expect(formatBytes(3.5 * 1024 ** 3)).toBe('3.5 GiB');
  });
});
