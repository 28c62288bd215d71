#!/bin/sh
# Vigil backup listing: what `ls -lht /opt/madef/backups/madef_*.sql.gz` shows a person in runbook
# madef-home-care §3, in a form a canary can parse. Run on the app host over SSM Run Command
# (AWS-RunShellScript). POSIX sh; works with dash, bash and busybox ash, GNU/busybox/BSD stat.
# HOST_LISTING_SCRIPT in host-listing.ts is this script without its comment-only lines (a test
# compares them): no line of a quoted string or here-document may start with # (after blanks).
#
# Usage: host-listing.sh DIRECTORY GLOB [GZIP_TEST [END_MARKER]]
#   GLOB        file names to list, e.g. 'madef_*.sql.gz' (quote it: the script expands it)
#   GZIP_TEST   all (default): run `gzip -t` on every *.gz file, at nice 19; none: skip it
#   END_MARKER  optional text the last 1 KiB of each file (decompressed for *.gz) must contain,
#               e.g. 'PostgreSQL database dump complete': catches a dump that died but was gzipped
#
# Output, tab-separated, one record a line (the name is the last field, so it may hold tabs):
#   vigil-backup-listing <TAB> 1 <TAB> DIRECTORY
#   file <TAB> SIZE_BYTES <TAB> MTIME_EPOCH_S <TAB> ok|bad|untested|- <TAB> yes|no|- <TAB> NAME
#   skip <TAB> symlink|not_a_file|no_stat|newline_in_name <TAB> NAME (? for newline_in_name)
#   end <TAB> NUMBER_OF_FILE_LINES
# The end line proves the output was not cut short (SSM returns at most 24,000 characters).
# Errors print one line `error <TAB> CODE <TAB> TEXT` and exit non-zero:
#   2 no_directory, 3 unreadable, 64 usage.

set -u
LC_ALL=C
export LC_ALL

nl='
'
bad_token='__VIGIL_GZIP_FAILED__'

if [ "$#" -lt 2 ] || [ -z "$1" ] || [ -z "$2" ]; then
  printf 'error\tusage\t%s\n' 'usage: host-listing.sh DIRECTORY GLOB [all|none] [END_MARKER]'
  exit 64
fi
dir=$1
glob=$2
gzip_test=${3:-all}
marker=${4:-}
case $gzip_test in
  all | none) ;;
  *)
    printf 'error\tusage\tGZIP_TEST must be all or none, got %s\n' "$gzip_test"
    exit 64
    ;;
esac

if [ ! -d "$dir" ]; then
  printf 'error\tno_directory\t%s\n' "$dir"
  exit 2
fi
if [ ! -r "$dir" ] || [ ! -x "$dir" ]; then
  printf 'error\tunreadable\t%s\n' "$dir"
  exit 3
fi

have_gzip=
if command -v gzip >/dev/null 2>&1; then have_gzip=1; fi
have_nice=
if command -v nice >/dev/null 2>&1; then have_nice=1; fi

# Integrity tests read whole dumps: keep them out of the application's way.
low() {
  if [ -n "$have_nice" ]; then nice -n 19 "$@"; else "$@"; fi
}

is_num() {
  case $1 in
    '' | *[!0-9]*) return 1 ;;
  esac
  return 0
}

# "SIZE MTIME" with GNU or busybox stat, BSD stat, or wc and date -r; each answer is checked.
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
    if is_num "${out%% *}" && is_num "${out#* }"; then
      printf '%s\n' "$out"
      return 0
    fi
  done
  return 1
}

printf 'vigil-backup-listing\t1\t%s\n' "$dir"
count=0
# No field splitting: the glob below is expanded for file names only, and names may hold spaces.
IFS=''
for f in "$dir"/$glob; do
  # Nothing matched: the shell leaves the pattern itself.
  if [ ! -e "$f" ] && [ ! -L "$f" ]; then continue; fi
  name=${f##*/}
  case $name in
    *"$nl"*)
      printf 'skip\tnewline_in_name\t?\n'
      continue
      ;;
  esac
  if [ -L "$f" ]; then
    printf 'skip\tsymlink\t%s\n' "$name"
    continue
  fi
  if [ ! -f "$f" ]; then
    printf 'skip\tnot_a_file\t%s\n' "$name"
    continue
  fi
  if ! sm=$(size_mtime "$f"); then
    printf 'skip\tno_stat\t%s\n' "$name"
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
      # One decompression serves both tests; the token marks a failed gzip (no pipefail in sh).
      end=$( { low gzip -dc "$f" 2>/dev/null || printf '\n%s\n' "$bad_token"; } | tail -c 1024)
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

  printf 'file\t%s\t%s\t%s\t%s\t%s\n' "${sm%% *}" "${sm#* }" "$gz" "$mk" "$name"
  count=$((count + 1))
done
printf 'end\t%s\n' "$count"
