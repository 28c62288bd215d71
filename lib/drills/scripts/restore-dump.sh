#!/usr/bin/env bash
# Vigil DR drill: restore the newest database dump into a scratch database, verify it, drop it.
# What runbook madef-home-care §3 asks a person to do by hand ("gunzip -c ... | psql", "verify row
# counts for key tables"), run over SSM Run Command on the host that keeps the dumps (or a drill host),
# and by `vigil drill run NAME --local DATABASE_URL` on a laptop. lib/drills/restore-script.ts builds
# the commands: the environment below, shell-quoted, then this file's text as `bash -c '...'`.
# Never write two opening braces in a row here: SSM reads them as a document parameter.
#
# Input (environment):
#   VIGIL_DUMP_SOURCE   a dump file (/opt/madef/backups/madef_20261203_020000.sql.gz), a directory
#                       (the newest file whose name matches the pattern), s3://bucket/key, or
#                       s3://bucket/prefix when a pattern is given (the newest matching key below it)
#   VIGIL_DUMP_PATTERN  the backup monitor's pattern as written (madef_{YYYYMMDD}_{HHMMSS}.sql.gz), for messages
#   VIGIL_DUMP_NAME_RE  the pattern as an anchored POSIX ERE with one group per placeholder
#   VIGIL_DUMP_NAME_FIELDS  the placeholders in group order: YYYYMMDD HHMMSS YYYY MM DD HH mm ss ANY
#   VIGIL_DUMP_NAME_GLOB    a glob that selects at least every matching name (narrows a directory listing)
#   VIGIL_DUMP_UTC_OFFSET_MINUTES  the clock the names are written in (default 0: UTC)
#   VIGIL_PSQL          the psql command, split on blanks: `sudo -u postgres psql`,
#                       `docker compose -f /opt/madef/docker-compose.yml exec -T postgres psql -U postgres`
#   VIGIL_SCRATCH_DB    the scratch database: must start with vigil_drill_ ([a-z0-9_], at most 63)
#   VIGIL_LIVE_DB       optional: the live database's name, refused as a scratch name
#   VIGIL_MAINTENANCE_DB  the database CREATE and DROP DATABASE run in (default postgres)
#   VIGIL_QUERY_COUNT   number of verification queries; for n = 1..count:
#   VIGIL_QUERY_n_NAME_B64, VIGIL_QUERY_n_SQL_B64, VIGIL_QUERY_n_MIN  (SQL and names travel in base64,
#                       so no text of theirs is ever read by a shell or by SSM's parameter expansion)
#   VIGIL_FRESHNESS_SQL_B64  optional: SQL returning the newest data's time (timestamp or epoch seconds)
#   VIGIL_AWS           the aws CLI command (default aws)
#   VIGIL_TIMEOUT_SECONDS  optional: stop (and clean up) after this long, before Run Command's own
#                       timeout kills the script with no chance to drop the scratch database
#
# Output: progress lines, then, last, one line `VIGIL_DRILL_FACTS {json}` (lib/drills/facts.ts).
# Exit status: 0 when restored and every query met its minimum, 1 otherwise, 2 for bad input.

set -u
set -o pipefail
LC_ALL=C
export LC_ALL
umask 077

# @include verify-lib.sh

started_at=$(now_iso)
scratch=${VIGIL_SCRATCH_DB:-}
reason=
error=
dump=
dump_ts=
restored_at=
verified_at=
newest_data=
queries_json=
created=0
dropped=
child=
watchdog=
bad_input=0
work=$(mktemp -d "${TMPDIR:-/tmp}/vigil-drill.XXXXXX") || {
  printf 'VIGIL_DRILL_FACTS {"ok":false,"reason":"bad_input","database":%s,"startedAt":"%s","queries":[],"error":"mktemp failed"}\n' \
    "$(json_str "$scratch")" "$started_at"
  exit 2
}

# Records the first failure only: later ones are consequences.
note_failure() {
  if [ -z "$reason" ]; then
    reason=$1
    error=$2
  fi
}
die() {
  note_failure "$1" "$2"
  log "FAILED: $1: $2"
  exit 1
}

# Stops every background job (each is its own process group): the one being waited for, one started
# just before a signal landed and before its pid was recorded, and the watchdog.
stop_child() {
  local p
  for p in ${child:-} $(jobs -p); do
    kill -TERM -- "-$p" 2>/dev/null || kill -TERM "$p" 2>/dev/null
  done
  child=
}

# Runs a command in the background and waits, so a SIGTERM is handled at once, not after it ends.
# Job control on for the fork only: the job gets its own process group (a cancel stops the whole
# pipeline), and bash prints no "Done" notices.
run_waiting() {
  set -m
  "$@" &
  child=$!
  set +m
  wait "$child"
  local rc=$?
  child=
  return $rc
}

psql_in() {
  local db=$1
  shift
  "${PSQL[@]}" -X -q -v ON_ERROR_STOP=1 -d "$db" "$@" </dev/null
}

drop_scratch() {
  log "dropping scratch database $scratch"
  if psql_in "$maint" -c "DROP DATABASE IF EXISTS $scratch WITH (FORCE)" >"$work/drop.out" 2>"$work/drop.err"; then
    dropped=true
    return 0
  fi
  # PostgreSQL before 13 has no WITH (FORCE); the restore has stopped by now.
  if psql_in "$maint" -c "DROP DATABASE IF EXISTS $scratch" >"$work/drop.out" 2>"$work/drop.err"; then
    dropped=true
    return 0
  fi
  dropped=false
  log "could not drop $scratch: $(first_error_line "$work/drop.err")"
  return 1
}

finish() {
  local status=$?
  # Cleanup must not be cut short by a second signal.
  trap '' TERM INT USR1
  trap - EXIT
  stop_child
  if [ "$created" = 1 ]; then drop_scratch; fi
  rm -rf "$work"
  if [ -z "$reason" ] && [ "$status" != 0 ]; then note_failure restore_failed "the script exited with status $status"; fi
  local ok=true
  if [ -n "$reason" ]; then ok=false; fi
  local out="{\"ok\":$ok"
  if [ -n "$reason" ]; then out="$out,\"reason\":\"$reason\""; fi
  if [ -n "$dump" ]; then out="$out,\"dump\":$(json_str "$dump")"; fi
  if [ -n "$dump_ts" ]; then out="$out,\"dumpTimestamp\":\"$dump_ts\""; fi
  out="$out,\"database\":$(json_str "$scratch"),\"startedAt\":\"$started_at\""
  if [ -n "$restored_at" ]; then out="$out,\"restoredAt\":\"$restored_at\""; fi
  if [ -n "$verified_at" ]; then out="$out,\"verifiedAt\":\"$verified_at\""; fi
  out="$out,\"queries\":[$queries_json]"
  if [ -n "$newest_data" ]; then out="$out,\"newestData\":\"$newest_data\""; fi
  if [ -n "$error" ]; then out="$out,\"error\":$(json_str "$error")"; fi
  if [ -n "$dropped" ]; then out="$out,\"dropped\":$dropped"; fi
  out="$out}"
  if [ "$ok" = true ]; then log "drill restore passed"; fi
  printf 'VIGIL_DRILL_FACTS %s\n' "$out"
  if [ "$ok" = true ]; then exit 0; fi
  if [ "$bad_input" = 1 ]; then exit 2; fi
  exit 1
}
on_signal() {
  note_failure "$1" "$2"
  log "$2"
  exit 1
}
trap finish EXIT
trap 'on_signal interrupted "received SIGTERM (Run Command timeout or cancel); cleaning up"' TERM
trap 'on_signal interrupted "received SIGINT; cleaning up"' INT
trap 'on_signal timeout "the restore did not finish within VIGIL_TIMEOUT_SECONDS=${VIGIL_TIMEOUT_SECONDS:-}"' USR1

bad() {
  bad_input=1
  die bad_input "$1"
}

# ---- input ----
source_=${VIGIL_DUMP_SOURCE:-}
pattern=${VIGIL_DUMP_PATTERN:-}
name_re=${VIGIL_DUMP_NAME_RE:-}
fields=${VIGIL_DUMP_NAME_FIELDS:-}
name_glob=${VIGIL_DUMP_NAME_GLOB:-*}
offset=${VIGIL_DUMP_UTC_OFFSET_MINUTES:-0}
maint=${VIGIL_MAINTENANCE_DB:-postgres}
live=${VIGIL_LIVE_DB:-}
count=${VIGIL_QUERY_COUNT:-0}
read -r -a PSQL <<<"${VIGIL_PSQL:-}"
read -r -a AWS <<<"${VIGIL_AWS:-aws}"

if [ -z "$source_" ]; then bad 'VIGIL_DUMP_SOURCE is not set: give a dump file, a directory or an s3:// URI'; fi
if [ "${#PSQL[@]}" -eq 0 ]; then bad 'VIGIL_PSQL is not set: give the psql command, e.g. sudo -u postgres psql'; fi
if ! [[ $count =~ ^[0-9]+$ ]]; then bad "VIGIL_QUERY_COUNT must be a whole number, got $count"; fi
if ! [[ $offset =~ ^-?[0-9]+$ ]]; then bad "VIGIL_DUMP_UTC_OFFSET_MINUTES must be whole minutes, got $offset"; fi
if [ -n "${VIGIL_TIMEOUT_SECONDS:-}" ] && ! [[ $VIGIL_TIMEOUT_SECONDS =~ ^[1-9][0-9]*$ ]]; then
  bad "VIGIL_TIMEOUT_SECONDS must be a positive whole number, got $VIGIL_TIMEOUT_SECONDS"
fi

# The scratch name is the only database this script creates or drops: it must be unmistakable.
if [[ $scratch != vigil_drill_* ]]; then
  die scratch_name_refused "scratch database name \"$scratch\" does not start with vigil_drill_; refusing to create, restore into or drop it"
fi
if ! [[ $scratch =~ ^[a-z0-9_]+$ ]] || [ "${#scratch}" -gt 63 ]; then
  die scratch_name_refused "scratch database name \"$scratch\" must be lower-case letters, digits and _ (at most 63); refusing it"
fi
if [ -n "$live" ] && [ "$scratch" = "$live" ]; then
  die scratch_name_refused "scratch database name \"$scratch\" is the live database's name; refusing to create, restore into or drop it"
fi

if [ -n "${VIGIL_TIMEOUT_SECONDS:-}" ]; then
  set -m
  (
    sleep "$VIGIL_TIMEOUT_SECONDS"
    kill -USR1 $$
  ) >/dev/null 2>&1 &
  watchdog=$!
  set +m
fi

# ---- which dump ----
# Sets name_key (YYYYMMDDHHMMSS, sortable) and name_epoch (UTC seconds) from a file name, or fails.
name_time() {
  [[ $1 =~ $name_re ]] || return 1
  local y= mo= d= h=00 mi=00 s=00 i=1 f v
  for f in $fields; do
    v=${BASH_REMATCH[$i]}
    i=$((i + 1))
    case $f in
      YYYYMMDD) y=${v:0:4} mo=${v:4:2} d=${v:6:2} ;;
      HHMMSS) h=${v:0:2} mi=${v:2:2} s=${v:4:2} ;;
      YYYY) y=$v ;;
      MM) mo=$v ;;
      DD) d=$v ;;
      HH) h=$v ;;
      mm) mi=$v ;;
      ss) s=$v ;;
    esac
  done
  if [ -z "$y" ] || [ -z "$mo" ] || [ -z "$d" ]; then return 1; fi
  # date rejects 20261340 and 250000, as the backup monitor's matcher does.
  name_epoch=$(date -u -d "$y-$mo-$d $h:$mi:$s" +%s 2>/dev/null) || return 1
  name_epoch=$((name_epoch - offset * 60))
  name_key="$y$mo$d$h$mi$s"
}

best_name=
best_key=
best_path=
# consider NAME PATH [MTIME_KEY]: keeps the newest candidate in best_name, best_key and best_path.
consider() {
  local name=$1 key
  if [ -n "$name_re" ]; then
    name_time "$name" || return 0
    key=$name_key
  else
    key=${3:-}
  fi
  # Newest first; equal times: the greater name, as the backup monitor ranks them.
  if [ -z "$best_name" ] || [[ $key > $best_key ]] || { [ "$key" = "$best_key" ] && [[ $1 > $best_name ]]; }; then
    best_name=$1
    best_key=$key
    best_path=$2
  fi
}

case $source_ in
  s3://*)
    if [ -n "$name_re" ]; then
      bucket=${source_#s3://}
      bucket=${bucket%%/*}
      log "listing $source_"
      if ! run_waiting "${AWS[@]}" s3 ls --recursive "$source_" >"$work/ls.out" 2>"$work/ls.err"; then
        # An empty prefix makes `aws s3 ls` exit 1 with no error text.
        if [ -s "$work/ls.err" ]; then die download_failed "aws s3 ls $source_: $(first_error_line "$work/ls.err")"; fi
      fi
      while read -r _day _time _size key; do
        [ -n "${key:-}" ] || continue
        consider "${key##*/}" "$key"
      done <"$work/ls.out"
      if [ -z "$best_name" ]; then die dump_not_found "no object under $source_ matches ${pattern:-the pattern}"; fi
      dump="s3://$bucket/$best_path"
    else
      dump=$source_
    fi
    ;;
  *)
    if [ -d "$source_" ]; then
      dir=${source_%/}
      shopt -s nullglob
      for f in "$dir"/$name_glob; do
        # Only regular files, as the backup monitor's listing: a symlink is not a backup.
        if [ -L "$f" ] || [ ! -f "$f" ]; then continue; fi
        if [ -n "$name_re" ]; then consider "${f##*/}" "$f"; else consider "${f##*/}" "$f" "$(date -u -r "$f" +%Y%m%d%H%M%S)"; fi
      done
      shopt -u nullglob
      if [ -z "$best_name" ]; then die dump_not_found "no file in $dir matches ${pattern:-$name_glob}"; fi
      dump=$best_path
    elif [ -f "$source_" ]; then
      dump=$source_
    else
      die dump_not_found "$source_ does not exist"
    fi
    ;;
esac
if [ -n "$name_re" ] && name_time "${dump##*/}"; then
  dump_ts=$(date -u -d "@$name_epoch" +%Y-%m-%dT%H:%M:%S.000Z)
fi
log "dump: $dump${dump_ts:+ (taken $dump_ts)}"

# ---- restore ----
created=1
drop_scratch >/dev/null || die restore_failed "could not drop a leftover $scratch: $(first_error_line "$work/drop.err")"
dropped=
log "creating scratch database $scratch"
if ! run_waiting psql_in "$maint" -c "CREATE DATABASE $scratch" >"$work/create.out" 2>"$work/create.err"; then
  die restore_failed "CREATE DATABASE $scratch: $(first_error_line "$work/create.err")"
fi

fetch() {
  case $dump in
    s3://*) "${AWS[@]}" s3 cp "$dump" - ;;
    *) cat -- "$dump" ;;
  esac
}
decompress() {
  case $dump in
    *.gz | *.GZ) gzip -dc ;;
    *) cat ;;
  esac
}
restore_pipeline() {
  fetch 2>"$work/fetch.err" | decompress 2>"$work/gzip.err" |
    "${PSQL[@]}" -X -q -v ON_ERROR_STOP=1 -d "$scratch" >"$work/restore.out" 2>"$work/restore.err"
  printf '%s\n' "${PIPESTATUS[*]}" >"$work/restore.status"
}
log "restoring into $scratch"
run_waiting restore_pipeline
read -r fetch_rc gzip_rc psql_rc <"$work/restore.status"
# 141: SIGPIPE, when psql stopped first and the stages before it could not finish writing.
if [ "$psql_rc" != 0 ]; then
  if [ "$fetch_rc" != 0 ] && [ "$fetch_rc" != 141 ] && [[ $dump == s3://* ]]; then
    die download_failed "aws s3 cp $dump: $(first_error_line "$work/fetch.err")"
  fi
  # A truncated gzip usually shows first as psql choking on a half row: say both.
  if [ "$gzip_rc" != 0 ] && [ "$gzip_rc" != 141 ]; then
    die restore_failed "psql: $(first_error_line "$work/restore.err") ($(first_error_line "$work/gzip.err"): the dump is truncated or corrupt)"
  fi
  die restore_failed "psql: $(first_error_line "$work/restore.err")"
fi
if [ "$fetch_rc" != 0 ]; then
  if [[ $dump == s3://* ]]; then die download_failed "aws s3 cp $dump: $(first_error_line "$work/fetch.err")"; fi
  die restore_failed "reading $dump: $(first_error_line "$work/fetch.err")"
fi
if [ "$gzip_rc" != 0 ]; then
  # psql accepted what it got, but the dump is cut short: a partial restore is a failed restore.
  die restore_failed "$(first_error_line "$work/gzip.err") (the dump is truncated or corrupt; psql restored only part of it)"
fi
restored_at=$(now_iso)
log "restored"

# ---- verify ----
run_queries run_waiting psql_in "$scratch"
check_freshness run_waiting psql_in "$scratch"
verified_at=$(now_iso)
if [ -n "$reason" ]; then
  log "FAILED: $reason: $error"
  exit 1
fi
exit 0
