/**
 * Backups that live only on a host (`/opt/madef/backups`, runbook madef-home-care §3) are listed by
 * a POSIX sh script run over SSM Run Command (`AWS-RunShellScript`), never an agent of ours (DESIGN
 * decision 0). On the host a full `gzip -t` is affordable, unlike in S3, so each `.gz` file comes
 * back with a real integrity verdict. This module holds the script, builds the command, and parses
 * its output into the `BackupObject`s `evaluateBackups` judges.
 */

import {
  type BackupEvaluation,
  type BackupIntegrity,
  type BackupObject,
  type BackupRules,
  evaluateBackups,
} from './evaluate.ts';

/**
 * The listing script: `host-listing.sh` beside this file without its comment-only lines (the `#!`
 * line kept), inlined so the canary bundle needs no file loader and carries no comments. Edit the
 * `.sh`, then paste it here without the lines that are only a comment, escaping `\\`, backticks and
 * `\${`; a test fails until the two match, and runs this text for real. Arguments: DIRECTORY GLOB
 * [all|none] [END_MARKER]; the `.sh`'s header documents its output format.
 */
export const HOST_LISTING_SCRIPT = `#!/bin/sh

set -u
LC_ALL=C
export LC_ALL

nl='
'
bad_token='__VIGIL_GZIP_FAILED__'

if [ "$#" -lt 2 ] || [ -z "$1" ] || [ -z "$2" ]; then
  printf 'error\\tusage\\t%s\\n' 'usage: host-listing.sh DIRECTORY GLOB [all|none] [END_MARKER]'
  exit 64
fi
dir=$1
glob=$2
gzip_test=\${3:-all}
marker=\${4:-}
case $gzip_test in
  all | none) ;;
  *)
    printf 'error\\tusage\\tGZIP_TEST must be all or none, got %s\\n' "$gzip_test"
    exit 64
    ;;
esac

if [ ! -d "$dir" ]; then
  printf 'error\\tno_directory\\t%s\\n' "$dir"
  exit 2
fi
if [ ! -r "$dir" ] || [ ! -x "$dir" ]; then
  printf 'error\\tunreadable\\t%s\\n' "$dir"
  exit 3
fi

have_gzip=
if command -v gzip >/dev/null 2>&1; then have_gzip=1; fi
have_nice=
if command -v nice >/dev/null 2>&1; then have_nice=1; fi

low() {
  if [ -n "$have_nice" ]; then nice -n 19 "$@"; else "$@"; fi
}

is_num() {
  case $1 in
    '' | *[!0-9]*) return 1 ;;
  esac
  return 0
}

size_mtime() {
  for try in gnu bsd plain; do
    case $try in
      gnu) out=$(stat -c '%s %Y' "$1" 2>/dev/null) || continue ;;
      bsd) out=$(stat -f '%z %m' "$1" 2>/dev/null) || continue ;;
      plain)
        s=$(wc -c <"$1" 2>/dev/null | tr -d ' ') || continue
        m=$(date -r "$1" +%s 2>/dev/null) || continue
        out="$s $m"
        ;;
    esac
    case $out in
      *' '*) ;;
      *) continue ;;
    esac
    if is_num "\${out%% *}" && is_num "\${out#* }"; then
      printf '%s\\n' "$out"
      return 0
    fi
  done
  return 1
}

printf 'vigil-backup-listing\\t1\\t%s\\n' "$dir"
count=0
IFS=''
for f in "$dir"/$glob; do
  if [ ! -e "$f" ] && [ ! -L "$f" ]; then continue; fi
  name=\${f##*/}
  case $name in
    *"$nl"*)
      printf 'skip\\tnewline_in_name\\t?\\n'
      continue
      ;;
  esac
  if [ -L "$f" ]; then
    printf 'skip\\tsymlink\\t%s\\n' "$name"
    continue
  fi
  if [ ! -f "$f" ]; then
    printf 'skip\\tnot_a_file\\t%s\\n' "$name"
    continue
  fi
  if ! sm=$(size_mtime "$f"); then
    printf 'skip\\tno_stat\\t%s\\n' "$name"
    continue
  fi

  is_gz=
  case $name in
    *.gz | *.GZ) is_gz=1 ;;
  esac
  gz=-
  if [ -n "$is_gz" ]; then
    if [ "$gzip_test" = none ] || [ -z "$have_gzip" ]; then gz=untested; fi
  fi
  mk=-
  if [ -n "$is_gz" ] && [ "$gz" = - ]; then
    if [ -n "$marker" ]; then
      end=$( { low gzip -dc "$f" 2>/dev/null || printf '\\n%s\\n' "$bad_token"; } | tail -c 1024)
      case $end in
        *"$bad_token") gz=bad ;;
        *) gz=ok ;;
      esac
    elif low gzip -t "$f" 2>/dev/null; then
      gz=ok
    else
      gz=bad
    fi
  elif [ -n "$marker" ] && [ -z "$is_gz" ]; then
    end=$(tail -c 1024 "$f" 2>/dev/null)
  fi
  if [ -n "$marker" ]; then
    if [ "$gz" = bad ] || [ "$gz" = untested ]; then
      mk=-
    else
      case $end in
        *"$marker"*) mk=yes ;;
        *) mk=no ;;
      esac
    fi
  fi

  printf 'file\\t%s\\t%s\\t%s\\t%s\\t%s\\n' "\${sm%% *}" "\${sm#* }" "$gz" "$mk" "$name"
  count=$((count + 1))
done
printf 'end\\t%s\\n' "$count"
`;

/** Options for {@link buildHostListingCommand}. */
export interface HostListingOptions {
  /** `all`: `gzip -t` every `.gz` file (at nice 19); `none`: skip it. @default 'all' */
  readonly gzipTest?: 'all' | 'none';
  /**
   * Text the last 1 KiB of each (decompressed) file must contain, e.g.
   * `PostgreSQL database dump complete`, the line `pg_dump` writes last. Catches a dump that died
   * half-way yet was gzipped cleanly, which `gzip -t` passes. @default none
   */
  readonly endMarker?: string;
}

/** Quotes a word for sh: `it's` → `'it'\''s'`. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The whole shell text to send as the `commands` of `AWS-RunShellScript`: the script with its
 * arguments set first (`set -- DIR GLOB ...`), so nothing is written to the host's disk.
 */
export function buildHostListingCommand(
  directory: string,
  glob: string,
  options: HostListingOptions = {},
): string {
  const args = [directory, glob, options.gzipTest ?? 'all'];
  if (options.endMarker !== undefined && options.endMarker !== '') args.push(options.endMarker);
  const body = HOST_LISTING_SCRIPT.replace(/^#![^\n]*\n/, '');
  return `set -- ${args.map(shellQuote).join(' ')}\n${body}`;
}

/** A file line of the listing, as the host reported it. */
export interface HostFile {
  readonly name: string;
  readonly size: number;
  /** mtime, epoch ms. */
  readonly mtimeMs: number;
  /** `gzip -t`: `n/a` for a file not named `.gz`. */
  readonly gzip: 'ok' | 'bad' | 'untested' | 'n/a';
  /** End-marker test: `n/a` when none was asked for, or the file failed or skipped `gzip -t`. */
  readonly endMarker: 'yes' | 'no' | 'n/a';
}

/** An entry the script saw but did not list. */
export interface HostSkip {
  /** `symlink`, `not_a_file`, `no_stat` or `newline_in_name`. */
  readonly reason: string;
  /** `?` when the name could not be printed (it holds a newline). */
  readonly name: string;
}

/** Why a listing gives no verdict. */
export type HostListingFailureReason = 'not_found' | 'access_denied' | 'bad_output';

/** The parsed output of the listing script. */
export type HostListing =
  | {
      readonly ok: true;
      readonly directory: string;
      /** Every listed file, integrity verdict attached, ready for `evaluateBackups`. */
      readonly objects: BackupObject[];
      /** The same files with the host's raw verdicts. */
      readonly files: HostFile[];
      readonly skipped: HostSkip[];
    }
  | { readonly ok: false; readonly reason: HostListingFailureReason; readonly detail: string };

const GZIP_VERDICTS: Record<string, HostFile['gzip']> = {
  ok: 'ok',
  bad: 'bad',
  untested: 'untested',
  '-': 'n/a',
};
const MARKER_VERDICTS: Record<string, HostFile['endMarker']> = { yes: 'yes', no: 'no', '-': 'n/a' };

function integrityOf(file: HostFile): BackupIntegrity | undefined {
  if (file.gzip === 'bad')
    return { ok: false, detail: 'gzip -t failed: the archive is corrupt or truncated' };
  if (file.endMarker === 'no') {
    return { ok: false, detail: 'the end marker is missing from its last 1 KiB: the dump did not finish' };
  }
  if (file.gzip === 'ok' || file.endMarker === 'yes') {
    const checks = [file.gzip === 'ok' ? 'gzip -t' : '', file.endMarker === 'yes' ? 'end marker' : ''];
    return { ok: true, detail: `${checks.filter(Boolean).join(' and ')} passed` };
  }
  return undefined;
}

function badOutput(detail: string): HostListing {
  return { ok: false, reason: 'bad_output', detail: `host listing: ${detail}` };
}

/**
 * Parses the script's standard output (`\n` or `\r\n` lines). Never throws: an `error` line becomes
 * `not_found` / `access_denied`, and output that is not the script's, or was cut short (no `end`
 * line, or fewer file lines than it counts), becomes `bad_output`.
 */
export function parseHostListing(output: string): HostListing {
  const lines = output.split(/\r?\n/);
  let directory: string | undefined;
  const files: HostFile[] = [];
  const skipped: HostSkip[] = [];
  for (const line of lines) {
    if (line === '') continue;
    const fields = line.split('\t');
    const kind = fields[0];
    if (kind === 'error') {
      const code = fields[1] ?? '';
      const text = fields.slice(2).join('\t');
      if (code === 'no_directory') {
        return {
          ok: false,
          reason: 'not_found',
          detail: `backup directory ${text} does not exist on the host`,
        };
      }
      if (code === 'unreadable') {
        return {
          ok: false,
          reason: 'access_denied',
          detail: `backup directory ${text} is not readable on the host`,
        };
      }
      return badOutput(`the script failed: ${code} ${text}`.trim());
    }
    if (directory === undefined) {
      if (kind === 'vigil-backup-listing') {
        if (fields[1] !== '1') return badOutput(`unknown format version ${fields[1] ?? ''}`);
        directory = fields.slice(2).join('\t');
      }
      // Anything before the header (a login banner...) is not ours: skip it.
      continue;
    }
    if (kind === 'file') {
      const [, size, mtime, gzip, marker] = fields;
      const name = fields.slice(5).join('\t');
      const gzipVerdict = GZIP_VERDICTS[gzip ?? ''];
      const markerVerdict = MARKER_VERDICTS[marker ?? ''];
      if (
        !/^\d+$/.test(size ?? '') ||
        !/^\d+$/.test(mtime ?? '') ||
        !gzipVerdict ||
        !markerVerdict ||
        !name
      ) {
        return badOutput(`malformed file line ${JSON.stringify(line)}`);
      }
      files.push({
        name,
        size: Number(size),
        mtimeMs: Number(mtime) * 1000,
        gzip: gzipVerdict,
        endMarker: markerVerdict,
      });
    } else if (kind === 'skip') {
      skipped.push({ reason: fields[1] ?? '', name: fields.slice(2).join('\t') });
    } else if (kind === 'end') {
      if (Number(fields[1]) !== files.length) {
        return badOutput(`the end line counts ${fields[1]} files but ${files.length} were listed`);
      }
      const objects = files.map((f): BackupObject => {
        const integrity = integrityOf(f);
        const object = { key: f.name, size: f.size, lastModified: f.mtimeMs };
        return integrity === undefined ? object : { ...object, integrity };
      });
      return { ok: true, directory, objects, files, skipped };
    } else {
      return badOutput(`unexpected line ${JSON.stringify(line)}`);
    }
  }
  if (directory === undefined) {
    const first = lines.find((l) => l !== '') ?? '';
    return badOutput(`no vigil-backup-listing header (first line: ${JSON.stringify(first.slice(0, 120))})`);
  }
  return badOutput(
    `the output stops after ${files.length} files without its end line ` +
      '(SSM returns at most 24,000 characters: narrow the glob, or send output to S3)',
  );
}

/** The result of {@link checkHostListing}: a verdict, or why the listing gave none. */
export type HostBackupCheck =
  | BackupEvaluation
  | { readonly ok: false; readonly reason: HostListingFailureReason; readonly detail: string };

/** Parses the script's output and judges it: what the canary calls with `GetCommandInvocation`'s stdout. */
export function checkHostListing(output: string, rules: BackupRules, now: number): HostBackupCheck {
  const listing = parseHostListing(output);
  if (!listing.ok) return listing;
  const verdict = evaluateBackups(listing.objects, rules, now);
  return { ...verdict, detail: `${listing.directory}: ${verdict.detail}` };
}
