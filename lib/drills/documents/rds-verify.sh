#!/usr/bin/env bash
# Vigil DR drill, RDS snapshot: verify a scratch instance restored from the newest snapshot, from the
# drill's verify host over Run Command. The restore itself is the document's RestoreDBInstanceFromDBSnapshot;
# this runs the config's queries against the scratch instance and prints the same facts line as
# lib/drills/scripts/restore-dump.sh (lib/drills/facts.ts), so one judge reads both.
# Never write two opening braces in a row here: SSM reads them as a document parameter.
#
# Input (environment):
#   VIGIL_PGHOST, VIGIL_PGPORT   the scratch instance's endpoint
#   VIGIL_SCRATCH                its identifier (vigil-drill-<drill>), reported as the database
#   VIGIL_STARTED_AT             when the restore started (the instance's creation time)
#   VIGIL_PGUSER, VIGIL_PGDATABASE  the source's master user and the database to verify
#   VIGIL_PASSWORD_SSM           a SecureString parameter holding the password, or
#   VIGIL_PASSWORD_SECRET        a Secrets Manager secret (VIGIL_PASSWORD_JSON_KEY: its JSON field)
#   VIGIL_QUERY_COUNT, VIGIL_QUERY_n_NAME_B64, VIGIL_QUERY_n_SQL_B64, VIGIL_QUERY_n_MIN, VIGIL_FRESHNESS_SQL_B64
#   VIGIL_PSQL (default psql), VIGIL_AWS (default aws)
# Output: progress lines, then `VIGIL_DRILL_FACTS {json}`. Exit 0 when every query met its minimum.

set -u
set -o pipefail
LC_ALL=C
export LC_ALL
umask 077

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

scratch=${VIGIL_SCRATCH:-}
started_at=$(date -u -d "${VIGIL_STARTED_AT:-now}" +%Y-%m-%dT%H:%M:%S.%3NZ 2>/dev/null) || started_at=$(now_iso)
restored_at=$started_at
reason=
error=
queries_json=
newest_data=
work=$(mktemp -d "${TMPDIR:-/tmp}/vigil-drill.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT

note_failure() {
  if [ -z "$reason" ]; then
    reason=$1
    error=$2
  fi
}

facts() {
  local ok=false
  [ -z "$reason" ] && ok=true
  printf 'VIGIL_DRILL_FACTS {"ok":%s' "$ok"
  [ -n "$reason" ] && printf ',"reason":"%s"' "$reason"
  printf ',"database":%s,"startedAt":"%s","restoredAt":"%s"' "$(json_str "$scratch")" "$started_at" "$restored_at"
  [ -n "${verified_at:-}" ] && printf ',"verifiedAt":"%s"' "$verified_at"
  printf ',"queries":[%s]' "$queries_json"
  [ -n "$newest_data" ] && printf ',"newestData":"%s"' "$newest_data"
  [ -n "$error" ] && printf ',"error":%s' "$(json_str "$error")"
  printf '}\n'
}

bad() {
  note_failure bad_input "$1"
  log "bad input: $1"
  facts
  exit 2
}

for var in VIGIL_PGHOST VIGIL_PGPORT VIGIL_PGUSER VIGIL_PGDATABASE VIGIL_QUERY_COUNT; do
  [ -n "${!var:-}" ] || bad "$var is not set"
done
count=$VIGIL_QUERY_COUNT
[[ $count =~ ^[0-9]+$ ]] || bad "VIGIL_QUERY_COUNT must be a number, got $count"
read -r -a AWS <<<"${VIGIL_AWS:-aws}"
read -r -a PSQL <<<"${VIGIL_PSQL:-psql}"

# The password is read here, at run time, and handed to psql through its environment only.
if [ -n "${VIGIL_PASSWORD_SSM:-}" ]; then
  PGPASSWORD=$("${AWS[@]}" ssm get-parameter --with-decryption --name "$VIGIL_PASSWORD_SSM" \
    --query Parameter.Value --output text 2>"$work/pw.err") || bad "reading $VIGIL_PASSWORD_SSM: $(head -n 1 "$work/pw.err")"
elif [ -n "${VIGIL_PASSWORD_SECRET:-}" ]; then
  secret=$("${AWS[@]}" secretsmanager get-secret-value --secret-id "$VIGIL_PASSWORD_SECRET" \
    --query SecretString --output text 2>"$work/pw.err") || bad "reading $VIGIL_PASSWORD_SECRET: $(head -n 1 "$work/pw.err")"
  if [ -n "${VIGIL_PASSWORD_JSON_KEY:-}" ]; then
    PGPASSWORD=$(printf '%s' "$secret" | python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]], end="")' "$VIGIL_PASSWORD_JSON_KEY" 2>"$work/pw.err") ||
      bad "$VIGIL_PASSWORD_SECRET has no JSON field $VIGIL_PASSWORD_JSON_KEY"
  else
    PGPASSWORD=$secret
  fi
else
  bad 'neither VIGIL_PASSWORD_SSM nor VIGIL_PASSWORD_SECRET is set'
fi
export PGPASSWORD PGCONNECT_TIMEOUT=20 PGSSLMODE=require

q() { "${PSQL[@]}" -X -q -v ON_ERROR_STOP=1 -h "$VIGIL_PGHOST" -p "$VIGIL_PGPORT" -U "$VIGIL_PGUSER" -d "$VIGIL_PGDATABASE" "$@" </dev/null; }

log "verifying $scratch ($VIGIL_PGHOST:$VIGIL_PGPORT/$VIGIL_PGDATABASE)"
i=1
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
  elif q -At -c "$sql" >"$work/q.out" 2>"$work/q.err"; then
    value=$(head -n 1 "$work/q.out")
    value=${value//[[:space:]]/}
    is_number "$value" || { qerror="returned \"$value\", not a number"; value=; }
  else
    qerror=$(grep -m 1 . "$work/q.err")
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

if [ -n "${VIGIL_FRESHNESS_SQL_B64:-}" ]; then
  fsql=$(b64d "$VIGIL_FRESHNESS_SQL_B64") || fsql=
  if [ -n "$fsql" ] && q -At -c "SET TIME ZONE 'UTC'" -c "$fsql" >"$work/f.out" 2>"$work/f.err"; then
    fvalue=$(head -n 1 "$work/f.out")
    # An empty table gives NULL, which date(1) would read as today's midnight.
    [ -n "$fvalue" ] || note_failure query_failed 'freshness query returned no value (an empty table gives NULL)'
    [[ $fvalue =~ ^[0-9]+(\.[0-9]+)?$ ]] && fvalue="@$fvalue"
    [ -n "$fvalue" ] && newest_data=$(date -u -d "$fvalue" +%Y-%m-%dT%H:%M:%S.%3NZ 2>/dev/null) ||
      { newest_data=; note_failure query_failed "freshness query returned \"$fvalue\", not a timestamp"; }
  else
    note_failure query_failed "freshness query: $(grep -m 1 . "$work/f.err" 2>/dev/null)"
  fi
fi
verified_at=$(now_iso)
facts
[ -z "$reason" ]
