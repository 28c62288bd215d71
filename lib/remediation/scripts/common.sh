#!/bin/sh
# Vigil remediation: functions shared by the host scripts beside this file. The document builder
# (./index.ts) sends this text, then the action's script, as the `commands` of AWS-RunShellScript,
# after the parameters set as quoted assignments (DIRECTORY='/opt/madef' ...). POSIX sh: Ubuntu's
# /bin/sh is dash, Amazon Linux's is bash; both are tested.
#
# Output: every line starts with "vigil: ", and a failure ends with one line
#   vigil: FAILED: <what> ...
# then exits non-zero at once, so nothing after it runs and the Run Command output (the part the
# execution page shows) says which service failed and why. Exit codes:
#   2 bad parameters, 3 a docker/git command failed, 4 not healthy in time, 5 no previous release.
#
# No literal double opening brace may appear in these scripts: SSM reads one as a parameter
# reference. docker's Go templates are built at run time from printf '\173\173' for that reason.

set -u
LC_ALL=C
export LC_ALL

# Seconds between health polls; tests make it short.
POLL_SECONDS=${VIGIL_POLL_SECONDS:-5}
lb=$(printf '\173\173')
# "<status> <health>", health empty for a container without a healthcheck.
STATE_FORMAT="${lb}.State.Status}} ${lb}if .State.Health}}${lb}.State.Health.Status}}${lb}end}}"
IMAGE_FORMAT="${lb}.Config.Image}}"

say() {
  printf 'vigil: %s\n' "$*"
}

fail() {
  code=$1
  shift
  printf 'vigil: FAILED: %s\n' "$*"
  exit "$code"
}

# need NAME...: each variable is set and not empty.
need() {
  for name in "$@"; do
    eval "value=\${$name:-}"
    [ -n "$value" ] || fail 2 "parameter $name is empty"
  done
}

# is_seconds VALUE: a whole number of seconds.
is_seconds() {
  case $1 in
    '' | *[!0-9]*) return 1 ;;
  esac
  return 0
}

# run WHAT COMMAND...: runs the command, shows the tail of its output, fails the script (exit 3)
# naming WHAT, the command and its last line of output when it exits non-zero.
run() {
  what=$1
  shift
  shown="$*"
  [ "$1" = compose ] && shown="$(compose_words) ${shown#compose }"
  say "$what: $shown"
  out=$("$@" 2>&1)
  rc=$?
  if [ -n "$out" ]; then printf '%s\n' "$out" | tail -n 20 | sed 's/^/  | /'; fi
  [ "$rc" -eq 0 ] || fail 3 "$what: '$shown' exited $rc: $(printf '%s\n' "$out" | tail -n 1)"
}

# compose ARGS...: docker compose (v2) or docker-compose (v1), as COMPOSE says.
compose() {
  if [ "${COMPOSE:-v2}" = v1 ]; then docker-compose "$@"; else docker compose "$@"; fi
}

compose_words() {
  if [ "${COMPOSE:-v2}" = v1 ]; then printf 'docker-compose'; else printf 'docker compose'; fi
}

# wait_ready service|container NAME TIMEOUT: polls until every container of the compose service
# (or the container NAME) is healthy, or running when it has no healthcheck; fails (exit 4) with
# the last state seen when TIMEOUT seconds pass first.
wait_ready() {
  kind=$1
  name=$2
  timeout=$3
  start=$(date +%s)
  while :; do
    if [ "$kind" = service ]; then
      ids=$(compose ps -q "$name" 2>&1) || fail 3 "$name: '$(compose_words) ps -q $name' failed: $ids"
    else
      ids=$name
    fi
    pending=''
    [ -n "$ids" ] || pending='no running container'
    for id in $ids; do
      state=$(docker inspect --format "$STATE_FORMAT" "$id" 2>&1) || {
        pending="$pending $id: docker inspect failed: $state"
        continue
      }
      status=${state%% *}
      case $state in
        *' '*) health=${state#* } ;;
        *) health='' ;;
      esac
      case $health in
        healthy) ;;
        '') [ "$status" = running ] || pending="$pending $id is $status" ;;
        *) pending="$pending $id is $status, health $health" ;;
      esac
    done
    elapsed=$(($(date +%s) - start))
    if [ -z "$pending" ]; then
      say "$name is ready after ${elapsed}s"
      return 0
    fi
    [ "$elapsed" -lt "$timeout" ] || fail 4 "$name is not healthy after ${timeout}s:$pending"
    sleep "$POLL_SECONDS"
  done
}

# previous_line LOG CURRENT: the tag deployed before CURRENT in a release log (one tag a line,
# newest last, blank and # lines ignored): the nearest earlier line that differs from the last
# occurrence of CURRENT, or from the last line when CURRENT is not in the log. Empty when none.
previous_line() {
  awk -v cur="$2" '
    /^[ \t]*(#|$)/ { next }
    { sub(/[ \t\r]+$/, ""); n++; line[n] = $0; if ($0 == cur) at = n }
    END {
      if (!at) at = n
      for (i = at - 1; i >= 1; i--) if (line[i] != line[at]) { print line[i]; exit }
    }' "$1"
}

# is_tag VALUE: a docker tag (letters, digits, _ . -, at most 128).
is_tag() {
  case $1 in
    '' | *[!A-Za-z0-9_.-]*) return 1 ;;
  esac
  [ "${#1}" -le 128 ]
}

# mark FILE WHAT FROM TO: appends a release marker line, tab-separated:
#   <UTC ISO time> <epoch seconds> rollback <from> <to> <what>
# read by deploy-awareness (a rollback is a deploy) and by people.
mark() {
  now=$(date +%s)
  iso=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  if printf '%s\t%s\trollback\t%s\t%s\t%s\n' "$iso" "$now" "$3" "$4" "$2" >>"$1"; then
    say "release marker appended to $1"
  else
    say "warning: could not append the release marker to $1"
  fi
}
