# Vigil DR drill: what restore-dump.sh and rds-verify.sh share, spliced into both where they say
# `# @include verify-lib.sh` (lib/drills/scripts/index.ts). Never write two opening braces in a row
# here: SSM reads them as a document parameter.
# The including script defines `bad MESSAGE` (bad input: print the facts, exit 2) and
# `note_failure REASON ERROR`, and sets `count`, `work`, `queries_json` and `newest_data`.

now_iso() { date -u +%Y-%m-%dT%H:%M:%S.%3NZ; }
log() { printf '[vigil-drill] %s %s\n' "$(now_iso)" "$*"; }

json_str() {
  local s=$1
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  s=${s//$'\n'/\\n}
  s=${s//$'\r'/\\r}
  s=${s//$'\t'/\\t}
  s=${s//[$'\x01'-$'\x1f']/}
  printf '"%s"' "$s"
}

b64d() { printf '%s' "$1" | base64 -d; }
is_number() { [[ $1 =~ ^-?[0-9]+(\.[0-9]+)?$ ]]; }

# The line of a tool's stderr that says what went wrong, else its first line.
first_error_line() {
  local line
  line=$(grep -m1 -E 'ERROR|FATAL|[Ee]rror|unexpected|invalid|denied|No such|not found|refused' "$1" 2>/dev/null)
  if [ -z "$line" ]; then line=$(grep -m1 . "$1" 2>/dev/null); fi
  printf '%s' "${line:-no error output}"
}

# Runs the config's queries (VIGIL_QUERY_n_NAME_B64, _SQL_B64, _MIN for n = 1..count) with the psql
# command given as arguments (its connection options included) and records each in queries_json.
run_queries() {
  local i=1 name_var sql_var min_var qname sql min value qerror
  while [ "$i" -le "$count" ]; do
    name_var="VIGIL_QUERY_${i}_NAME_B64"
    sql_var="VIGIL_QUERY_${i}_SQL_B64"
    min_var="VIGIL_QUERY_${i}_MIN"
    qname=$(b64d "${!name_var:-}") || qname="query $i"
    sql=$(b64d "${!sql_var:-}") || sql=
    min=${!min_var:-1}
    is_number "$min" || bad "$min_var must be a number, got $min"
    value=
    qerror=
    if [ -z "$sql" ]; then
      qerror="$sql_var is empty or not base64"
    elif "$@" -At -c "$sql" >"$work/q.out" 2>"$work/q.err"; then
      value=$(head -n 1 "$work/q.out")
      value=${value//[[:space:]]/}
      if ! is_number "$value"; then
        qerror="returned \"$value\", not a number"
        value=
      fi
    else
      qerror=$(first_error_line "$work/q.err")
    fi
    if [ -n "$qerror" ]; then
      log "$qname: FAILED: $qerror"
      note_failure query_failed "$qname: $qerror"
      queries_json="$queries_json${queries_json:+,}{\"name\":$(json_str "$qname"),\"value\":null,\"min\":$min,\"ok\":false,\"error\":$(json_str "$qerror")}"
    elif awk -v v="$value" -v m="$min" 'BEGIN { exit !(v + 0 >= m + 0) }'; then
      log "$qname: $value (minimum $min)"
      queries_json="$queries_json${queries_json:+,}{\"name\":$(json_str "$qname"),\"value\":$value,\"min\":$min,\"ok\":true}"
    else
      log "$qname: $value, BELOW the minimum $min"
      note_failure below_minimum "$qname is $value, below the minimum of $min"
      queries_json="$queries_json${queries_json:+,}{\"name\":$(json_str "$qname"),\"value\":$value,\"min\":$min,\"ok\":false}"
    fi
    i=$((i + 1))
  done
}

# Runs the freshness query (VIGIL_FRESHNESS_SQL_B64), if any, with the psql command given as
# arguments, and sets newest_data to the newest data's time (ISO 8601 UTC).
check_freshness() {
  [ -n "${VIGIL_FRESHNESS_SQL_B64:-}" ] || return 0
  local fsql fvalue
  fsql=$(b64d "$VIGIL_FRESHNESS_SQL_B64") || fsql=
  # UTC, so a timestamptz prints with +00 and a timestamp without zone is read as UTC.
  if [ -z "$fsql" ]; then
    note_failure query_failed "freshness query: VIGIL_FRESHNESS_SQL_B64 is not base64"
  elif "$@" -At -c "SET TIME ZONE 'UTC'" -c "$fsql" >"$work/f.out" 2>"$work/f.err"; then
    fvalue=$(head -n 1 "$work/f.out")
    if [[ $fvalue =~ ^[0-9]+(\.[0-9]+)?$ ]]; then fvalue="@$fvalue"; fi
    if [ -z "$fvalue" ]; then
      # An empty table gives NULL, which date(1) would read as today's midnight.
      note_failure query_failed "freshness query returned no value (an empty table gives NULL)"
    elif newest_data=$(date -u -d "$fvalue" +%Y-%m-%dT%H:%M:%S.%3NZ 2>/dev/null); then
      log "newest data: $newest_data"
    else
      newest_data=
      note_failure query_failed "freshness query returned \"$fvalue\", not a timestamp"
    fi
  else
    note_failure query_failed "freshness query: $(first_error_line "$work/f.err")"
  fi
}
