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

# @include verify-lib.sh

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
run_queries q
check_freshness q
verified_at=$(now_iso)
facts
[ -z "$reason" ]
